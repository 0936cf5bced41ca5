"""URL identity: one article, one key, whatever URL variant a page or a share button used.

News sites serve one article under many URLs (tracking parameters, ``/amp/`` and
``/print/`` views, fragments, default ports, upper-case hosts, mobile hosts). ``canonical_url``
folds those variants onto one key; the archive keeps every variant it saw in ``article_urls``,
and the frontier fetches the key. Rules (each tested in tests/test_urls.py; the peers'
own equivalence cases in tests/test_url_peers.py):

- scheme and host lower-cased, a trailing dot and the default port dropped, IDN hosts in
  their ASCII (``xn--``) form, user info dropped;
- hosts folded only when the site declares them equivalent (``equivalent_hosts``, built by
  ``host_equivalents`` from the site's own host list): ``m.``, ``amp.`` and ``www.`` are
  separate sites on some publishers, so nothing is folded by guesswork;
- percent-encoding normalised. In the path: escapes of unreserved characters
  (``A-Z a-z 0-9 - . _ ~``) and of sub-delimiters other than ``;`` (``! $ & ' ( ) * + , =``
  and ``: @``) decoded, since servers decode them before routing (``price(%C2%A3)`` is
  ``price%28%C2%A3%29``, ``ab'c`` is ``ab%27c``); ``%2F``, ``%3F``, ``%23``, ``%25`` and
  ``%3B`` never (``%2F`` is not ``/``); other escapes upper-cased, characters that must be
  escaped (spaces, non-ASCII as UTF-8) escaped. In the query, each name and value as a
  form decodes it: ``+`` is a space (``a+space`` is ``a%20space``), every escape but
  ``%3B`` decoded and then re-escaped one way;
- dot segments (``/./``, ``/../``) resolved, runs of ``/`` folded to one (``//404.html``),
  an empty path becomes ``/``;
- ``/amp`` and ``/print`` as the last path segment(s) removed only where what remains is an
  article's URL (``is_article_path``, or a match of the site's ``article_urls`` patterns):
  ``/a-story-slug/amp/`` is ``/a-story-slug/``, but ``/print``, ``/topics/print/`` and
  ``/category/amp/`` are pages of their own. A page that says it is a view of an article
  (its ``rel=canonical`` is its URL without the suffix, or the article's ``rel=amphtml``
  names it) is folded by ``canonical_evidence`` and the crawl;
- ``trailing_slash`` then applies the site's policy: ``"keep"`` (default: ``/a`` and ``/a/``
  stay two keys), ``"add"`` (except after a file name such as ``story.html``) or ``"strip"``;
- query: tracking parameters removed (``TRACKING_PARAMS``, ``TRACKING_PREFIXES``,
  ``TRACKING_FAMILIES``), view flags removed (``VIEW_PARAMS``: ``?amp=1``, ``?print=1``,
  ...), a name without ``=`` given one (``?c`` is ``?c=``), the rest sorted;
- the fragment dropped, except a route: a hash-bang (``#!page2``, Google's AJAX crawling
  scheme) and, on a site whose ``fragment_routes`` patterns match it, any fragment
  (``/#page2``). A route becomes the scheme's crawlable query ``?_escaped_fragment_=page2``,
  which is also what the crawler requests.

What the usual libraries get wrong for an archive (measured on w3lib 2.5, courlan 1.4):
w3lib's ``canonicalize_url`` keeps ``utm_*``, ``fbclid``, ``/amp/``, ``?amp=1`` and the
default port ``:443``; courlan keeps the fragment, ``/amp/``, ``?amp=1`` and dot segments and
leaves ``%73`` encoded. Both decode ``%7e`` in the query but neither folds AMP or print views.
"""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from urllib.parse import quote, unquote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

from .errors import ConfigError

__all__ = [
    "ESCAPED_FRAGMENT",
    "TRACKING_FAMILIES",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "VIEW_PARAMS",
    "absolute_url",
    "canonical_evidence",
    "canonical_url",
    "host_equivalents",
    "is_article_path",
    "looks_like_article_url",
    "same_host",
    "view_of",
    "without_anchor",
    "split_userinfo",
]

