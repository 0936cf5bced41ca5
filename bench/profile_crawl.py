"""Benchmark: where a crawl's time goes, and whether a process pool for extraction would pay.

    python bench/profile_crawl.py [--pages 1500] [--site-dir DIR] [--sample 300]
                                  [--fixture distinct|shared] [--concurrency 32]

1. **Profile**: the real ``scraper.crawl`` under cProfile on the crawl benchmark's
   fixture site (bench/fixture_site.py, served from another process on 127.0.0.1), limited
   to ``--pages`` pages. Stages are the cumulative CPU time of the functions that do them
   (coroutines count only while they run, not while they wait): fetch
   (``Fetcher.fetch``), decode (``decode_body``), parse (``LexborHTMLParser`` tree
   building: the rest of ``parse_page``), links (``page_links`` and frontier offers),
   extract (``extract_tree``), dedup (``Deduplicator.add``), store (``write_batch`` less
   dedup); "other" is the event loop, scheduling and logging.
2. **Where to parse**: on ``--sample`` fetched pages, ``parsepage.parse_page`` (decode,
   parse, links, extract) and ``store.pack`` (compression, dedup sketch) inline on one
   thread, on 1 thread (what the crawl does), and in a ``ProcessPoolExecutor`` of 2 workers
   (bodies sent, results returned: the pickling is paid); then an asyncio fetch-and-parse
   loop (httpx, 8 in flight) with each. Medians of 3 passes, and the RSS the worker
   processes would add.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, median  # noqa: E402
from crawl_pipeline import site_file  # noqa: E402
from fixture_site import FIXTURES, Served, build_site  # noqa: E402

STAGES = {  # stage -> (file suffix, function name) whose cumulative time is the stage
    "fetch": [("scraper/fetch/fetcher.py", "fetch")],
    "decode": [("scraper/fetch/decode.py", "decode_body")],
    "links": [("scraper/crawler/discover.py", "page_links"),
              ("scraper/crawler/frontier.py", "offer")],
    "extract": [("scraper/extraction/page.py", "extract_tree")],
    "dedup": [("scraper/store/dedup.py", "add")],
    "store": [("scraper/store/archive.py", "write_batch")],
}


def _cum(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(v[3] for (f, _, n), v in stats.stats.items()  # type: ignore[attr-defined]
               if f.endswith(suffix) and n == name)


def profile(base: str, work: Path, pages: int, concurrency: int) -> None:
    from scraper import crawl
    from scraper.crawler.parsepage import PageParser, parse_page

    config = work / "config"
    (config / "sites").mkdir(parents=True)
    (config / "sites" / "herald.toml").write_text(site_file(base, concurrency))
    profiler = cProfile.Profile()
    # The crawl parses on worker threads, which cProfile does not follow: for this run the
    # parse happens inline on the loop's thread so that one profiler sees every stage.
    async def inline(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return parse_page(*args, **kwargs)

    PageParser.parse = inline  # type: ignore[method-assign]
    t0, c0 = time.perf_counter(), time.process_time()
    profiler.enable()
    report = crawl(config, work / "news.db", max_pages=pages)
    profiler.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    fetched = report.counts["fetched"]
    stage = {k: sum(_cum(stats, f, n) for f, n in v) for k, v in STAGES.items()}
    stage["store"] -= stage["dedup"]
    html = _cum(stats, "scraper/crawler/parsepage.py", "parse_page")
    inside = (stage["decode"] + stage["extract"]
              + _cum(stats, "scraper/crawler/discover.py", "page_links")
              + sum(_cum(stats, "scraper/crawler/parsepage.py", name)
                    for name in ("_soft_404", "fingerprint", "nesting_depth"))
              + _cum(stats, "scraper/crawler/discover.py", "feed_links")
              + _cum(stats, "scraper/crawler/discover.py", "next_page"))
    stage["parse"] = max(0.0, html - inside)
    stage["other"] = total - sum(stage.values())
    print(f"\ncProfile of one crawl: {fetched} URLs, {report.counts['articles_new']} articles, "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU (profiled: ~1.5-2x slower than unprofiled)")
    print(f"{'stage':<10}{'CPU s':>8}{'share':>8}{'ms/page':>9}")
    for name in ("fetch", "decode", "parse", "links", "extract", "dedup", "store", "other"):
        print(f"{name:<10}{stage[name]:>8.2f}{stage[name] / total:>8.1%}"
              f"{stage[name] / fetched * 1000:>9.2f}")
    print("\ntop 12 functions by own time:")
    stats.sort_stats("tottime").print_stats(12)


# -- the pool prototype ---------------------------------------------------------------------

_SITE = None


def _site():
    global _SITE
    if _SITE is None:
        from scraper import load_site

        path = Path(tempfile.mkdtemp()) / "herald.toml"
        path.write_text(site_file("http://127.0.0.1:1", 8))
        _SITE = load_site(path)
    return _SITE


def process_page(args: tuple[bytes, str, str]):
    """What the crawl does with a page's CPU off its event loop: parse_page (crawler/
    parsepage.py), then for an article ``pack`` (the compressed page and the text's dedup
    sketch)."""
    from scraper.crawler.parsepage import parse_page
    from scraper.store.pages import pack

    body, content_type, url = args
    page = parse_page(body, content_type, url, _site())
    return page, pack(body, page.article.text) if page.article else None


async def _fetch_all(base: str, paths: list[str]) -> list[tuple[bytes, str, str]]:
    import httpx

    async with httpx.AsyncClient() as client:
        out = []
        for path in paths:
            r = await client.get(base + path)
            out.append((r.content, r.headers["content-type"], str(r.url)))
        return out


async def _crawl_like(base: str, paths: list[str], pool: Executor | None) -> float:
    """Fetch every path (8 in flight) and parse each page inline or in the pool."""
    import httpx

    queue: asyncio.Queue = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    loop = asyncio.get_running_loop()

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            r = await client.get(base + path)
            job = (r.content, r.headers["content-type"], str(r.url))
            if pool is None:
                process_page(job)
            else:
                await loop.run_in_executor(pool, process_page, job)

    t0 = time.perf_counter()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=8)) as client:
        await asyncio.gather(*(worker(client) for _ in range(8)))
    return len(paths) / (time.perf_counter() - t0)


def _rss_mib(pids: list[int]) -> float:
    import psutil

    return sum(psutil.Process(pid).memory_info().rss for pid in pids) / 2**20


def pool_prototype(base: str, root: Path, sample: int) -> None:
    paths = ["/" + p.parent.name + "/" for p in sorted(root.glob("*/index.html"))
             if p.parent.name not in ("category", "author")][:sample]
    jobs = asyncio.run(_fetch_all(base, paths))
    _site()
    for job in jobs[:20]:
        process_page(job)  # warm
    modes: dict[str, tuple[list[float], list[float]]] = {
        "inline": ([], []), "thread of 1": ([], []), "processes of 2": ([], [])}
    with ThreadPoolExecutor(1) as threads, ProcessPoolExecutor(2) as processes:
        pools: dict[str, Executor | None] = {"inline": None, "thread of 1": threads,
                                             "processes of 2": processes}
        list(processes.map(process_page, jobs[:20]))  # start and warm the workers
        workers_rss = _rss_mib(list(processes._processes))  # type: ignore[attr-defined]
        for _ in range(3):
            for name, pool in pools.items():
                t0 = time.perf_counter()
                if pool is None:
                    for job in jobs:
                        process_page(job)
                else:
                    list(pool.map(process_page, jobs))
                modes[name][0].append(len(jobs) / (time.perf_counter() - t0))
                modes[name][1].append(asyncio.run(_crawl_like(base, paths, pool)))
    print(f"\nparse on the event loop, on threads, or in processes ({len(jobs)} article pages, "
          "median of 3; pages/s)")
    print(f"{'':<40}" + "".join(f"{name:>16}" for name in modes))
    for row, label in ((0, "parse_page + pack"), (1, "fetch (httpx, 8 in flight) + parse")):
        inline = median(modes["inline"][row])
        cells = (f"{median(v[row]):.1f} ({median(v[row]) / inline:.2f}x)" for v in modes.values())
        print(f"{label:<40}" + "".join(f"{cell:>16}" for cell in cells))
    print(f"the 2 worker processes' RSS: {workers_rss:.0f} MiB (the crawl's peak is ~95 MiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--site-dir", type=Path)
    parser.add_argument("--fixture", choices=FIXTURES, default="distinct")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = build_site((args.site_dir or Path(tmp)) / f"{args.fixture}-5000", 5000,
                          args.fixture)
        with Served(root) as base:
            profile(base, Path(tmp), args.pages, args.concurrency)
            pool_prototype(base, root, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
