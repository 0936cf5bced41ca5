"""URL identity rules (see scraper/urls.py)."""

from __future__ import annotations

import re
import string
from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scraper import ConfigError
from scraper.urls import (
    TRACKING_FAMILIES,
    TRACKING_PARAMS,
    TRACKING_PREFIXES,
    VIEW_PARAMS,
    absolute_url,
    canonical_evidence,
    canonical_url,
    host_equivalents,
    is_article_path,
)

BASE = "https://www.news.example/a-story-slug/"


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.news.example/a-story-slug/",
        "HTTPS://WWW.News.Example/a-story-slug/",
        "https://www.news.example:443/a-story-slug/",
        "https://www.news.example/a-story-slug/#comments",
        "https://www.news.example/a-story-slug/?utm_source=twitter&utm_medium=social",
        "https://www.news.example/a-story-slug/?fbclid=abc&gclid=def",
        "https://www.news.example/a-story-slug/amp/",
        "https://www.news.example/a-story-slug/print/",
        "https://www.news.example/a-story-slug/?amp=1",
        "https://www.news.example/a-story-%73lug/",
        "https://www.news.example//a-story-slug/",
        "https://www.news.example/a-story-slug/?clickid=7&this_affiliate=x&aftr_source=y",
    ],
)
def test_variants_of_one_article_share_one_key(variant):
    assert canonical_url(variant) == BASE


def test_meaningful_query_parameters_are_kept_and_sorted():
    assert canonical_url("https://a.example/list?page=2&cat=5&utm_campaign=x") == (
        "https://a.example/list?cat=5&page=2")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.printweek.example/print", "https://www.printweek.example/print"),
        ("https://a.example/topics/print/", "https://a.example/topics/print/"),
        ("https://a.example/category/amp/", "https://a.example/category/amp/"),
        ("https://a.example/print/", "https://a.example/print/"),
        ("https://a.example/news/2024/a-long-story-slug/amp/",
         "https://a.example/news/2024/a-long-story-slug/"),
        ("https://a.example/read/123456/print", "https://a.example/read/123456"),
        ("https://a.example/story.html/amp", "https://a.example/story.html"),
    ],
)
def test_amp_and_print_are_views_only_after_an_article_url(url, key):
    assert canonical_url(url) == key


def test_the_site_file_says_which_urls_are_articles_and_which_fragments_are_pages():
    article = (re.compile(r"/story/\w+/$"),)
    assert canonical_url("https://a.example/story/abc/amp/", article_urls=article) == (
        "https://a.example/story/abc/")
    assert canonical_url("https://a.example/story/abc/amp/") == (
        "https://a.example/story/abc/amp/")
    routes = (re.compile(r"^page\d+$"),)
    assert canonical_url("https://a.example/#page2", fragment_routes=routes) == (
        "https://a.example/?_escaped_fragment_=page2")
    assert canonical_url("https://a.example/#top", fragment_routes=routes) == "https://a.example/"
    assert canonical_url("https://a.example/#page2") == "https://a.example/"


def test_a_hash_bang_is_a_page_of_its_own_fetched_as_the_ajax_scheme_says():
    key = canonical_url("https://a.example/#!page2")
    assert key == "https://a.example/?_escaped_fragment_=page2"
    assert canonical_url("https://a.example/?_escaped_fragment_=page2#comments") == key
    assert canonical_url("https://a.example/?x=1#!a b&c") == (
        "https://a.example/?_escaped_fragment_=a%20b%26c&x=1")
    assert absolute_url("#!page3", "https://a.example/") == "https://a.example/#!page3"


def test_different_paths_stay_different():
    assert canonical_url("https://a.example/one-story/") != canonical_url(
        "https://a.example/other-story/")
    assert canonical_url("https://a.example/amp-story/") == "https://a.example/amp-story/"


def test_canonicalisation_is_idempotent():
    for url in ("https://a.example/x-y-z/amp/?utm_source=1&b=2#f", "http://A.example:80",
                "https://a.example/x/?q=a+b&r=%28#!route"):
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_absolute_url_refuses_non_http_links():
    assert absolute_url("/a/", BASE) == "https://www.news.example/a/"
    assert absolute_url("mailto:desk@news.example", BASE) is None
    assert absolute_url("javascript:void(0)", BASE) is None
    assert absolute_url("#respond", BASE) is None