# Click identifiers and campaign tags that never select content (matched case-insensitively).
# Sources: Firefox's query stripping list (strip-on-share), the ClearURLs "globalRules"
# provider, Brave's query filter, Matomo's campaign parameters, and the documentation of the
# senders: Google Ads/Analytics (gclid, gclsrc, dclid, gbraid, wbraid, _ga, _gl, srsltid),
# Meta (fbclid, fb_action_ids, fb_action_types, fb_ref, fb_source), Microsoft (msclkid),
# Yandex (yclid, _openstat), X/Twitter (twclid, ref_src, ref_url), Instagram (igshid, igsh),
# TikTok (ttclid), LinkedIn (li_fat_id), Mailchimp (mc_cid, mc_eid), HubSpot (_hsenc, _hsmi,
# __hssc, __hstc, __hsfp, hsctatracking), Marketo (mkt_tok), Vero (vero_id, vero_conv),
# Omeda (oly_anon_id, oly_enc_id), AT Internet (xtor, used by many French papers), Adobe
# (s_cid, cmpid), Yahoo/Verizon/MSN (ncid, ocid, guccounter, guce_referrer), NYT (smid),
# Drip (__s), Wicked Reports (wickedid), Alibaba (spm), Kochava (aftr_source), and share
# buttons (share).
# Review it when a site's URLs show a new one in article_urls.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "fb_action_ids", "fb_action_types", "fb_ref", "fb_source",
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "srsltid", "_ga", "_gl",
        "msclkid", "yclid", "_openstat", "twclid", "ref_src", "ref_url", "igshid", "igsh",
        "ttclid", "li_fat_id", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hssc", "__hstc",
        "__hsfp", "hsctatracking", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id",
        "oly_enc_id", "rb_clickid", "xtor", "s_cid", "cmpid", "ncid", "ocid", "guccounter",
        "guce_referrer", "guce_referrer_sig", "smid", "__s", "wickedid", "spm", "share",
        "aftr_source",
    }
)
# Whole families: Google Analytics (utm_), Matomo (mtm_, pk_), HubSpot ads (hsa_).
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
# Families no list can keep up with (courlan's test cases name them): click ids (gclid,
# yclid, a network's clickid or click_id) and affiliate tags (this_affiliate, affiliate_id).
TRACKING_FAMILIES = re.compile(r"(?:^|_)click_?id$|clid$|(?:^|_)affiliate(?:_|$)")
# The AJAX crawling scheme's query parameter for a hash-bang route (#!x).
ESCAPED_FRAGMENT = "_escaped_fragment_"
# Parameters that select another rendering of the same article, not another article.
VIEW_PARAMS = frozenset({"amp", "print", "outputtype", "usqp", "amp_js_v", "amp_gsa"})

TRAILING_SLASH_POLICIES = ("keep", "add", "strip")
_VARIANT_SUFFIX = re.compile(r"(?:/(?:amp|print))+(/?)$")
_SLASHES = re.compile(r"(?<!:)//+")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = frozenset("/:@!$&'()*+,;=")
# Escapes decoded in a path besides unreserved ones: sub-delimiters and ':' '@'; never '/',
# '?', '#', '%', nor ';' (a path parameter to some servers: /page;jsessionid=...).
_PATH_DECODED = frozenset("!$&'()*+,=:@")
# Raw in a query name or value (the rest escaped): what needs no escape there and reads well.
_QUERY_KEEP = "/?:@!$'()*,;"
_ESCAPED_SEMICOLON = re.compile("%3B", re.I)  # ';' splits pairs for some servers: kept apart
_HEX = frozenset(string.hexdigits)
_VARIANT_HOST = re.compile(r"^(?:www|m|mobile|amp)\.")
_PAGE_PARAMS = frozenset({"page", "paged", "pg"})
_PAGE_SUFFIX = re.compile(r"^(?:page/)?\d{1,4}/?$")
# Path segments of listing and service pages, never of one article (see is_article_path).
_NOT_ARTICLE_SEGMENTS = frozenset({
    "category", "categories", "tag", "tags", "topic", "topics", "author", "authors", "section",
    "page", "search", "about", "about-us", "contact", "privacy", "privacy-policy", "terms",
    "login", "register", "subscribe", "feed", "wp-content"})
_LONG_NUMBER = re.compile(r"\d{5,}")


