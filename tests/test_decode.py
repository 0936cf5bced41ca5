"""Charset decoding follows the WHATWG precedence and never raises."""

from __future__ import annotations

import codecs
import gzip
import zlib

import pytest

from scraper.fetch.decode import BodyDecoder, charset_from_content_type, decode_body

ARABIC = (
    "<html><body><h1>أخبار اليوم</h1><p>قالت الحكومة إن الاقتصاد سينمو هذا العام بعد "
    "سنوات من الركود، وأكد الوزير أن الإصلاحات الجديدة ستوفر آلاف الوظائف للشباب في "
    "المدن والقرى على حد سواء.</p></body></html>"
)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_header_and_is_stripped(bom: bytes, encoding: str) -> None:
    body = bom + "café".encode(encoding)
    assert decode_body(body, "text/html; charset=iso-8859-1") == ("café", encoding)


def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="utf-8"><p>caf\xe9</p>'.encode("cp1252")
    text, encoding = decode_body(body, 'text/html; charset="windows-1252"')
    assert encoding == "cp1252" and "café" in text


def test_meta_charset_is_used_without_header_charset() -> None:
    body = '<html><head><meta charset="windows-1251"></head><p>Привет</p>'.encode("cp1251")
    text, encoding = decode_body(body, "text/html")
    assert encoding == "cp1251" and "Привет" in text


def test_meta_http_equiv_content_type_is_used() -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Привет</p>'
    text, encoding = decode_body(html.encode("koi8-r"), None)
    assert encoding == "koi8-r" and "Привет" in text


def test_undeclared_windows_1256_is_detected() -> None:
    text, encoding = decode_body(ARABIC.encode("cp1256"), "text/html")
    assert encoding == "cp1256"
    assert text == ARABIC


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO_8859-1", "latin1", "l1", "us-ascii"])
def test_latin1_family_labels_decode_as_cp1252(label: str) -> None:
    text, encoding = decode_body(b"\x93quoted\x94 \x80", f"text/html; charset={label}")
    assert encoding == "cp1252"
    assert text == "\u201cquoted\u201d \u20ac"


@pytest.mark.parametrize("label", ["no-such-charset", "zlib", "utf-7"])
def test_bogus_header_label_falls_through_to_meta(label: str) -> None:
    body = '<meta charset="utf-8"><p>café</p>'.encode()
    text, encoding = decode_body(body, f"text/html; charset={label}")
    assert encoding == "utf-8" and "café" in text


def test_bogus_labels_everywhere_fall_back_to_detection() -> None:
    body = '<meta charset="bogus"><p>naïve café</p>'.encode()
    text, _ = decode_body(body, "text/html; charset=bogus")
    assert "naïve café" in text


def test_invalid_bytes_are_replaced_not_raised() -> None:
    text, encoding = decode_body(b"ok \xff\xfe\xfd end", "text/html; charset=utf-8")
    assert encoding == "utf-8" and text.startswith("ok ") and "\ufffd" in text


def test_charset_from_content_type() -> None:
    assert charset_from_content_type("text/html; Charset='UTF-8'") == "UTF-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None


def test_body_decoder_truncates_instead_of_failing_when_asked() -> None:
    decoder = BodyDecoder("gzip", max_wire=1000, max_decoded=10, truncate=True)
    assert not decoder.feed(gzip.compress(b"0123456789abcdef"))
    assert decoder.finish() == b"0123456789" and decoder.failure is None


def test_body_decoder_rejects_a_body_over_the_decoded_cap() -> None:
    decoder = BodyDecoder("deflate", max_wire=1000, max_decoded=10)
    assert not decoder.feed(zlib.compress(b"0123456789abcdef"))
    assert decoder.finish() == b"" and decoder.failure == "too_large"