# --- Site policies: equivalent hosts, trailing slash -------------------------------------

SITE_HOSTS = host_equivalents(["www.news.example", "m.news.example", "amp.news.example",
                               "news.example", "cdn.news.example"])


def test_host_variants_fold_only_when_the_site_declares_them():
    assert SITE_HOSTS == {"m.news.example": "www.news.example",
                          "amp.news.example": "www.news.example",
                          "news.example": "www.news.example"}
    assert canonical_url("https://m.news.example/a-story-slug/") == (
        "https://m.news.example/a-story-slug/")
    for host in ("m.news.example", "AMP.news.example", "news.example"):
        assert canonical_url(f"https://{host}/a-story-slug/", equivalent_hosts=SITE_HOSTS) == BASE
    assert canonical_url("https://cdn.news.example/a-story-slug/",
                         equivalent_hosts=SITE_HOSTS).startswith("https://cdn.")


@pytest.mark.parametrize(
    ("policy", "url", "expected"),
    [
        ("keep", "https://a.example/x", "https://a.example/x"),
        ("keep", "https://a.example/x/", "https://a.example/x/"),
        ("add", "https://a.example/x", "https://a.example/x/"),
        ("add", "https://a.example/x/story.html", "https://a.example/x/story.html"),
        ("add", "https://a.example/x-y-z/amp", "https://a.example/x-y-z/"),
        ("add", "https://a.example/x/amp", "https://a.example/x/amp/"),
        ("strip", "https://a.example/x/", "https://a.example/x"),
        ("strip", "https://a.example/x-y-z/amp/", "https://a.example/x-y-z"),
        ("strip", "https://a.example/x/amp/", "https://a.example/x/amp"),
        ("strip", "https://a.example/", "https://a.example/"),
    ],
)
def test_trailing_slash_policy(policy, url, expected):
    assert canonical_url(url, trailing_slash=policy) == expected


def test_unknown_trailing_slash_policy_is_refused():
    with pytest.raises(ConfigError):
        canonical_url(BASE, trailing_slash="sometimes")


# --- Percent-encoding, dot segments, odd input -------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/a%2fb/", "https://a.example/a%2Fb/"),  # %2F is not a '/'
        ("https://a.example/caf\u00e9/", "https://a.example/caf%C3%A9/"),
        ("https://a.example/caf%c3%a9/", "https://a.example/caf%C3%A9/"),
        ("https://a.example/a b/", "https://a.example/a%20b/"),
        ("https://a.example/100%/", "https://a.example/100%25/"),
        ("https://a.example/a/./b/../c", "https://a.example/a/c"),
        ("https://a.example/x?q=%7e&r=a%2Bb&s=a+b", "https://a.example/x?q=~&r=a%2Bb&s=a%20b"),
        ("https://a.example/x?b=&c", "https://a.example/x?b=&c="),
        ("https://a.example/x?p=(1)&q=%28&r=%3B&s=;", "https://a.example/x?p=(1)&q=(&r=%3B&s=;"),
        ("https://a.example/price%28%C2%A3%29/ab%27c/", "https://a.example/price(%C2%A3)/ab'c/"),
        ("https://a.example/a%3Bb/%3f/", "https://a.example/a%3Bb/%3F/"),
        ("https://a.example/x?q=%E9", "https://a.example/x?q=%E9"),  # latin-1 kept as is
        ("https://user:pw@A.example./x", "https://a.example/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://b\u00fccher.example/", "http://xn--bcher-kva.example/"),
        ("https://a.example/x?MTM_source=n&pk_kwd=k&xtor=RSS-1&id=3", "https://a.example/x?id=3"),
        ("https://a.example/x-y-z/amp/print/?outputType=amp", "https://a.example/x-y-z/"),
    ],
)
def test_normalisation(url, expected):
    assert canonical_url(url) == expected


def test_garbage_is_returned_not_raised():
    assert canonical_url("http://[::1/x#f") == "http://[::1/x"
    assert canonical_url("http://a.example:port/x").startswith("http://a.example:port")
    assert absolute_url("http://[::1/x", BASE) is None


# --- rel=canonical and amphtml as evidence ----------------------------------------------

PAGE = "https://www.news.example/politics/story-slug/?utm_source=x"


