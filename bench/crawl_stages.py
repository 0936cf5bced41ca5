"""Benchmark: whether a long crawl's CPU per page rises as its archive grows, and in which stage.

    python bench/crawl_stages.py [--articles 20000] [--window 2000] [--fixture shared]
                                 [--site-dir DIR] [--concurrency 32]

crawl_pipeline.py's ``--per-minute`` run gives pages/s and the tree's CPU per page minute
by minute: a rate that falls shows there, but not why, and on a VM a minute's rate also
moves with the host (the same code gave 75 % to 116 % last-minute/first-minute in seven
runs). This crawls the same fixture site (bench/fixture_site.py, served from another
process) with the real ``scraper.crawl`` in this process, unprofiled, and charges each
stage the CPU time of the thread that ran it (``time.thread_time``: what other processes do
to the machine does not enter it):

- **parse**: ``parse_page`` on the parse threads (decode, Lexbor, links; ``extract_tree``
  within it is also shown apart as **extract**), and **pack**: compression and the dedup
  sketch, also there;
- **offer**: the frontier's ``offer_links`` (URL filters and the seen check), on the loop;
- **dedup**: ``Deduplicator.add``, on the loop, and **store**: the rest of
  ``Archive.write_batch`` (rows, full-text index, the commit);

and, for the whole process, its CPU per page, the pages SQLite read per page (read calls,
``/proc/self/io``: those its page cache no longer held) and the time in the garbage
collector; then two wall-clock figures: **wall**, the window's elapsed time per page, and
**storewall**, the elapsed time per page in ``Archive.write_batch`` (dedup and store), which
holds the event loop: above its CPU, the loop waited (for the disk, for the GIL held by the
parse thread, or for the machine). One line per ``--window`` pages, then each column's last
window against its first: a stage whose cost grows with the archive shows above 1, and the
process line says how much of the page's cost that growth is; parse and pack, whose work no
archive enters, show how far the machine's own speed moved between windows. The last window
also holds the listing pages the crawl fetches when the articles are done (no article:
cheaper), so the ratio is taken on the window before it. Bounded: the crawl stops at
``--articles`` + 2,000 pages.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, read_calls  # noqa: E402
from crawl_pipeline import site_file  # noqa: E402
from fixture_site import FIXTURES, Served, build_site  # noqa: E402

import scraper.crawler.parsepage as parsepage  # noqa: E402
from scraper import crawl  # noqa: E402
from scraper.crawler.frontier import Frontier  # noqa: E402
from scraper.store.archive import Archive  # noqa: E402
from scraper.store.dedup import Deduplicator  # noqa: E402

COLUMNS = ("parse", "extract", "pack", "offer", "dedup", "store", "process", "reads", "gc",
           "wall", "storewall")


class StageClock:
    """Thread CPU per stage, and the process's figures per window of parsed pages."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.spent: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.pages = 0
        self.gc_seconds = 0.0
        self._gc_started = 0.0
        self.rows: list[dict[str, float]] = []
        self._last = self._snapshot()

    def timed(self, fn, stage: str, clock=time.thread_time):  # noqa: ANN001, ANN201
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - wraps any callable
            started = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.spent[stage] += clock() - started
        return run

    def on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_started

    def page_done(self) -> None:
        with self.lock:
            self.pages += 1
            if self.pages % self.window:
                return
            now = self._snapshot()
            row = {k: (now[k] - self._last[k]) * 1000 / self.window for k in now}
            row["reads"] /= 1000  # a count, not seconds
            row["store"] -= row["dedup"]  # write_batch calls Deduplicator.add
            self.rows.append(row)
            self._last = now
        print(f"{self.pages:>7}" + "".join(f"{row[k]:>10.2f}" for k in COLUMNS), flush=True)

    def _snapshot(self) -> dict[str, float]:
        snap = {k: self.spent[k] for k in ("parse", "extract", "pack", "offer", "dedup",
                                           "store", "storewall")}
        snap.update(process=time.process_time(), reads=float(read_calls()), gc=self.gc_seconds,
                    wall=time.perf_counter())
        return snap


