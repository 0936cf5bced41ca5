"""Benchmark: a whole crawl, newsarchive against Scrapy + trafilatura + SQLite.

    python bench/crawl_pipeline.py [--fixture distinct|shared|both] [--articles 5000]
                                   [--runs 3] [--concurrency 32] [--scrapy-concurrency 32]
    python bench/crawl_pipeline.py --fixture shared --articles 20000 --runs 1 \
                                   --only newsarchive --per-minute        # the long run

Builds each fixture site (bench/fixture_site.py: ``synthetic_data(N)`` rendered as tagDiv
pages, padded to ~90 KB each with the scripts, menus and comment threads of a real news
page; ``distinct``: articles that share no paragraphs, ``shared``: articles recombined from
a pool of paragraphs plus random words, so that near-duplicate detection has candidates
that are no copies), serves it on 127.0.0.1 from memory with gzip and keep-alive in a child
process that logs how long it took to answer each request, and first load-tests that server
alone. Then each run crawls it from scratch, in its own process tree, with:

- **newsarchive**: ``python -m scraper crawl`` on a site file extending
  ``wordpress-tagdiv`` with ``[politeness] delay = 0``, ``concurrency = --concurrency``,
  ``[limits] max_pages`` above the site's page count, ``max_depth = 100``;
- **scrapy+trafilatura**: bench/scrapy_baseline.py (CrawlSpider, trafilatura
  ``bare_extraction``, an SQLite item pipeline with FTS5; ``pip install -e ".[bench]"``).

Prints per fixture and tool the medians over ``--runs``: pages fetched, articles stored, wall
seconds, pages/s, CPU seconds per page (user + system of the whole tree, from wait4: not
inflated by other jobs on a shared machine), peak RSS of the tree (sampled every 20 ms),
database size, fetch timeouts; and the ratios. Targets (issue 12): >= 5x the baseline's
pages/s at <= half its peak RSS, on both fixtures. Runs alternate tools so that load
changes hit both alike. ``--per-minute`` prints each run's pages/s minute by minute (from
the rows' write times), and the last full minute's rate against the first's (target >=
90 %). The server's log gives the slowest answer it took to any request: a fetch timeout
with every answer far under the 30 s deadline is the crawler's own. Each crawl is killed
after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlite_utils.utils import sqlite3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, median, run_tree  # noqa: E402
from fixture_site import FIXTURES, Served, article_sizes, build_site, load_test  # noqa: E402

HERE = Path(__file__).resolve().parent


def site_file(base: str, concurrency: int, max_pages: int = 6000) -> str:
    return (f'name = "herald"\nextends = "wordpress-tagdiv"\nstart_urls = ["{base}/"]\n'
            f"[politeness]\ndelay = 0\nconcurrency = {concurrency}\n"
            f"[limits]\nmax_pages = {max_pages}\nmax_depth = 100\nmax_pagination = 1000\n")


def run_newsarchive(base: str, work: Path, concurrency: int, timeout: float,
                    max_pages: int) -> dict:
    config = work / "config"
    (config / "sites").mkdir(parents=True, exist_ok=True)
    (config / "sites" / "herald.toml").write_text(site_file(base, concurrency, max_pages))
    db = work / "news.db"
    run = run_tree([sys.executable, "-m", "scraper", "crawl", "--config", str(config),
                    "--db", str(db), "-q"], timeout, cwd=HERE.parent)
    conn = sqlite3.connect(db)
    pages = conn.execute("select count(*) from fetches where status is not null").fetchone()[0]
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    timeouts = conn.execute("select count(*) from fetches where outcome = 'timeout'"
                            ).fetchone()[0]
    stamps = [t for (t,) in conn.execute("select fetched_at from fetches where status is not "
                                         "null")]
    conn.close()
    return _row(run, pages, articles, db, timeouts, stamps)


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
    stamps = [t for (t,) in conn.execute("select fetched_at from pages")]  # articles only
    conn.close()
    timeouts = sum(v for k, v in stats.items() if "TimeoutError" in k and "exception_type" in k)
    return _row(run, pages, articles, db, timeouts, stamps)


def _row(run, pages: int, articles: int, db: Path, timeouts: int, stamps: list[str]) -> dict:
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {"pages": pages, "articles": articles, "wall": run.wall,
            "pages_per_s": pages / run.wall, "cpu_per_page_ms": run.cpu / max(1, pages) * 1000,
            "peak_rss_mib": run.peak_rss / 2**20, "db_mib": size / 2**20,
            "timeouts": timeouts, "rc": run.returncode, "stamps": stamps,
            "cpu_samples": run.cpu_samples}


def cpu_per_page(stamps: list[str], cpu_samples: list[tuple[float, float]],
                 seconds: float = 60) -> list[float]:
    """CPU ms of the process tree per page written in each full interval (as
    ``per_interval``): a crawl slowing as its archive grows shows here whatever else the
    machine runs."""
    times = sorted(datetime.fromisoformat(t.replace(" ", "T")).timestamp() for t in stamps)
    if not times or len(cpu_samples) < 2:
        return []

    def cpu_at(moment: float) -> float:
        before = [c for t, c in cpu_samples if t <= moment]
        return before[-1] if before else cpu_samples[0][1]

    counts = Counter(int((t - times[0]) // seconds) for t in times)
    return [(cpu_at(times[0] + (m + 1) * seconds) - cpu_at(times[0] + m * seconds)) * 1000
            / max(1, counts.get(m, 0)) for m in range(max(counts))]


def per_interval(stamps: list[str], seconds: float = 60) -> list[float]:
    """Rows written per second in each full interval from the first one (the last, partial
    interval left out)."""
    times = sorted(datetime.fromisoformat(t.replace(" ", "T")).timestamp() for t in stamps)
    if not times:
        return []
    counts = Counter(int((t - times[0]) // seconds) for t in times)
    return [counts.get(m, 0) / seconds for m in range(max(counts))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixture", choices=[*FIXTURES, "both"], default="both")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site-dir", type=Path, help="keep (and reuse) the rendered sites here")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--scrapy-concurrency", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--only", choices=["newsarchive", "scrapy"])
    parser.add_argument("--per-minute", action="store_true",
                        help="print each run's pages/s minute by minute")
    parser.add_argument("--interval", type=float, default=60,
                        help="with --per-minute: also the rates over intervals this long (s)")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    fixtures = FIXTURES if args.fixture == "both" else (args.fixture,)
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        for fixture in fixtures:
            verdicts += bench_fixture(fixture, args, Path(tmp))
    print("\n" + "\n".join(verdicts))
    return 0


def bench_fixture(fixture: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    """Build, serve and crawl one fixture site; prints its table, returns its verdicts."""
    sites = args.site_dir or tmp / "sites"
    root = build_site(sites / f"{fixture}-{args.articles}", args.articles, fixture)
    sizes = sorted(article_sizes(root))
    max_pages = int(args.articles * 1.2) + 1000
    print(f"\n== fixture {fixture}: {len(sizes)} article pages, median "
          f"{median(sizes) / 1024:.0f} KB ({sizes[0] / 1024:.0f}-{sizes[-1] / 1024:.0f} KB), "
          "served gzipped from memory")
    log = tmp / f"server-{fixture}.log"
    with Served(root, log) as base:
        alone = load_test(base, root)
        print(f"server alone (16 keep-alive connections, tight client in another process): "
              f"{alone['requests_per_s']:,.0f} article pages/s, "
              f"{alone['mib_per_s']:,.0f} MiB/s gzipped", flush=True)
        log.write_text("")  # the crawls' requests only
        tools = {"newsarchive": lambda w: run_newsarchive(base, w, args.concurrency,
                                                          args.timeout, max_pages),
                 "scrapy+trafilatura": lambda w: run_scrapy(base, w, args.scrapy_concurrency,
                                                            args.timeout)}
        if args.only:
            tools = {k: v for k, v in tools.items() if k.startswith(args.only)}
        results: dict[str, list[dict]] = {name: [] for name in tools}
        for i in range(args.runs):
            for name, run in tools.items():
                work = tmp / f"{fixture}-{name}-{i}"
                work.mkdir()
                results[name].append(run(work))
                r = results[name][-1]
                print(f"  run {i + 1} {name}: {r['pages']} pages in {r['wall']:.1f} s, "
                      f"{r['pages_per_s']:.1f} pages/s, peak RSS {r['peak_rss_mib']:.0f} MiB, "
                      f"{r['timeouts']} timeouts (exit {r['rc']})", flush=True)
                if args.per_minute:
                    print("    pages/s by minute: "
                          + " ".join(f"{v:.1f}" for v in per_interval(r["stamps"])), flush=True)
                if args.per_minute:
                    print("    CPU ms per page by minute (load-independent): " + " ".join(
                        f"{v:.1f}" for v in cpu_per_page(r["stamps"], r["cpu_samples"])),
                        flush=True)
                if args.per_minute and args.interval != 60:
                    print(f"    pages/s by {args.interval:.0f} s: " + " ".join(
                        f"{v:.0f}" for v in per_interval(r["stamps"], args.interval)), flush=True)
    answered = [float(line.split()[0]) for line in log.read_text().splitlines() if line]
    print(f"server log: {len(answered)} requests, slowest answer {max(answered or [0]):.1f} ms"
          f" (deadline 30,000 ms)")
    print(f"median of {args.runs} run(s); CPU = user + system of the process tree")
    print(f"{'tool':<20}{'pages':>7}{'articles':>9}{'wall s':>8}{'pages/s':>9}"
          f"{'CPU ms/page':>12}{'peak RSS MiB':>13}{'DB MiB':>8}{'timeouts':>9}")
    med = {}
    for name, runs in results.items():
        med[name] = {k: median([r[k] for r in runs]) for k in runs[0]
                     if k not in ("stamps", "cpu_samples")}
        m = med[name]
        print(f"{name:<20}{m['pages']:>7.0f}{m['articles']:>9.0f}{m['wall']:>8.1f}"
              f"{m['pages_per_s']:>9.1f}{m['cpu_per_page_ms']:>12.1f}{m['peak_rss_mib']:>13.0f}"
              f"{m['db_mib']:>8.0f}{m['timeouts']:>9.0f}")
    verdicts = []
    if len(med) == 2:
        a, b = med["newsarchive"], med["scrapy+trafilatura"]
        speed = a["pages_per_s"] / b["pages_per_s"]
        rss = a["peak_rss_mib"] / b["peak_rss_mib"]
        print(f"newsarchive / baseline: pages/s x{speed:.2f}, CPU per page "
              f"x{a['cpu_per_page_ms'] / b['cpu_per_page_ms']:.2f}, peak RSS x{rss:.2f}, "
              f"DB size x{a['db_mib'] / b['db_mib']:.2f}")
        verdicts.append(f"{fixture}: pages/s x{speed:.2f} (target >= 5x: "
                        f"{'met' if speed >= 5 else 'MISSED'}); peak RSS x{rss:.2f} (target "
                        f"<= 0.5x: {'met' if rss <= 0.5 else 'MISSED'})")
    if args.per_minute and "newsarchive" in results:
        for r in results["newsarchive"]:
            rates = per_interval(r["stamps"])
            if len(rates) >= 2:
                held = rates[-1] / rates[0]
                verdicts.append(f"{fixture}: newsarchive's last full minute {rates[-1]:.1f} "
                                f"pages/s, first {rates[0]:.1f}: {held:.0%} (target >= 90 %: "
                                f"{'met' if held >= 0.9 else 'MISSED'})")
    if "newsarchive" in results:
        verdicts.append(f"{fixture}: newsarchive fetch timeouts "
                        f"{sum(r['timeouts'] for r in results['newsarchive'])} in "
                        f"{len(results['newsarchive'])} run(s), slowest server answer "
                        f"{max(answered or [0]):.1f} ms")
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