@pytest.mark.parametrize(
    ("canonical", "amphtml", "key", "reason"),
    [
        (None, None, "https://www.news.example/politics/story-slug/", None),
        ("/politics/story-slug/", "/politics/story-slug/amp/",
         "https://www.news.example/politics/story-slug/", None),
        ("https://www.news.example/story-slug/", None, "https://www.news.example/story-slug/",
         None),
        ("https://wire.example/original/", None,
         "https://www.news.example/politics/story-slug/", "canonical-other-host: wire.example"),
        ("https://www.news.example/", None, "https://www.news.example/politics/story-slug/",
         "canonical-home-page: https://www.news.example/"),
        ("https://www.news.example/politics/", None,
         "https://www.news.example/politics/story-slug/",
         "canonical-section: https://www.news.example/politics/"),
        ("mailto:desk@news.example", None, "https://www.news.example/politics/story-slug/",
         "canonical-not-http: mailto:desk@news.example"),
        ("https://www.news.example/latest-story/", "/politics/story-slug/amp/",
         "https://www.news.example/politics/story-slug/",
         "canonical-contradicted-by-amphtml: https://www.news.example/latest-story/"),
        (None, "https://www-news-example.cdn.ampproject.org/c/s/x/amp/",
         "https://www.news.example/politics/story-slug/",
         "amphtml-other-host: www-news-example.cdn.ampproject.org"),
        ("https://www.news.example/", "https://www.news.example/amp/",
         "https://www.news.example/politics/story-slug/",
         "canonical-home-page: https://www.news.example/; "
         "amphtml-home-page: https://www.news.example/"),
    ],
)
def test_canonical_evidence(canonical, amphtml, key, reason):
    assert canonical_evidence(PAGE, canonical, amphtml) == (key, reason)


def test_canonical_evidence_follows_pages_and_declared_hosts():
    assert canonical_evidence("https://a.example/story/2/", "https://a.example/story/", None) \
        == ("https://a.example/story/", None)
    assert canonical_evidence("https://a.example/story/?page=2", "/story/", None) == (
        "https://a.example/story/", None)
    assert canonical_evidence("https://a.example/read.php?id=7", "/read.php", None)[1] == (
        "canonical-section: https://a.example/read.php")
    hosts = host_equivalents(["www.a.example", "m.a.example"])
    assert canonical_evidence("https://m.a.example/s/", "https://www.a.example/s/", None,
                              equivalent_hosts=hosts) == ("https://www.a.example/s/", None)


# --- Properties ---------------------------------------------------------------------------

