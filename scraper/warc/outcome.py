"""One WARC response -> the ``PageOutcome`` a crawl would have made of the same fetch.

The rules are the crawl's (``crawler/sitecrawl.py``), applied to a response that was fetched
by someone else: the site file whose hosts hold the URL (or the generic extractor for a host
no site file names, the host then being the site), an empty 200 is ``empty``, a body over
``max_body_bytes`` ``too_large``, a 4xx/5xx ``http_error``, a non-HTML type or binary data
``not_html``, then ``parse_page`` exactly as the crawl calls it (its page date is the
record's WARC-Date, which picks the site's layout version), a page equal to a 404 page of
the same site in the same file ``soft_404``, a page that is no article ``not_article``; an
article's identity follows its rel=canonical and amphtml evidence as in the crawl, and its
page is packed (compressed, content hash and dedup sketch made) here, in the task.

What a WARC cannot give: continuation pages (rel=next) are not fetched, so a multi-page
article holds its first page's text; URL variants the crawl learns from links and
redirects are not aliases.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..config import SiteConfig, site_for_url, site_from_dict
from ..crawler.parsepage import fingerprint, parse_page
from ..fetch.decode import binary_reason
from ..store.archive import PageOutcome
from ..store.pages import pack
from ..urls import evidence_aliases
from .records import Response

__all__ = ["HTML_TYPES", "SitePicker", "to_outcome"]

HTML_TYPES = ("text/html", "application/xhtml+xml")


class SitePicker:
    """The site a URL belongs to: ``only`` for every URL (``--site``), else the site file
    whose hosts hold it, else a generic site named after its host."""

    def __init__(self, sites: list[SiteConfig], only: SiteConfig | None = None) -> None:
        self.sites = sites
        self.only = only
        self._generic: dict[str, SiteConfig] = {}
        self.not_found: dict[str, set[str]] = {}  # site -> fingerprints of its 404 pages

    def __call__(self, url: str) -> SiteConfig:
        if self.only is not None:
            return self.only
        site = site_for_url(self.sites, url)
        if site is not None:
            return site
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._generic:
            self._generic[host] = site_from_dict(
                {"name": host, "start_urls": [f"{parts.scheme}://{host}/"]}, f"<{host}>")
        return self._generic[host]


def to_outcome(response: Response, picker: SitePicker) -> PageOutcome:
    """The outcome of one response, its article parsed and packed when it holds one."""
    site = picker(response.url)
    key = site.url_key(response.url)
    outcome = PageOutcome(
        site=site.name, url=key, final_url=response.url, kind="page",
        status=response.status, outcome="ok", content_type=response.content_type,
        bytes=len(response.body), depth=1, headers=response.headers)
    body = response.body
    media_type = (response.content_type or "text/html").split(";")[0].strip().lower()
    if response.status in (404, 410) and body:
        picker.not_found.setdefault(site.name, set()).add(fingerprint(body))
    if response.truncated:
        outcome.outcome, outcome.error = "too_large", "over max_body_bytes"
    elif response.status >= 400 or not 200 <= response.status < 300:
        outcome.outcome, outcome.error = "http_error", f"HTTP {response.status}"
    elif not body.strip():
        outcome.outcome, outcome.error = "empty", "200 with an empty body"
    elif media_type not in HTML_TYPES:
        outcome.outcome, outcome.error = "not_html", response.content_type
    elif why := binary_reason(body):
        outcome.outcome, outcome.error = "not_html", why
    else:
        try:
            _parse(response, site, outcome, picker.not_found.get(site.name, set()))
        except Exception as exc:  # one broken document must not fail the file
            outcome.outcome, outcome.error = "parse_error", f"{type(exc).__name__}: {exc}"
    return outcome


def _parse(response: Response, site: SiteConfig, outcome: PageOutcome,
           not_found: set[str]) -> None:
    page = parse_page(response.body, response.content_type, response.url, site,
                      follow_links=False, fetched=response.date)
    if page.fingerprint in not_found:
        page.soft_404 = "same page as the site's 404 page"
    article = page.article
    if page.soft_404 or article is None:
        outcome.outcome, outcome.error = "soft_404", page.soft_404
        return
    if not article.is_article:
        outcome.outcome = "not_article"
        return
    aliases, article_url, ignored = evidence_aliases(
        response.url, article.canonical_url, article.amphtml_url, site.url_key)
    if ignored:
        article.warnings.append(f"url evidence ignored: {ignored}")
    if article_url:
        outcome.article_url = article_url
    outcome.article, outcome.aliases = article, aliases
    outcome.packed = pack(response.body, article.text)