def _normalise_escapes(part: str, safe: frozenset[str],
                       decoded: frozenset[str] = frozenset()) -> str:
    """Decode escapes of unreserved characters (and of ``decoded``), upper-case the rest,
    escape raw bytes that must be escaped; never decodes a character that changes meaning."""
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        digits = part[i + 1 : i + 3]
        if char == "%" and len(digits) == 2 and all(d in _HEX for d in digits):
            char = chr(int(digits, 16))
            out.append(char if char in _UNRESERVED or char in decoded
                       else "%" + digits.upper())
            i += 3
            continue
        if char in _UNRESERVED or char in safe:
            out.append(char)
        else:  # a raw space, non-ASCII character, lone '%' ...
            out.append(quote(char, safe="", errors="surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path that starts with '/'."""
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def _netloc(parts, equivalent_hosts: Mapping[str, str] | None) -> str:
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if host and not host.isascii():
        with contextlib.suppress(UnicodeError):  # not a valid IDN: keep it as written
            host = host.encode("idna").decode("ascii")
    host = host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = str(parts.port) if parts.port is not None else ""
    except ValueError:  # a port that is not a number: keep what was written
        port = parts.netloc.rpartition("@")[2].rpartition(":")[2]
    netloc = host if not port or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if equivalent_hosts:
        netloc = equivalent_hosts.get(netloc, equivalent_hosts.get(host, netloc))
    return netloc


def _is_tracking(key: str) -> bool:
    name = unquote(key).lower()
    return (name in TRACKING_PARAMS or name in VIEW_PARAMS
            or name.startswith(TRACKING_PREFIXES) or bool(TRACKING_FAMILIES.search(name)))


def _query_part(text: str, keep: str) -> str:
    """One query name or value as a form reads it, escaped one way: ``+`` and ``%20`` are a
    space, ``(`` and ``%28`` one character; ``%3B`` stays apart from ``;``."""
    return "%3B".join(quote(unquote_to_bytes(piece.replace("+", "%20")), safe=keep)
                      for piece in _ESCAPED_SEMICOLON.split(text))


def _query(query: str, route: str | None) -> str:
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        if _is_tracking(key) or (route is not None and unquote(key) == ESCAPED_FRAGMENT):
            continue
        pairs.append(_query_part(key, _QUERY_KEEP) + "=" + _query_part(value, _QUERY_KEEP + "="))
    if route is not None:  # the fragment route, as the AJAX crawling scheme escapes it
        pairs.append(f"{ESCAPED_FRAGMENT}={_query_part(route, _QUERY_KEEP + '=')}")
    return "&".join(sorted(pairs))


def _route(parts, fragment_routes: Sequence[re.Pattern[str]]) -> str | None:
    """The fragment of a fragment-routed page (a hash-bang, or what the site declares), or
    the ``_escaped_fragment_`` a crawlable URL already carries; None for an anchor."""
    fragment = parts.fragment
    if fragment.startswith("!"):
        return fragment[1:]
    if fragment and any(p.search(fragment) for p in fragment_routes):
        return fragment
    for piece in parts.query.split("&"):
        key, eq, value = piece.partition("=")
        if eq and unquote(key) == ESCAPED_FRAGMENT:
            return unquote(value.replace("+", "%20"))
    return None


def _is_article_url(scheme: str, netloc: str, path: str, query: str,
                    article_urls: Sequence[re.Pattern[str]]) -> bool:
    if is_article_path(path):
        return True
    url = urlunsplit((scheme, netloc, path, query, ""))
    return any(p.search(url) for p in article_urls)


def view_of(url: str) -> str | None:
    """``url`` without a final ``/amp`` or ``/print`` (a view of the page that remains), or
    None when its path has no such suffix."""
    parts = urlsplit(url)
    match = _VARIANT_SUFFIX.search(parts.path)
    if not match:
        return None
    path = parts.path[:match.start()] + match.group(1) or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def canonical_url(url: str, *, equivalent_hosts: Mapping[str, str] | None = None,
                  trailing_slash: str = "keep", article_urls: Sequence[re.Pattern[str]] = (),
                  fragment_routes: Sequence[re.Pattern[str]] = ()) -> str:
    """The identity key of ``url`` (see the module docstring for the rules).

    ``equivalent_hosts`` maps a host (or host:port) to the host it is folded onto;
    ``trailing_slash`` is the site's policy, one of ``TRAILING_SLASH_POLICIES``;
    ``article_urls`` the site's patterns of article URLs (an ``/amp`` or ``/print`` after
    one of them is a view of it); ``fragment_routes`` the site's patterns of fragments that
    name pages of their own.
    """
    if trailing_slash not in TRAILING_SLASH_POLICIES:
        raise ConfigError(f"trailing_slash must be one of {TRAILING_SLASH_POLICIES}")
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket: nothing sensible to fold
        return text.split("#")[0]
    scheme = parts.scheme.lower()
    netloc = _netloc(parts, equivalent_hosts)
    path = _normalise_escapes(parts.path or "/", _PATH_SAFE, _PATH_DECODED)
    path = _remove_dot_segments(path if path.startswith("/") else "/" + path)
    path = _SLASHES.sub("/", path)
    query = _query(parts.query, _route(parts, fragment_routes))
    variant = _VARIANT_SUFFIX.search(path)
    if variant:
        rest = path[:variant.start()] + variant.group(1)
        if rest and _is_article_url(scheme, netloc, rest, query, article_urls):
            path = rest
    if trailing_slash == "strip" and path != "/":
        path = path.rstrip("/") or "/"
    elif trailing_slash == "add" and not path.endswith("/") \
            and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def without_anchor(url: str, key: Callable[[str], str]) -> str:
    """``url`` without its fragment, unless ``key`` (a site's ``url_key``) keeps it as a
    route: how a URL variant is recorded."""
    base = url.split("#", 1)[0]
    return url if base != url and key(base) != key(url) else base


def host_equivalents(hosts: Iterable[str], primary: str | None = None) -> dict[str, str]:
    """The ``equivalent_hosts`` map of a site: each of ``hosts`` that is the ``www.``,
    ``m.``, ``mobile.``, ``amp.`` or bare variant of ``primary`` (default: the first host) maps
    to ``primary``. Only hosts the site lists are folded, never a guessed one."""
    listed = [h.lower().rstrip(".") for h in hosts]
    if not listed:
        return {}
    primary = (primary or listed[0]).lower()
    base = _VARIANT_HOST.sub("", primary)
    return {h: primary for h in listed if h != primary and _VARIANT_HOST.sub("", h) == base}


def _hosts_match(a: str, b: str) -> bool:
    return urlsplit(a).netloc == urlsplit(b).netloc


def _section_of(candidate: str, page: str) -> bool:
    """``candidate`` names a section or listing above ``page``: an ancestor path other than
    the same article without its page number, or the same path without the page's query."""
    c, p = urlsplit(candidate), urlsplit(page)
    view = view_of(page)
    if view is not None and urlsplit(view).path == c.path:
        return False  # the page is the /amp or /print view of the candidate: it says so
    if c.path == p.path:
        if not p.query or c.query == p.query:
            return False
        kept = set(c.query.split("&")) if c.query else set()
        dropped = {q.partition("=")[0] for q in p.query.split("&") if q not in kept}
        return not dropped <= _PAGE_PARAMS
    prefix = c.path.rstrip("/") + "/"
    if not p.path.startswith(prefix):
        return False
    return not _PAGE_SUFFIX.match(p.path[len(prefix) :])


def evidence_aliases(page_url: str, rel_canonical: str | None, amphtml: str | None,
                     key: Callable[[str], str]) -> tuple[dict[str, str], str | None, str | None]:
    """The URL variants a fetched article page names for itself, as ``(aliases, article_url,
    ignored)``: its ``rel=canonical`` when that is the same article by ``key`` (then also the
    article's URL), its ``rel=amphtml`` unless that was set aside, and why evidence was
    ignored (see ``canonical_evidence``). The crawl and a WARC ingest record the same ones."""
    page_key, ignored = canonical_evidence(page_url, rel_canonical, amphtml, key=key)
    aliases: dict[str, str] = {}
    article_url = None
    if rel_canonical and page_key == key(rel_canonical):
        aliases[rel_canonical] = "rel-canonical"
        article_url = rel_canonical
    if amphtml and not (ignored and "amphtml-" in ignored):
        aliases.setdefault(amphtml, "amphtml")
    return aliases, article_url, ignored


def canonical_evidence(page_url: str, rel_canonical: str | None, amphtml: str | None, *,
                       equivalent_hosts: Mapping[str, str] | None = None,
                       trailing_slash: str = "keep",
                       key: Callable[[str], str] | None = None) -> tuple[str, str | None]:
    """The identity key of a fetched page and, when evidence was ignored, why.

    ``rel=canonical`` and ``rel=amphtml`` are evidence, not orders: templates get them wrong
    (every page pointing to the home page or its section), syndication partners point to
    the original publisher, and following such a link would merge distinct articles into one
    row. Ignoring a link only ever costs a missed alias, never a wrong merge, so when in doubt
    the page's own URL is the identity. The reason (``None`` when everything was used) is a
    ``"; "``-joined list of ``code: detail`` items for the archive to record; codes:
    ``canonical-not-http``, ``canonical-other-host``, ``canonical-home-page``,
    ``canonical-section``, ``canonical-contradicted-by-amphtml``, ``amphtml-not-http``,
    ``amphtml-other-host``, ``amphtml-home-page``. An amphtml link with a reason must not be
    recorded as an alias of the article. ``key`` (a site's ``url_key``) replaces the
    ``equivalent_hosts`` and ``trailing_slash`` rules when given.

    A page at an article's ``/amp`` or ``/print`` view that names the article as its
    canonical says it is that article: that link is used, not set aside as a section.
    """
    if key is None:
        def key(url: str) -> str:
            return canonical_url(url, equivalent_hosts=equivalent_hosts,
                                 trailing_slash=trailing_slash)

    page_key = key(page_url)
    reasons: list[str] = []

    def judge(kind: str, link: str | None) -> str | None:
        if not link:
            return None
        resolved = absolute_url(link, page_url)
        if resolved is None:
            reasons.append(f"{kind}-not-http: {link.strip()[:200]}")
            return None
        link_key = key(resolved)
        if kind == "amphtml" and (view := view_of(link_key)):
            link_key = key(view)  # the page names it as its own AMP view: it says so
        if not _hosts_match(link_key, page_key):
            reasons.append(f"{kind}-other-host: {urlsplit(link_key).netloc}")
        elif urlsplit(link_key).path == "/" and not urlsplit(link_key).query \
                and link_key != page_key:
            reasons.append(f"{kind}-home-page: {link_key}")
        elif kind == "canonical" and _section_of(link_key, page_key):
            reasons.append(f"{kind}-section: {link_key}")
        else:
            return link_key
        return None

    canonical_key = judge("canonical", rel_canonical)
    amp_key = judge("amphtml", amphtml)
    if canonical_key and canonical_key != page_key and amp_key == page_key:
        reasons.append(f"canonical-contradicted-by-amphtml: {canonical_key}")
        canonical_key = None
    return canonical_key or page_key, "; ".join(reasons) or None


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without its ``user:password@`` part, and that part decoded (or None): what
    is stored, logged and compared as a host never carries credentials."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=hostport)), (unquote(user), unquote(password))


def absolute_url(href: str | None, base: str) -> str | None:
    """Resolve a link against its page; None for non-http(s) links (mailto:, javascript:)."""
    if not href:
        return None
    href = href.strip()
    if href.startswith("#") and not href.startswith("#!"):  # an anchor on the same page
        return None
    # Nothing for urljoin to change: no dot segments, backslashes or brackets, and no empty
    # parameters, query or fragment (urljoin drops those): most links of a page.
    plain = href.isprintable() and not any(
        c in href for c in ("/.", "\\", "[", "]", ";", "?#")) and not href.endswith(("?", "#"))
    if plain and href.startswith(("https://", "http://")):
        return href
    if plain and href.startswith("/") and not href.startswith("//"):
        # root-relative (menus, footers): the page's origin and the href
        origin = _origin(base)
        if origin:
            return origin + href
    try:
        url = urljoin(base, href)
    except ValueError:  # an unbalanced IPv6 bracket in the link
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


@lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """``scheme://netloc`` of an http(s) page URL (None for another scheme)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()


def is_article_path(path: str) -> bool:
    """A URL path that names one article: a slug of 3+ words, a long id or a .html page."""
    segments = [s for s in path.split("/") if s]
    if not segments or not _NOT_ARTICLE_SEGMENTS.isdisjoint(map(str.lower, segments)):
        return False  # a set look-up per segment: this runs for every link of every page
    slug = segments[-1]
    return slug.count("-") >= 2 or bool(_LONG_NUMBER.search(path)) or slug.endswith(".html")


def looks_like_article_url(url: str, page_url: str | None = None) -> bool:
    """A link that points at an article of the same site, not at a section, tag or page.

    Shared by the frontier (articles are fetched first) and the widget finder (a block of
    such links is a widget)."""
    parts = urlsplit(url)
    if page_url and parts.netloc.lower() != urlsplit(page_url).netloc.lower():
        return False
    if page_url and canonical_url(url) == canonical_url(page_url):
        return False
    return is_article_path(parts.path)
