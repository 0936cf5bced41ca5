"""URL identity: one article, one key, whatever URL variant a page or a share button used.

News sites serve one article under many URLs (tracking parameters, ``/amp/`` and
``/print/`` views, fragments, default ports, upper-case hosts). ``canonical_url`` folds
those variants onto one key; the archive keeps every variant it saw in ``article_urls``.
Rules (each tested in tests/test_urls.py):

- scheme and host lower-cased, default port dropped, fragment dropped;
- tracking parameters removed (``TRACKING_PARAMS`` and every ``utm_*``), the rest sorted;
- ``/amp/`` and ``/print/`` as the last path segment, and ``amp``/``print`` flags in the
  query, removed (the site's trailing-slash style is kept);
- percent-encoding normalised: unreserved characters decoded, escapes upper-cased;
- an empty path becomes ``/``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonical_url", "absolute_url", "same_host"]

# Click identifiers and campaign tags that never select content. Sources: the parameters
# removed by Firefox's query stripping, ClearURLs' "global" rules and Matomo's campaign list.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id",
        "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "ncid", "cmpid", "ocid",
        "ref_src", "ref_url", "spm", "share", "amp", "print", "outputtype",
    }
)
_VARIANT_SUFFIX = re.compile(r"/(?:amp|print)(/?)$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


def _normalise_escapes(part: str, safe: str) -> str:
    return quote(unquote(part), safe=safe + "%") if "%" in part else quote(part, safe=safe + "%")


def canonical_url(url: str) -> str:
    """The identity key of ``url`` (see the module docstring for the rules)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = str(parts.port) if parts.port else ""
    netloc = host if not port or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _normalise_escapes(parts.path or "/", _SAFE_PATH)
    path = _VARIANT_SUFFIX.sub(r"\1", path) or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith("utm_")
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def absolute_url(href: str | None, base: str) -> str | None:
    """Resolve a link against its page; None for non-http(s) links (mailto:, javascript:)."""
    if not href:
        return None
    href = href.strip()
    if href.startswith("#"):
        return None
    url = urljoin(base, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()
