"""Benchmark: a whole crawl, newsarchive against Scrapy + trafilatura + SQLite.

    python bench/crawl_pipeline.py [--articles 5000] [--runs 1] [--site-dir DIR]
                                   [--concurrency 8] [--scrapy-concurrency 16]

Builds the fixture site (bench/fixture_site.py: ``synthetic_data(5000)`` rendered as tagDiv
pages, padded to ~90 KB each with the scripts, menus and comment threads of a real news
page), serves it on 127.0.0.1 from memory with gzip and keep-alive in a child process, and
first load-tests that server alone. Then each run crawls it from scratch, in its own
process tree, with:

- **newsarchive**: ``python -m scraper crawl`` on a site file extending
  ``wordpress-tagdiv`` with ``[politeness] delay = 0``, ``concurrency = --concurrency``,
  ``[limits] max_pages = 6000``, ``max_depth = 100``;
- **scrapy+trafilatura**: bench/scrapy_baseline.py (CrawlSpider, trafilatura
  ``bare_extraction``, an SQLite item pipeline with FTS5; ``pip install -e ".[bench]"``).

Prints per tool the medians over ``--runs``: pages fetched, articles stored, wall seconds,
pages/s, CPU seconds per page (user + system of the whole tree, from wait4: not inflated by
other jobs on a shared machine), peak RSS of the tree (sampled every 20 ms), database size;
and the ratios. Targets: >= 3x the baseline's pages/s at <= half its peak RSS. Runs
alternate tools so that load changes hit both alike. Each crawl is killed after
``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from sqlite_utils.utils import sqlite3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, median, run_tree  # noqa: E402
from fixture_site import Served, article_sizes, build_site, load_test  # noqa: E402

HERE = Path(__file__).resolve().parent


def site_file(base: str, concurrency: int) -> str:
    return (f'name = "herald"\nextends = "wordpress-tagdiv"\nstart_urls = ["{base}/"]\n'
            f"[politeness]\ndelay = 0\nconcurrency = {concurrency}\n"
            "[limits]\nmax_pages = 6000\nmax_depth = 100\nmax_pagination = 1000\n")


def run_newsarchive(base: str, work: Path, concurrency: int, timeout: float) -> dict:
    config = work / "config"
    (config / "sites").mkdir(parents=True, exist_ok=True)
    (config / "sites" / "herald.toml").write_text(site_file(base, concurrency))
    db = work / "news.db"
    run = run_tree([sys.executable, "-m", "scraper", "crawl", "--config", str(config),
                    "--db", str(db), "-q"], timeout, cwd=HERE.parent)
    conn = sqlite3.connect(db)
    pages = conn.execute("select count(*) from fetches where status is not null").fetchone()[0]
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    return _row(run, pages, articles, db)


def run_scrapy(base: str, work: Path, concurrency: int, timeout: float) -> dict:
    db = work / "scrapy.db"
    run = run_tree([sys.executable, str(HERE / "scrapy_baseline.py"), "--start", f"{base}/",
                    "--db", str(db), "--concurrency", str(concurrency)], timeout)
    if run.returncode != 0 or not db.exists():
        raise RuntimeError(f"scrapy baseline failed: {run.stderr[-2000:]}")
    stats = json.loads(run.stdout or "{}")
    pages = stats.get("downloader/response_count", 0)
    conn = sqlite3.connect(db)
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    return _row(run, pages, articles, db)


def _row(run, pages: int, articles: int, db: Path) -> dict:
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {"pages": pages, "articles": articles, "wall": run.wall,
            "pages_per_s": pages / run.wall, "cpu_per_page_ms": run.cpu / max(1, pages) * 1000,
            "peak_rss_mib": run.peak_rss / 2**20, "db_mib": size / 2**20,
            "rc": run.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--site-dir", type=Path, help="keep (and reuse) the rendered site here")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--scrapy-concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--only", choices=["newsarchive", "scrapy"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = build_site(args.site_dir or Path(tmp) / "site", args.articles)
        sizes = sorted(article_sizes(root))
        print(f"machine: {machine()}")
        print(f"site: {len(sizes)} article pages, median {median(sizes) / 1024:.0f} KB "
              f"({sizes[0] / 1024:.0f}-{sizes[-1] / 1024:.0f} KB), served gzipped from memory")
        with Served(root) as base:
            alone = load_test(base, root)
            print(f"server alone (16 keep-alive connections, tight client in another process): "
                  f"{alone['requests_per_s']:,.0f} article pages/s, "
                  f"{alone['mib_per_s']:,.0f} MiB/s gzipped", flush=True)
            tools = {"newsarchive": lambda w: run_newsarchive(base, w, args.concurrency,
                                                              args.timeout),
                     "scrapy+trafilatura": lambda w: run_scrapy(base, w,
                                                                args.scrapy_concurrency,
                                                                args.timeout)}
            if args.only:
                tools = {k: v for k, v in tools.items() if k.startswith(args.only)}
            results: dict[str, list[dict]] = {name: [] for name in tools}
            for i in range(args.runs):
                for name, run in tools.items():
                    work = Path(tmp) / f"{name}-{i}"
                    work.mkdir()
                    results[name].append(run(work))
                    r = results[name][-1]
                    print(f"  run {i + 1} {name}: {r['pages']} pages in {r['wall']:.1f} s",
                          flush=True)
    print(f"\nmedian of {args.runs} run(s); CPU = user + system of the process tree")
    print(f"{'tool':<20}{'pages':>7}{'articles':>9}{'wall s':>8}{'pages/s':>9}"
          f"{'CPU ms/page':>12}{'peak RSS MiB':>13}{'DB MiB':>8}")
    med = {}
    for name, runs in results.items():
        med[name] = {k: median([r[k] for r in runs]) for k in runs[0]}
        m = med[name]
        print(f"{name:<20}{m['pages']:>7.0f}{m['articles']:>9.0f}{m['wall']:>8.1f}"
              f"{m['pages_per_s']:>9.1f}{m['cpu_per_page_ms']:>12.1f}{m['peak_rss_mib']:>13.0f}"
              f"{m['db_mib']:>8.0f}")
    if len(med) == 2:
        a, b = med["newsarchive"], med["scrapy+trafilatura"]
        speed = a["pages_per_s"] / b["pages_per_s"]
        rss = a["peak_rss_mib"] / b["peak_rss_mib"]
        print(f"\nnewsarchive / baseline: pages/s x{speed:.2f}, CPU per page "
              f"x{a['cpu_per_page_ms'] / b['cpu_per_page_ms']:.2f}, peak RSS x{rss:.2f}, "
              f"DB size x{a['db_mib'] / b['db_mib']:.2f}")
        print(f"target pages/s >= 3x: {'met' if speed >= 3 else 'MISSED'}; "
              f"peak RSS <= 0.5x: {'met' if rss <= 0.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
