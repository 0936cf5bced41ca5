"""The archive's vocabulary: every name a row may hold in an enumerated column, kept once.

The fetcher, the crawl, reparse, the store, the Datasette plugin and ``archive/metadata.yml``
all read these (tests/test_vocab.py fails when the YAML or the plugin drifts from them):

- ``FETCH_OUTCOMES``: what the fetcher makes of one request; ``CRAWL_OUTCOMES``: what the
  crawl decides about a document the fetcher delivered (or never requested); ``REPARSED``:
  re-extracted from the stored page. ``OUTCOMES`` is their union, the values of
  ``fetches.outcome``.
- ``OK_OUTCOMES``: outcomes that are not failures of the site; ``TRANSIENT_OUTCOMES``:
  failures worth another try next run.
- ``SKIP_REASONS``: why the frontier did not queue a discovered URL (a run's ``skipped``
  counts); ``TRAP_REASONS`` are those also recorded in ``fetches`` as ``trap``.
- ``WIDGET_KINDS``: the values of ``links.kind``, in the order an article page shows them,
  each with the heading shown when the page gave none.
- ``FIELD_SOURCES``: where an extracted field came from (``articles.extraction``).
- ``BLOCK_KINDS``: what each block of an article's text is (``articles.blocks``, one kind
  per paragraph of ``text``), so that subheadings and quotes read as such.
- ``WARC_SKIPS``: why ``ingest-warc`` read a WARC record without treating it as a fetch
  (records that are fetches get an outcome of ``OUTCOMES``, as in a crawl).
- ``LAYOUT_FIELDS``: the fields whose configured selector missing on most article pages of
  a run means the site changed its layout.
"""

from __future__ import annotations

__all__ = [
    "BLOCK_KINDS", "CRAWL_OUTCOMES", "FETCH_OUTCOMES", "FIELD_SOURCES", "LAYOUT_FIELDS",
    "OK_OUTCOMES", "OUTCOMES", "REPARSED", "SKIP_REASONS", "TRANSIENT_OUTCOMES", "TRAP_REASONS",
    "WARC_SKIPS", "WIDGET_KINDS",
]

FETCH_OUTCOMES: dict[str, str] = {
    "ok": "2xx, body read completely within the caps",
    "not_modified": "304 to a conditional request",
    "http_error": "4xx/5xx (after retries), a stray 3xx, or a Retry-After we will not wait",
    "robots_disallowed": "robots.txt forbids the URL (or could not be fetched: RFC 9309)",
    "too_large": "body over max_body_bytes on the wire or max_decoded_bytes decompressed",
    "timeout": "the per-attempt deadline (or the connect timeout) expired",
    "redirect_loop": "a redirect target repeated, or more than max_redirects hops",
    "blocked_scheme": "the URL or a redirect target is not http(s)",
    "blocked_address": "the URL or a redirect target is a non-public address (netguard)",
    "network_error": "DNS, refused or dropped connections, protocol errors",
    "decode_error": "the Content-Encoding stream is corrupt",
    "host_paused": "no request: the host failed host_failure_limit times in a row",
}
CRAWL_OUTCOMES: dict[str, str] = {
    "not_article": "an HTML page that is not an article (listing, section, home page)",
    "not_html": "a 200 response that is neither HTML nor a sitemap/feed",
    "parse_error": "the document could not be parsed (the error names the exception), or"
                   " nests elements deeper than parsepage.MAX_NESTING (refused unparsed)",
    "soft_404": "a 200 page that is really 'not found': its title or h1 says so, the theme"
                " marks it, or it equals a 404 page of the same site; not archived",
    "empty": "a 200 response with an empty body",
    "continuation": "a later page of a multi-page article: its text is in that article",
    "trap": "refused as a crawler trap before any request (the error gives the reason)",
}
REPARSED = "reparsed"
OUTCOMES: dict[str, str] = {
    **FETCH_OUTCOMES, **CRAWL_OUTCOMES,
    REPARSED: "re-extracted from the stored page by newsarchive reparse: no request",
}
OK_OUTCOMES: frozenset[str] = frozenset({
    "ok", "not_article", "not_modified", "robots_disallowed", "soft_404", "continuation",
    "trap", REPARSED})
# The server or the network was unwell, not the URL (the frontier keeps these "failed" and
# tries them next run). A 5xx http_error is transient too (PageOutcome.retry_next_run).
TRANSIENT_OUTCOMES: frozenset[str] = frozenset({"timeout", "network_error", "host_paused"})