_segment_chars = st.characters(codec="utf-8", exclude_categories=("Cs",))
segments = st.text(_segment_chars, min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..", "amp", "print"))
param_names = st.text(string.ascii_lowercase + "_-", min_size=1, max_size=6).filter(
    lambda k: k not in TRACKING_PARAMS and k not in VIEW_PARAMS
    and not k.startswith(TRACKING_PREFIXES) and not TRACKING_FAMILIES.search(k))
param_values = st.text(_segment_chars, max_size=6)
hosts = st.sampled_from(["a.example", "www.news.example", "Sub.Paper.example", "127.0.0.1:8080"])


def _encode(text: str, shout: bool) -> str:
    """Percent-encode ``text`` as a segment; ``shout`` also escapes unreserved characters,
    in lower-case hex, as some CMSs do."""
    if not shout:
        return quote(text, safe="")
    return "".join(f"%{b:02x}" for b in text.encode("utf-8"))


@st.composite
def article_urls(draw):
    path = draw(st.lists(segments, min_size=1, max_size=4))
    query = draw(st.lists(st.tuples(param_names, param_values), max_size=3,
                          unique_by=lambda p: p[0]))
    slash = draw(st.booleans())
    return draw(hosts), path, query, slash


def _build(host, path, query, slash, *, shout=False, scheme="https", extra="", suffix=""):
    url = f"{scheme}://{host}/" + "/".join(_encode(s, shout) for s in path)
    url += ("/" if slash else "") + suffix
    pairs = [f"{_encode(k, shout)}={_encode(v, shout)}" for k, v in query]
    if extra:
        pairs.append(extra)
    return url + ("?" + "&".join(pairs) if pairs else "")


any_policy = st.sampled_from(["keep", "add", "strip"])


@settings(max_examples=300)
@given(url=st.one_of(st.text(max_size=60), article_urls().map(lambda a: _build(*a))),
       policy=any_policy)
def test_property_idempotent(url, policy):
    once = canonical_url(url, trailing_slash=policy, equivalent_hosts=SITE_HOSTS)
    assert canonical_url(once, trailing_slash=policy, equivalent_hosts=SITE_HOSTS) == once


@settings(max_examples=300)
@given(a=article_urls(), other=st.lists(segments, min_size=1, max_size=4), policy=any_policy)
def test_property_never_merges_different_paths(a, other, policy):
    host, path, query, slash = a
    assume(path != other)
    assert canonical_url(_build(host, path, query, slash), trailing_slash=policy) != \
        canonical_url(_build(host, other, query, slash), trailing_slash=policy)


@settings(max_examples=300)
@given(a=article_urls(), name=param_names, value=param_values, other=param_values)
def test_property_never_merges_different_meaningful_parameters(a, name, value, other):
    host, path, query, slash = a
    query = [(k, v) for k, v in query if k != name]
    assume(value != other)
    assert canonical_url(_build(host, path, [*query, (name, value)], slash)) != \
        canonical_url(_build(host, path, [*query, (name, other)], slash))
    assert canonical_url(_build(host, path, query, slash)) != \
        canonical_url(_build(host, path, [*query, (name, value)], slash))


@settings(max_examples=200)
@given(a=article_urls(), tracking=st.sampled_from(sorted(TRACKING_PARAMS)), policy=any_policy)
def test_property_every_variant_folds_to_one_key(a, tracking, policy):
    host, path, query, slash = a
    path = [*path, "a-story-slug"]  # /amp and /print are views of an article's URL only
    assume(is_article_path("/" + "/".join(path)))  # not under /tag/, /category/, ...
    key = canonical_url(_build(host, path, query, slash), trailing_slash=policy)
    upper = host.upper()
    variants = [
        _build(host, path, query, slash, shout=True),
        _build(upper, path, query, slash, scheme="HTTPS"),
        _build(host, path, list(reversed(query)), slash),
        _build(host, path, query, slash, extra=f"{tracking}=x"),
        _build(host, path, query, slash, extra="utm_source=news&utm_medium=email"),
        _build(host, path, query, slash, extra="amp=1"),
        _build(host, path, query, slash, extra="print=1"),
        _build(host, path, query, slash, suffix="amp/" if slash else "/amp"),
        _build(host, path, query, slash, suffix="print/" if slash else "/print"),
        _build(host, path, query, slash) + "#comments",
    ]
    if ":" not in host:
        variants.append(_build(host + ":443", path, query, slash))
    for variant in variants:
        assert canonical_url(variant, trailing_slash=policy) == key, variant


@settings(max_examples=200)
@given(a=article_urls(), view=st.sampled_from(["amp", "print"]))
def test_property_a_view_suffix_of_a_page_that_is_no_article_is_kept(a, view):
    host, path, query, slash = a
    assume(not is_article_path("/" + "/".join(path)))
    plain = canonical_url(_build(host, path, query, slash))
    assert canonical_url(_build(host, path, query, slash,
                                suffix=f"{view}/" if slash else f"/{view}")) != plain


@given(st.from_regex(r"https?://[a-z0-9.\[\]:-]{1,12}(/[ -~]{0,30})?", fullmatch=True))
def test_absolute_links_resolve_as_urljoin_resolves_them(href: str) -> None:
    base = "https://www.news.example/story-slug/"
    try:
        joined = urljoin(base, href.strip())
        expected = joined if urlsplit(joined).scheme in ("http", "https") else None
    except ValueError:
        expected = None
    assert absolute_url(href, base) == expected


@given(st.from_regex(r"/[ -~]{0,30}", fullmatch=True),
       st.sampled_from(["https://www.news.example/story-slug/", "http://127.0.0.1:8080/a/b?c#d",
                        "HTTPS://User@News.Example:8443/x;y"]))
def test_root_relative_links_resolve_as_urljoin_resolves_them(href: str, base: str) -> None:
    """Menus and footers link root-relative; absolute_url resolves those without urljoin."""
    try:
        joined = urljoin(base, href.strip())
        expected = joined if urlsplit(joined).scheme in ("http", "https") else None
    except ValueError:  # "//[": urljoin refuses the host, absolute_url gives no URL
        expected = None
    assert absolute_url(href, base) == expected
