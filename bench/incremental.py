"""Benchmark: what a nightly re-crawl of an unchanged site costs, against the first crawl.

    python bench/incremental.py [--articles 400] [--runs 3]

Serves a generated tagDiv news site (sitemap index, news sitemap, feed, paginated sections)
on 127.0.0.1, crawls it into a fresh archive, then crawls it again unchanged, and prints
requests and bytes of the second crawl as a fraction of the first (target: below 5 %), the
medians over ``--runs`` repetitions. Loopback only; bounded by the site size.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from scraper import crawl
from scraper.demo import render_demo_site, serve_site, synthetic_data


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run_once(args.articles) for _ in range(args.runs)]

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


if __name__ == "__main__":
    main()