SKIP_REASONS: dict[str, str] = {
    "known": "an archived article no sitemap or feed says has changed",
    "denied": "matches a deny pattern, or none of the allow patterns",
    "offsite": "on a host that is not the site's",
    "max_pages": "the run's page budget (limits.max_pages) was spent",
    "max_depth": "more link hops from a start URL than limits.max_depth",
    "deep_pagination": "a page number above limits.max_pagination",
    "calendar": "a calendar archive page (a date query, or a year no news site has)",
    "repeated_segments": "a path repeating a segment (a relative-link loop)",
    "query_explosion": "one path under more query strings than frontier.MAX_QUERY_VARIANTS",
    "url_too_long": "longer than frontier.MAX_URL_LENGTH",
    "frontier_full": "the run queued as many pages as its frontier may hold "
                     "(frontier.ROOM_PER_PAGE x limits.max_pages; trap URLs not counted)",
    "max_sitemaps": "the run's sitemap budget (limits.max_sitemaps: sitemaps and feeds) "
                    "was spent",
    "sitemap_depth": "a sitemap index nested deeper than frontier.MAX_SITEMAP_DEPTH",
    "older_pages": "a numbered page of a listing whose page before it links mostly to articles"
                   " archived by earlier runs: what is new is on that page (crawler/hubs.py)",
}
TRAP_REASONS: frozenset[str] = frozenset(
    {"url_too_long", "repeated_segments", "deep_pagination", "calendar", "query_explosion"})

WIDGET_KINDS: dict[str, str] = {
    "latest": "Latest news",
    "related": "Related",
    "must_read": "Must read",
    "recommended": "Recommended",
    "popular": "Popular",
    "featured": "Featured",
    "inline_related": "Read also",
    "other": "Other links",  # a widget whose heading names no kind above; always last
}

FIELD_SOURCES: dict[str, str] = {
    "selector": "the site file's CSS selector",
    "json-ld": "JSON-LD (schema.org, Yoast/Rank Math @graph included)",
    "json-ld-breadcrumb": "the section named by a JSON-LD BreadcrumbList",
    "json-ld-page": "a JSON-LD WebPage node (a Yoast graph without an Article node)",
    "opengraph": "OpenGraph <meta property=og:...> and article:...",
    "meta": "another <meta> tag (author, description, keywords, dates, language)",
    "microdata": "schema.org microdata (itemprop)",
    "time": "a <time datetime> element, an hAtom <abbr class=published> or a data-utime stamp",
    "byline": "the page's byline element",
    "dateline": "a date in the dateline text near the headline",
    "text": "a date in the page's text: by the headline, after a label, the first one shown",
    "script": "a date key in the page's scripts (datePublished, publish_date, pubDate)",
    "modified": "the page's last update, when its markup gives no publication date",
    "url": "a date written in the page's URL or its canonical URL",
    "h1": "the page's <h1>",
    "title": "the <title> element",
    "heading": "a title-classed element or the first <h2>, on a page with no <h1> or <title>",
    "link-canonical": "<link rel=canonical>",
    "link-amphtml": "<link rel=amphtml>",
    "html-lang": "the <html lang> attribute",
    "site": "the site file's language key",
    "detected": "detected from the text",
    "marker": "a content container named by its class or id (post-content, article-body)",
    "heuristic": "the content heuristic (text density), or link widgets found by headings",
    "paragraphs": "the page's prose outside its furniture, when no container gave a body",
}

WARC_SKIPS: dict[str, str] = {
    "not_response": "a request, metadata, warcinfo, revisit or resource record",
    "not_http": "a response record whose payload is no HTTP response (dns:, ftp:)",
    "redirect": "a 3xx response: the crawl follows it, a WARC holds its target apart",
    "not_modified": "a 304 response: no page in it",
    "unreadable": "a record warcio cannot parse (truncated or corrupt)",
    "continuation": "a later page of a multi-page article, as `export --format warc` writes"
                    " it: ingest keeps an article's first page",
}

LAYOUT_FIELDS: frozenset[str] = frozenset({"title", "body"})

BLOCK_KINDS: dict[str, str] = {
    "paragraph": "a paragraph (<p>)",
    "heading": "a subheading (<h1>-<h6> inside the body)",
    "item": "a list item (<li>, <dt>, <dd>)",
    "quote": "a block quotation (<blockquote>)",
    "pre": "preformatted text (<pre>)",
    "row": "a table row (<tr>), its cells separated by spaces",
    "caption": "a figure or table caption",
    "text": "text directly inside another element (a <div>, a <td>, ...)",
}
