"""Turn the bytes of a response into text: undo Content-Encoding, then the charset.

Content-Encoding is undone incrementally under byte caps because a few kilobytes of gzip can
expand to gigabytes; holding the whole expansion in memory before checking would let one
hostile page take the crawler down.

News sites lie about encodings in every possible way: no declaration at all, a header that
disagrees with the ``<meta>``, ``iso-8859-1`` labels on pages full of Windows "smart quotes".
We follow the WHATWG order of precedence (BOM, transport header, in-document ``<meta>``, then a
guess) so that what we archive matches what a reader saw, and we never raise: a page with a few
replacement characters is far more useful than a crawl that stops.
"""

from __future__ import annotations

import codecs
import re
import zlib

__all__ = ["BodyDecoder", "binary_reason", "decode_body", "charset_from_content_type"]

# Browsers decode these labels with a superset encoding (WHATWG Encoding standard, "labels"),
# and real pages depend on it: bytes 0x80-0x9F of an "iso-8859-1" page are Windows-1252
# punctuation, not C1 control characters. Keys are Python codec names after ``codecs.lookup``.
_WHATWG_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
}

# UTF-7 lets "+ADw-script+AD4-" smuggle markup past filters; browsers refuse the label.
_REFUSED = {"utf-7"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# The declaration must come early; scanning more than this mostly finds charsets quoted in
# article text or scripts. Browsers look at 1024 bytes; we allow for bulky <head> preambles.
_META_SCAN_BYTES = 4096

# Matches both <meta charset="x"> and <meta http-equiv="Content-Type" content="...; charset=x">:
# in either form the label follows the first "charset=" inside the tag.
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)""",
    re.IGNORECASE,
)


# Bytes inflated per zlib call: memory peaks at the cap plus about twice this.
_INFLATE_STEP = 64 * 1024

# WHATWG MIME Sniffing (7.1, "binary data byte"): control bytes no text file holds, looked
# for in the first 1,445 bytes (its resource header) unless a BOM says UTF-16 or UTF-8.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_SNIFF_BYTES = 1445
# Binary formats that open with text: their first bytes say what they are.
_TEXT_SIGNATURES = ((b"%PDF-", "a PDF document"), (b"%!PS", "a PostScript document"))


class BodyDecoder:
    """Undoes gzip/deflate while a body streams in, keeping memory within the caps plus a chunk.

    Failures are reported, not raised, with the fetcher's outcome names: ``failure`` becomes
    "too_large" (either cap exceeded) or "decode_error" (corrupt stream), and ``error`` says
    why. With ``truncate`` (robots.txt) exceeding a cap ends the body instead, as RFC 9309
    asks crawlers to parse what fits rather than ignore the file.
    """

    def __init__(
        self,
        content_encoding: str | None,
        *,
        max_wire: int,
        max_decoded: int,
        truncate: bool = False,
    ) -> None:
        self.downloaded = 0
        self.failure: str | None = None
        self.error: str | None = None
        self._encoding = (content_encoding or "").strip().lower()
        self._max_wire = max_wire
        self._max_decoded = max_decoded
        self._truncate = truncate
        self._done = False
        self._size = 0
        self._parts: list[bytes] = []
        self._zlib: zlib._Decompress | None = None
        if self._encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding == "deflate":
            self._zlib = zlib.decompressobj()
        # Other encodings were not asked for; their bytes are kept as they came.

    def feed(self, chunk: bytes) -> bool:
        """Take one chunk off the wire; False means stop reading (failed or truncated)."""
        self.downloaded += len(chunk)
        if self.downloaded > self._max_wire:
            if self._truncate:
                self._done = True
                return False
            return self._fail("too_large", f"body exceeds max_body_bytes ({self._max_wire})")
        if self._zlib is None:
            return self._keep(chunk)
        data = chunk
        try:
            while data:
                # max_length bounds each call's output, so a bomb is caught one byte past
                # the cap instead of after it has filled memory; a small step also keeps
                # zlib's own output buffer (copied once more into the result) small.
                room = self._max_decoded - self._size + 1
                piece = self._zlib.decompress(data, min(room, _INFLATE_STEP))
                if not self._keep(piece):
                    return False
                data = self._zlib.unconsumed_tail
        except zlib.error as exc:
            return self._fail("decode_error", f"corrupt {self._encoding} body: {exc}")
        return True

    def finish(self) -> bytes:
        """Return the decoded body, or b"" when ``failure`` is set."""
        if self._zlib is not None and not self._done:
            try:
                self._keep(self._zlib.flush())
            except zlib.error as exc:
                self._fail("decode_error", f"corrupt {self._encoding} body: {exc}")
        return b"" if self.failure else b"".join(self._parts)

    def _keep(self, piece: bytes) -> bool:
        room = self._max_decoded - self._size
        if len(piece) > room:
            if not self._truncate:
                limit = f"max_decoded_bytes ({self._max_decoded})"
                return self._fail("too_large", f"decoded body exceeds {limit}")
            piece, self._done = piece[:room], True
        self._size += len(piece)
        self._parts.append(piece)
        return not self._done

    def _fail(self, failure: str, error: str) -> bool:
        self.failure, self.error, self._done = failure, error, True
        self._parts.clear()
        return False


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the raw ``charset`` parameter of a Content-Type value, if any.

    Kept separate from label resolution so callers can log what the server actually claimed.
    """
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            value = value.strip().strip("\"'").strip()
            return value or None
    return None


