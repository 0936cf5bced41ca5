"""URL identity: one article, one key, whatever URL variant a page or a share button used.

News sites serve one article under many URLs (tracking parameters, ``/amp/`` and
``/print/`` views, fragments, default ports, upper-case hosts, mobile hosts). ``canonical_url``
folds those variants onto one key; the archive keeps every variant it saw in ``article_urls``,
and the frontier fetches the key. Rules (each tested in tests/test_urls.py):

- scheme and host lower-cased, a trailing dot and the default port dropped, IDN hosts in
  their ASCII (``xn--``) form, user info and fragment dropped;
- hosts folded only when the site declares them equivalent (``equivalent_hosts``, built by
  ``host_equivalents`` from the site's own host list): ``m.``, ``amp.`` and ``www.`` are
  separate sites on some publishers, so nothing is folded by guesswork;
- percent-encoding normalised: escapes of unreserved characters (``A-Z a-z 0-9 - . _ ~``)
  decoded, other escapes upper-cased, characters that must be escaped (spaces, non-ASCII as
  UTF-8) escaped; reserved characters are never decoded (``%2F`` is not ``/``);
- dot segments (``/./``, ``/../``) resolved; an empty path becomes ``/``;
- ``/amp`` and ``/print`` as the last path segment(s) removed, keeping the site's
  trailing-slash style; ``trailing_slash`` then applies the site's policy: ``"keep"``
  (default: ``/a`` and ``/a/`` stay two keys), ``"add"`` (except after a file name such as
  ``story.html``) or ``"strip"``;
- query: tracking parameters removed (``TRACKING_PARAMS``, ``TRACKING_PREFIXES``), view
  flags removed (``VIEW_PARAMS``: ``?amp=1``, ``?print=1``, ...), the rest kept byte for byte
  (only escapes normalised, as above) and sorted.

What the usual libraries get wrong for an archive (measured on w3lib 2.5, courlan 1.4):
w3lib's ``canonicalize_url`` keeps ``utm_*``, ``fbclid``, ``/amp/``, ``?amp=1`` and the
default port ``:443``; courlan keeps the fragment, ``/amp/``, ``?amp=1`` and dot segments and
leaves ``%73`` encoded. Both decode ``%7e`` in the query but neither folds AMP or print views.
"""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "VIEW_PARAMS",
    "absolute_url",
    "canonical_evidence",
    "canonical_url",
    "host_equivalents",
    "same_host",
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
# Drip (__s), Wicked Reports (wickedid), Alibaba (spm), and share buttons (share).
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
    }
)
# Whole families: Google Analytics (utm_), Matomo (mtm_, pk_), HubSpot ads (hsa_).
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
# Parameters that select another rendering of the same article, not another article.
VIEW_PARAMS = frozenset({"amp", "print", "outputtype", "usqp", "amp_js_v", "amp_gsa"})

TRAILING_SLASH_POLICIES = ("keep", "add", "strip")
_VARIANT_SUFFIX = re.compile(r"(?:/(?:amp|print))+(/?)$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = frozenset("/:@!$&'()*+,;=")
_QUERY_SAFE = frozenset("/?:@!$'()*+,;=")  # '&' separates pairs, so it is never raw inside
_HEX = frozenset(string.hexdigits)
_VARIANT_HOST = re.compile(r"^(?:www|m|mobile|amp)\.")
_PAGE_PARAMS = frozenset({"page", "paged", "pg"})
_PAGE_SUFFIX = re.compile(r"^(?:page/)?\d{1,4}/?$")


def _normalise_escapes(part: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters only, upper-case the rest, escape raw bytes
    that must be escaped; never decodes a reserved character (that would change meaning)."""
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        digits = part[i + 1 : i + 3]
        if char == "%" and len(digits) == 2 and all(d in _HEX for d in digits):
            decoded = chr(int(digits, 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + digits.upper())
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
    return name in TRACKING_PARAMS or name in VIEW_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str, *, equivalent_hosts: Mapping[str, str] | None = None,
                  trailing_slash: str = "keep") -> str:
    """The identity key of ``url`` (see the module docstring for the rules).

    ``equivalent_hosts`` maps a host (or host:port) to the host it is folded onto;
    ``trailing_slash`` is the site's policy, one of ``TRAILING_SLASH_POLICIES``.
    """
    if trailing_slash not in TRAILING_SLASH_POLICIES:
        raise ValueError(f"trailing_slash must be one of {TRAILING_SLASH_POLICIES}")
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket: nothing sensible to fold
        return text.split("#")[0]
    path = _normalise_escapes(parts.path or "/", _PATH_SAFE)
    path = _remove_dot_segments(path if path.startswith("/") else "/" + path)
    path = _VARIANT_SUFFIX.sub(r"\1", path) or "/"
    if trailing_slash == "strip" and path != "/":
        path = path.rstrip("/") or "/"
    elif trailing_slash == "add" and not path.endswith("/") \
            and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    pairs = []
    for piece in parts.query.split("&"):
        if not piece:
            continue
        key, eq, value = piece.partition("=")
        if _is_tracking(key):
            continue
        pairs.append(_normalise_escapes(key, _QUERY_SAFE) + eq
                     + _normalise_escapes(value, _QUERY_SAFE | {"="}))
    netloc = _netloc(parts, equivalent_hosts)
    return urlunsplit((parts.scheme.lower(), netloc, path, "&".join(sorted(pairs)), ""))


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


def canonical_evidence(page_url: str, rel_canonical: str | None, amphtml: str | None, *,
                       equivalent_hosts: Mapping[str, str] | None = None,
                       trailing_slash: str = "keep") -> tuple[str, str | None]:
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
    recorded as an alias of the article.
    """
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


def absolute_url(href: str | None, base: str) -> str | None:
    """Resolve a link against its page; None for non-http(s) links (mailto:, javascript:)."""
    if not href:
        return None
    href = href.strip()
    if href.startswith("#"):
        return None
    if href.startswith(("https://", "http://")) and href.isprintable() and not any(
            c in href for c in ("/.", "\\", "[", "]")) and not href.endswith(("#", "?")):
        return href  # already absolute, nothing for urljoin to resolve: most links of a page
    try:
        url = urljoin(base, href)
    except ValueError:  # an unbalanced IPv6 bracket in the link
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()
