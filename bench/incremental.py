"""Benchmark: what a nightly re-crawl costs, against the first crawl of the same site.

    python bench/incremental.py [--articles 400] [--new 12] [--runs 3]

1. A generated tagDiv news site (sitemap index, news sitemap, feed, paginated sections) on
   127.0.0.1, crawled into a fresh archive, then again unchanged: requests and bytes of the
   second crawl as a fraction of the first (target: below 5 %).
2. A site without sitemap or feed (``scraper.demo.sections``: four section pages, 20
   articles a page, ETags), crawled, then given ``--new`` articles spread over the sections
   and listed there only, then crawled again: the re-crawl must find every new article with
   fewer requests than 5 % of the first crawl's plus one per hub page (crawler/hubs.py).

Medians over ``--runs`` repetitions. Loopback only; bounded by the site sizes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from scraper import crawl
from scraper.demo import (
    add_section_articles,
    render_demo_site,
    render_section_site,
    section_data,
    serve_site,
    synthetic_data,
)
from scraper.demo.sections import SECTION_NAMES


def _wire(server, start: int) -> tuple[int, int]:
    """Requests and body bytes the server sent since ``start`` (from its files)."""
    requests = server.requests[start:]
    sent = 0
    for _, path, status in requests:
        if status == 200:
            target = server.root / path.split("?")[0].lstrip("/")
            target = target / "index.html" if target.is_dir() else target
            if not target.exists():
                target = target.parent / "index.xml"
            sent += target.stat().st_size if target.exists() else 0
    return len(requests), sent


def run_once(articles: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        site_dir = render_demo_site(tmp_path / "site", synthetic_data(articles))
        config = tmp_path / "config"
        (config / "sites").mkdir(parents=True)
        with serve_site(site_dir) as server:
            (config / "sites" / "herald.toml").write_text(
                f'name = "herald"\nextends = "wordpress-tagdiv"\n'
                f'start_urls = ["{server.base_url}/"]\n[politeness]\ndelay = 0\n'
                f"concurrency = 4\n", encoding="utf-8")
            started = time.perf_counter()
            crawl(config, tmp_path / "news.db")
            first_seconds = time.perf_counter() - started
            first_requests, first_bytes = _wire(server, 0)
            mark = len(server.requests)
            started = time.perf_counter()
            crawl(config, tmp_path / "news.db")
            second_seconds = time.perf_counter() - started
            second_requests, second_bytes = _wire(server, mark)
    return {"first_requests": first_requests, "second_requests": second_requests,
            "first_bytes": first_bytes, "second_bytes": second_bytes,
            "first_seconds": first_seconds, "second_seconds": second_seconds}


def run_sections(articles: int, new_count: int) -> dict[str, float]:
    """Scenario 2: new articles on section pages only, no sitemap, no feed."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = section_data(articles // len(SECTION_NAMES))
        site_dir = render_section_site(tmp_path / "site", data)
        config = tmp_path / "config"
        (config / "sites").mkdir(parents=True)
        with serve_site(site_dir) as server:
            (config / "sites" / "courier.toml").write_text(
                f'name = "courier"\nstart_urls = ["{server.base_url}/"]\n[politeness]\n'
                f"delay = 0\nconcurrency = 4\n[limits]\nmax_depth = 8\n", encoding="utf-8")
            crawl(config, tmp_path / "news.db")
            first = len(server.requests)
            new = [path for i in range(new_count)
                   for path in add_section_articles(data, SECTION_NAMES[i % 4], 1)]
            render_section_site(site_dir, data)
            report = crawl(config, tmp_path / "news.db")
            second = len(server.requests) - first
            fetched = {path for _, path, status in server.requests[first:] if status == 200}
    hubs = len(SECTION_NAMES)  # the section pages the start page links to
    return {"first_requests": first, "second_requests": second, "hubs": hubs,
            "found": len(set(new) & fetched), "new": len(new),
            "archived": report.counts["articles_new"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--new", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run_once(args.articles) for _ in range(args.runs)]
    sections = [run_sections(args.articles, args.new) for _ in range(args.runs)]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(f"site: {args.articles} articles; median of {args.runs} runs")
    print(f"{'':18}{'first crawl':>14}{'second crawl':>14}{'ratio':>9}")
    for label, key in (("requests", "requests"), ("body bytes", "bytes"),
                       ("seconds", "seconds")):
        first, second = median(f"first_{key}"), median(f"second_{key}")
        print(f"{label:18}{first:>14,.2f}{second:>14,.2f}{second / first:>9.2%}")
    ratio = median("second_requests") / median("first_requests")
    print(f"target: second/first requests < 5 %: {'met' if ratio < 0.05 else 'MISSED'}")

    print(f"\nsite without sitemap or feed: {args.articles} articles in {len(SECTION_NAMES)} "
          f"sections, then {args.new} new ones listed on the section pages only")
    first = statistics.median(r["first_requests"] for r in sections)
    second = statistics.median(r["second_requests"] for r in sections)
    hubs = sections[0]["hubs"]
    found = min(r["found"] for r in sections)
    archived = min(r["archived"] for r in sections)
    budget = 0.05 * first + hubs
    print(f"{'requests':18}{first:>14,.0f}{second:>14,.0f}{second / first:>9.2%}")
    print(f"new articles found: {found} of {args.new} (archived {archived}) in every run")
    print(f"target: all found, second-crawl requests < 5 % of the first + {hubs} hubs "
          f"= {budget:.1f}: {'met' if found == args.new and second < budget else 'MISSED'}")


if __name__ == "__main__":
    main()