def _resolve(label: str | None) -> str | None:
    """Map a declared label to the codec a browser would use, or None if it is unusable."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
        # lookup() also knows bytes-to-bytes codecs such as "zlib" or "base64"; bytes.decode
        # refuses those (an empty probe would short-circuit before the check).
        b"a".decode(name, errors="replace")
    except (LookupError, ValueError):
        return None
    if name in _REFUSED:
        return None
    return _WHATWG_SUPERSETS.get(name, name)


def _from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    if match is None:
        return None
    encoding = _resolve(match.group(1).decode("ascii", "replace"))
    # A document whose <meta> we could read as ASCII cannot really be UTF-16; browsers
    # assume the author meant UTF-8.
    if encoding is not None and encoding.startswith("utf-16"):
        return "utf-8"
    return encoding


def _detect(body: bytes) -> str | None:
    # Imported here: most pages declare their charset, and its import is 1.9 MiB of a
    # crawl's RSS.
    import charset_normalizer

    best = charset_normalizer.from_bytes(body).best()
    return _resolve(best.encoding) if best is not None else None


# A few stray bytes in a UTF-8 page are damage; more than this share means another charset.
_INVALID_SHARE = 0.01
_INVALID_MIN = 8


def _mostly_invalid(text: str) -> bool:
    errors = text.count("\ufffd")
    return errors >= _INVALID_MIN and errors > len(text) * _INVALID_SHARE


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode ``body`` and return ``(text, codec_name_used)``; never raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding

    declared = _resolve(charset_from_content_type(content_type))
    encoding = declared or _from_meta(body) or _detect(body) or "utf-8"
    text = body.decode(encoding, errors="replace")
    if encoding == "utf-8" and _mostly_invalid(text):
        # "UTF-8" is the label servers and CMSs print by default, also on pages saved in a
        # legacy code page; when most of the text would be replacement characters, the
        # label is wrong, not the page: use the <meta> or a guess that decodes cleanly.
        for fallback in (_from_meta(body), _detect(body)):
            if fallback and fallback != "utf-8" and _decodes(body, fallback):
                text, encoding = body.decode(fallback), fallback
                break
    # Some encodings carry their own byte order mark (GB18030 spells U+FEFF as 84 31 95 33);
    # it is a signature, not content, and must not leak into the archived text.
    return text.removeprefix("\ufeff"), encoding


def binary_reason(body: bytes) -> str | None:
    """Why ``body`` is binary data rather than text (HTML, XML, plain text), or None.

    For a document that comes without a Content-Type (``newsarchive extract FILE``): a
    random or compressed file decodes to a "text" that language detection happily names."""
    head = body[:_SNIFF_BYTES]
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    for signature, name in _TEXT_SIGNATURES:
        if head.startswith(signature):
            return f"binary data: {name}"
    found = _BINARY_BYTES.search(head)
    if found:
        return f"binary data: byte 0x{found.group()[0]:02x} at offset {found.start()}"
    return None
