"""Benchmark: newsarchive's generic extraction against trafilatura, in the same run.

    python bench/extraction.py [--data DIR] [--repeat N] [--only NAME ...]

Every extractor gets the same decoded ``str`` of each of the 181 scrapinghub pages and runs in
its own child processes, so that its peak RSS is its own. Timing covers the extraction calls
only (each page is decompressed and decoded off the clock) and counts the process's CPU
time, which on an idle machine equals wall time for these single-threaded extractors and
on a shared one is not inflated by other jobs; passes run round-robin (one child per
extractor and pass) so that a change in load hits every extractor alike, and the median
of ``--repeat`` passes is reported. trafilatura comes from the optional ``bench`` extra
(``pip install -e ".[bench]"``); it is never a runtime dependency of newsarchive.
Exits 0 with a message when the data is absent (``$NEWSARCHIVE_BENCH_DATA`` or ``--data``
point elsewhere).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import Score, bench_dir, load_pages, score  # noqa: E402

Extractor = Callable[[str, str], str]


def _newsarchive() -> Extractor:
    from scraper import extract

    return lambda html, url: extract(html, url).text  # everything: metadata, widgets, text


def _newsarchive_text() -> Extractor:
    from scraper.extraction.page import extract_text

    return lambda html, url: extract_text(html)  # the same text, nothing else (as trafilatura)


def _trafilatura(**options: bool) -> Callable[[], Extractor]:
    def make() -> Extractor:
        import trafilatura

        # include_comments=False: comment threads are not article body (as the anchors ran it)
        return lambda html, url: trafilatura.extract(
            html, url=url, include_comments=False, **options) or ""
    return make


def _selectolax_parse() -> Extractor:
    from selectolax.lexbor import LexborHTMLParser

    def parse(html: str, url: str) -> str:
        LexborHTMLParser(html)
        return ""
    return parse


# name -> (factory, scored?) ; the parse-only row is the speed ceiling, not an extractor
EXTRACTORS: dict[str, tuple[Callable[[], Extractor], bool]] = {
    "newsarchive": (_newsarchive, True),
    "newsarchive-text-only": (_newsarchive_text, True),
    "trafilatura": (_trafilatura(), True),
    "trafilatura-precision": (_trafilatura(favor_precision=True), True),
    "selectolax-parse-only": (_selectolax_parse, False),
}
BASELINE = "trafilatura"  # ratios are quoted against trafilatura's default settings


def _worker(name: str, data: Path, repeat: int) -> None:
    """Child process: run one extractor over every page ``repeat`` times, print JSON."""
    pages = load_pages(data)
    run = EXTRACTORS[name][0]()
    predictions = [run(p.html, p.url) for p in pages]  # warm-up pass, also the output
    seconds = []
    for _ in range(repeat):
        elapsed = 0.0
        for page in pages:
            html = page.html  # decompressed and decoded off the clock
            start = time.process_time()
            run(html, page.url)
            elapsed += time.process_time() - start
        seconds.append(elapsed)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"predictions": predictions, "seconds": seconds, "peak_mib": peak_mib}, sys.stdout)


def _run_child(name: str, data: Path, repeat: int) -> dict | None:
    command = [sys.executable, __file__, "--worker", name, "--data", str(data),
               "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {name}: skipped ({last})", file=sys.stderr)
        return None
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="benchmark dir (default $NEWSARCHIVE_BENCH_DATA, "
                                       "else ../shared/bench beside the checkout)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per extractor")
    parser.add_argument("--only", nargs="+", choices=sorted(EXTRACTORS), help="run only these")
    parser.add_argument("--worker", choices=sorted(EXTRACTORS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    data = bench_dir(args.data)
    if not (data / "scrapinghub" / "ground-truth.json").is_file() and \
            not (data / "ground-truth.json").is_file():
        print(f"benchmark data not found at {data}: skipped "
              f"(set ${'NEWSARCHIVE_BENCH_DATA'} or --data)")
        return 0
    if args.worker:
        _worker(args.worker, data, args.repeat)
        return 0

    pages = load_pages(data)
    truths = [p.truth for p in pages]
    print(f"{len(pages)} pages from {data}; median of {args.repeat} timed passes (CPU time)",
          flush=True)
    names = list(args.only or EXTRACTORS)
    results: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(args.repeat):  # round-robin: load changes hit every extractor alike
        for name in names:
            if (result := _run_child(name, data, 1)) is not None:
                results[name].append(result)
    rows: dict[str, tuple[Score | None, float, float]] = {}
    for name, runs in results.items():
        if not runs:
            continue
        rate = len(pages) / statistics.median(r["seconds"][0] for r in runs)
        scored = score(truths, runs[0]["predictions"]) if EXTRACTORS[name][1] else None
        rows[name] = (scored, rate, max(r["peak_mib"] for r in runs))
    _print_table(rows)
    return 0


def _print_table(rows: dict[str, tuple[Score | None, float, float]]) -> None:
    base = rows.get(BASELINE)
    print(f"\n{'extractor':<24}{'P':>7}{'R':>7}{'F1':>7}{'±':>7}{'docs/s':>9}{'peak MiB':>10}"
          f"{'F1 - traf':>11}{'speed x traf':>14}")
    for name, (s, rate, mib) in rows.items():
        quality = (f"{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.f1_spread:>7.3f}"
                   if s else f"{'–':>7}" * 4)
        delta = f"{s.f1 - base[0].f1:>+11.3f}" if s and base and base[0] else f"{'–':>11}"
        ratio = f"{rate / base[1]:>14.1f}" if base else f"{'–':>14}"
        print(f"{name:<24}{quality}{rate:>9.0f}{mib:>10.0f}{delta}{ratio}")


if __name__ == "__main__":
    sys.exit(main())