def instrument(clock: StageClock) -> None:
    """Wrap the stages where the crawl calls them (module globals and methods)."""
    parse = clock.timed(parsepage.parse_page, "parse")

    def parse_page(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return parse(*args, **kwargs)
        finally:
            clock.page_done()

    parsepage.parse_page = parse_page
    parsepage.extract_tree = clock.timed(parsepage.extract_tree, "extract")
    parsepage.pack = clock.timed(parsepage.pack, "pack")
    Frontier.offer_links = clock.timed(Frontier.offer_links, "offer")
    Deduplicator.add = clock.timed(Deduplicator.add, "dedup")
    Archive.write_batch = clock.timed(clock.timed(Archive.write_batch, "store"), "storewall",
                                      time.perf_counter)
    gc.callbacks.append(clock.on_gc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--window", type=int, default=2000)
    parser.add_argument("--fixture", choices=FIXTURES, default="shared")
    parser.add_argument("--site-dir", type=Path)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = build_site((args.site_dir or work) / f"{args.fixture}-{args.articles}",
                          args.articles, args.fixture)
        clock = StageClock(args.window)
        instrument(clock)
        (work / "config" / "sites").mkdir(parents=True)
        with Served(root) as base:
            (work / "config" / "sites" / "herald.toml").write_text(
                site_file(base, args.concurrency, args.articles + 2000))
            print(f"CPU ms per page by window of {args.window} parsed pages (reads: SQLite "
                  "read calls per page; wall, storewall: elapsed ms per page)")
            print(f"{'pages':>7}" + "".join(f"{k:>10}" for k in COLUMNS), flush=True)
            started = time.perf_counter()
            report = crawl(work / "config", work / "news.db")
        print(f"{report.counts['fetched']} pages, {report.counts['articles_new']} articles "
              f"in {time.perf_counter() - started:.0f} s")
    full = clock.rows[:args.articles // args.window - 1]  # the last: listing pages too
    if len(full) >= 2:
        first, last = full[0], full[-1]
        print(f"{'last/1st':>7}" + "".join(
            f"{last[k] / first[k] if first[k] else float('nan'):>10.2f}" for k in COLUMNS))
        grown = last["process"] - first["process"]
        print(f"process CPU per page, window {len(full)} against window 1: {grown:+.2f} ms "
              f"({last['process'] / first['process'] - 1:+.0%}); of it dedup "
              f"{last['dedup'] - first['dedup']:+.2f}, store {last['store'] - first['store']:+.2f}"
              f", parse {last['parse'] - first['parse']:+.2f} ms")
        if len(full) >= 3:  # the first window's wall time also holds the crawl's start
            second = full[1]
            print(f"wall ms per page, window {len(full)} against window 2 (the first holds the "
                  f"crawl's start): {second['wall']:.2f} -> {last['wall']:.2f} "
                  f"({last['wall'] / second['wall'] - 1:+.0%}); in write_batch on the event "
                  f"loop {second['storewall']:.2f} -> {last['storewall']:.2f}, of which CPU "
                  f"{second['dedup'] + second['store']:.2f} -> {last['dedup'] + last['store']:.2f}")
        # parse and pack do the same work on every page whatever the archive holds: how much
        # they move from window to window is how much the machine's speed moves
        same = [r["parse"] + r["pack"] for r in full]
        archive = [r["dedup"] + r["store"] for r in full]
        print(f"the archive's stages (dedup + store): {archive[0]:.2f} -> {archive[-1]:.2f} ms "
              f"per page, {(archive[-1] - archive[0]) / first['process']:+.1%} of a page's CPU; "
              f"the stages no archive enters (parse + pack) moved {min(same) / same[0] - 1:+.0%} "
              f"to {max(same) / same[0] - 1:+.0%} between windows (the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
