"""Benchmark: newsarchive's generic extraction against trafilatura and htmldate, in one run.

    python bench/extraction.py [--data DIR] [--repeat N] [--only NAME ...] [--sets SET ...]

Both dev sets (``scrapinghub/`` with its shingle metric, ``trafilatura-eval/`` with
trafilatura's snippet metric, see ../shared/bench/README.md). Printed per set: body P, R and
F1 with its bootstrap 95 % interval, F1 on each half of the sites (``scoring.site_half``:
half A is what rules were tuned looking at, half B is held out), title, author and date
accuracy, pages with no text and exceptions; a line per extractor with P, R, F1 and the
pages with no text on each half (aggregates only); then docs/s of the full ``extract()`` (text,
metadata and link widgets) and of text only, as ratios to trafilatura's default and
``favor_precision`` modes, and each extractor's peak RSS.

Every extractor gets the same decoded ``str`` of each page (the eval set's raw bytes are
decoded once, by the crawler's decoder, before any child starts) and runs in its own child
process per set and pass, so that its peak RSS is its own: a child is given a list of page
files (no ground truth), reads pages from disk one at a time, off the clock, writes each
output to a file as it goes, and imports nothing the parent alone needs. Timing counts the
process's CPU time for the extraction calls only, which on a shared machine is not inflated
by other jobs; passes run round-robin so that a change in load hits every extractor alike,
and the median of ``--repeat`` passes is reported. Each pass starts cold (a fresh process,
a few pages of warm-up): caches that fill while a pass runs are part of what is measured.
trafilatura comes from the optional ``bench`` extra (``pip install -e ".[bench]"``). Exits 0
with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from scoring import SETS, Page, bench_dir, load_set, metadata_hits, score_set  # noqa: E402

# What an extractor returns for one page: the body text and, where it has them, metadata.
Output = dict
Extractor = Callable[[str, str], Output]
_WARM_UP = 3  # pages run before the clock starts (imports, first-call set-up)


def _newsarchive() -> Extractor:
    from scraper import extract

    def run(html: str, url: str) -> Output:
        article = extract(html, url)  # everything: metadata, widgets, text
        return {"text": article.text, "title": article.title, "lead": article.lead,
                "authors": article.authors, "date": article.published}
    return run


def _newsarchive_text() -> Extractor:
    from scraper.extraction.page import extract_text

    return lambda html, url: {"text": extract_text(html)}  # the body alone, no metadata


def _trafilatura(**options: bool) -> Callable[[], Extractor]:
    def make() -> Extractor:
        import trafilatura

        # include_comments=False: comment threads are not article body (as the anchors ran it)
        return lambda html, url: {"text": trafilatura.extract(
            html, url=url, include_comments=False, **options) or ""}
    return make


def _trafilatura_metadata(html: str, url: str) -> Output:
    """trafilatura's title, author and date (asked for off the clock: its ``extract()``
    timed above returns text only, as its default does)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    if doc is None:
        return {}
    author = doc.author or ""
    return {"title": doc.title, "authors": [a for a in author.split("; ") if a],
            "date": doc.date}


def _htmldate() -> Extractor:
    from htmldate import find_date

    # original_date: the publication date, not the last update (what "published" means)
    return lambda html, url: {"date": find_date(html, url=url, original_date=True)}


def _selectolax_parse() -> Extractor:
    from selectolax.lexbor import LexborHTMLParser

    def parse(html: str, url: str) -> Output:
        LexborHTMLParser(html)
        return {}
    return parse


# name -> (factory, body scored?, metadata off the clock or None)
EXTRACTORS: dict[str, tuple[Callable[[], Extractor], bool, Extractor | None]] = {
    "newsarchive": (_newsarchive, True, None),
    "newsarchive-text-only": (_newsarchive_text, True, None),
    "trafilatura": (_trafilatura(), True, _trafilatura_metadata),
    "trafilatura-precision": (_trafilatura(favor_precision=True), True, None),
    "htmldate": (_htmldate, False, None),
    "selectolax-parse-only": (_selectolax_parse, False, None),
}
BASELINES = ("trafilatura", "trafilatura-precision")
SPEED_ROWS = ("newsarchive", "newsarchive-text-only")


def _worker(name: str, set_name: str, cache: Path, predict: bool) -> None:
    """Child process: one extractor over every page of one set, once; print JSON.

    What the child holds while it is measured is the extractor's: the pages come from the
    parent's list of files (``_write_manifest``), and each output goes to a file as it is
    made, read back only after the peak RSS is taken (holding 884 outputs is ~6 MiB)."""
    rows = json.loads((cache / f"{set_name}.pages.json").read_text(encoding="utf-8"))
    pages = [Page(set_name, id_, Path(path), url, encoding=encoding)
             for id_, path, url, encoding in rows]
    run = EXTRACTORS[name][0]()
    for page in pages[:_WARM_UP]:
        _guarded(run, page.html, page.url)
    errors, elapsed = [], 0.0
    spool = cache / f"{name}.{set_name}.outputs.jsonl"
    with spool.open("w", encoding="utf-8") as out:
        for page in pages:
            html = page.html  # read and decoded off the clock
            start = time.process_time()
            output, error = _guarded(run, html, page.url)
            elapsed += time.process_time() - start
            if error:
                errors.append(f"{page.id}: {error}")
            out.write(json.dumps(output if predict else {}) + "\n")
            del html, output
    peak_mib = _peak_mib()
    with spool.open(encoding="utf-8") as lines:
        outputs = [json.loads(line) for line in lines]
    spool.unlink()
    metadata = EXTRACTORS[name][2]
    if predict and metadata:
        for page, output in zip(pages, outputs, strict=True):
            output.update(_guarded(metadata, page.html, page.url)[0])
    json.dump({"outputs": outputs, "seconds": elapsed, "peak_mib": peak_mib, "errors": errors},
              sys.stdout)


def _peak_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM, where it exists: ru_maxrss
    also counts the parent's image the child was forked from before its exec, so every
    child of a parent grown to 80 MiB would report 80 MiB at least."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _guarded(run: Extractor, html: str, url: str) -> tuple[Output, str | None]:
    try:
        return run(html, url), None
    except Exception as error:  # noqa: BLE001 - a crash is a result here, counted as empty text
        where = traceback.extract_tb(error.__traceback__)[-1]
        return {}, f"{type(error).__name__}: {error} ({Path(where.filename).name}:{where.lineno})"


def _write_manifest(set_name: str, pages: list[Page], cache: Path) -> None:
    """Write each raw page decoded (UTF-8, gzipped) so that every child reads the same str,
    and the set's list of page files the children read instead of the data set."""
    rows = []
    for page in pages:
        path = page.path
        if not page.encoding:
            path = cache / f"{page.id}.gz"
            path.write_bytes(gzip.compress(page.html.encode(), 1))
        rows.append((page.id, str(path), page.url, "utf-8"))
    (cache / f"{set_name}.pages.json").write_text(json.dumps(rows), encoding="utf-8")


def _run_child(name: str, set_name: str, cache: Path, predict: bool,
               timeout: float) -> dict | None:
    import subprocess

    command = [sys.executable, __file__, "--worker", name, "--sets", set_name,
               "--cache", str(cache)] + (["--predict"] if predict else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {name} on {set_name}: timed out after {timeout:.0f} s", file=sys.stderr)
        return None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {name} on {set_name}: skipped ({last})", file=sys.stderr)
        return None
    return json.loads(done.stdout)


def body_of(set_name: str, output: Output) -> str:
    """The text scored for a page. On the eval set newsarchive's title and lead are part of
    what it gives as the article (trafilatura's snippets come from the visible article,
    headline and standfirst included); on scrapinghub the truth is the body alone."""
    text = output.get("text") or ""
    if set_name == "scrapinghub" or "lead" not in output:
        return text
    return "\n\n".join(part for part in (output.get("title"), output.get("lead"), text) if part)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="benchmark dir (default $NEWSARCHIVE_BENCH_DATA, "
                                       "else ../shared/bench beside the checkout)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per extractor")
    parser.add_argument("--only", nargs="+", choices=sorted(EXTRACTORS), help="run only these")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child")
    parser.add_argument("--worker", choices=sorted(EXTRACTORS), help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--predict", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.sets[0], Path(args.cache), args.predict)
        return 0
    import tempfile

    data = bench_dir(args.data)
    sets = {name: pages for name in args.sets if (pages := load_set(data, name))}
    if not sets:
        print(f"benchmark data not found at {data}: skipped (set $NEWSARCHIVE_BENCH_DATA "
              "or --data)")
        return 0
    names = list(args.only or EXTRACTORS)
    with tempfile.TemporaryDirectory(prefix="newsarchive-bench-") as tmp:
        cache = Path(tmp)
        for set_name, pages in sets.items():
            _write_manifest(set_name, pages, cache)
        print(f"{data}; median of {args.repeat} timed passes per extractor (CPU time)",
              flush=True)
        runs: dict[tuple[str, str], list[dict]] = {}
        for repeat in range(args.repeat):  # round-robin: load changes hit every extractor alike
            for set_name in sets:
                for name in names:
                    result = _run_child(name, set_name, cache, repeat == 0, args.timeout)
                    if result is not None:
                        runs.setdefault((name, set_name), []).append(result)
    for set_name, pages in sets.items():
        _report_set(set_name, pages, {n: runs[(n, s)] for n, s in runs if s == set_name})
    _report_memory(runs)
    return 0


def _report_set(set_name: str, pages: list[Page], runs: dict[str, list[dict]]) -> None:
    import statistics

    halves = {h: [i for i, p in enumerate(pages) if p.half == h] for h in "AB"}
    sites = {h: len({pages[i].site for i in idx}) for h, idx in halves.items()}
    print(f"\n== {set_name}: {len(pages)} pages; site split: half A {len(halves['A'])} pages "
          f"of {sites['A']} sites, half B {len(halves['B'])} pages of {sites['B']} sites")
    print(f"{'extractor':<24}{'P':>6}{'R':>6}{'F1':>7}{'95 % interval':>15}{'F1 A':>7}"
          f"{'F1 B':>7}{'title':>7}{'author':>7}{'date':>7}{'empty':>6}{'errors':>7}")
    rates: dict[str, float] = {}
    by_half: list[str] = []
    for name, results in runs.items():
        rates[name] = len(pages) / max(statistics.median(r["seconds"] for r in results), 1e-9)
        outputs = results[0]["outputs"]
        errors = results[0]["errors"]
        body = ""
        if EXTRACTORS[name][1]:
            texts = [body_of(set_name, o) for o in outputs]
            whole = score_set(pages, texts)
            scores = {h: score_set([pages[i] for i in idx], [texts[i] for i in idx], rounds=0)
                      for h, idx in halves.items()}
            body = (f"{whole.precision:>6.3f}{whole.recall:>6.3f}{whole.f1:>7.3f}"
                    f"{f'[{whole.low:.3f}, {whole.high:.3f}]':>15}{scores['A'].f1:>7.3f}"
                    f"{scores['B'].f1:>7.3f}")
            by_half.append(f"  {name:<22}" + "; ".join(
                f"{h}: P {sc.precision:.3f} R {sc.recall:.3f} F1 {sc.f1:.3f} empty "
                f"{sum(not (outputs[i].get('text') or '').strip() for i in halves[h])}"
                for h, sc in scores.items()))
        else:
            body = f"{'–':>6}{'–':>6}{'–':>7}{'–':>15}{'–':>7}{'–':>7}"
        meta = _metadata(pages, outputs)
        empty = sum(not (o.get("text") or "").strip() for o in outputs) \
            if EXTRACTORS[name][1] else "–"
        print(f"{name:<24}{body}{meta}{empty:>6}{len(errors):>7}")
        for error in errors[:3]:
            print(f"    {error}")
    if by_half:  # aggregates only: no page of half B is ever printed
        print("  by half (body text; empty: pages with no text)\n" + "\n".join(by_half))
    _report_dates_by_half(pages, runs, halves)
    _report_speed(rates)


def _metadata(pages: list[Page], outputs: list[Output]) -> str:
    cells = ""
    for field, key in (("title", "title"), ("author", "authors"), ("date", "date")):
        hits = [metadata_hits(p, o.get("title"), o.get("authors") or [], o.get("date"))[field]
                for p, o in zip(pages, outputs, strict=True) if key in o]
        counted = [h for h in hits if h is not None]
        cells += f"{sum(counted) / len(counted):>7.1%}" if counted else f"{'–':>7}"
    return cells


def _report_dates_by_half(pages: list[Page], runs: dict[str, list[dict]],
                          halves: dict[str, list[int]]) -> None:
    if not any(p.date for p in pages):
        print("  (no title/author/date annotations in this set)")
        return
    line = []
    for name, results in runs.items():
        outputs = results[0]["outputs"]
        if not any("date" in o for o in outputs):
            continue
        shares = []
        for idx in halves.values():
            hits = [metadata_hits(pages[i], None, [], outputs[i].get("date"))["date"]
                    for i in idx if pages[i].date]
            shares.append(f"{sum(hits) / len(hits):.1%}" if hits else "–")
        line.append(f"{name} {shares[0]} / {shares[1]}")
    print("  published day right, half A / half B: " + "; ".join(line))


def _report_speed(rates: dict[str, float]) -> None:
    print(f"  {'docs/s (CPU)':<24}" + "".join(f"{n[:22]:>24}" for n in rates))
    print(f"  {'':<24}" + "".join(f"{r:>24.1f}" for r in rates.values()))
    for row in SPEED_ROWS:
        if row in rates:
            ratios = [f"{rates[row] / rates[b]:.2f}x {b}" for b in BASELINES if b in rates]
            print(f"  {row} speed: " + ", ".join(ratios))


def _report_memory(runs: dict[tuple[str, str], list[dict]]) -> None:
    peaks: dict[str, float] = {}
    for (name, _), results in runs.items():
        peaks[name] = max(peaks.get(name, 0.0), *(r["peak_mib"] for r in results))
    print("\npeak RSS (MiB, highest child of any set and pass): " + ", ".join(
        f"{n} {m:.0f}" for n, m in peaks.items()))
    for row in SPEED_ROWS:
        if row in peaks:
            ratios = [f"{peaks[row] / peaks[b]:.2f}x {b}" for b in BASELINES if b in peaks]
            print(f"  {row} peak RSS: " + ", ".join(ratios))


if __name__ == "__main__":
    sys.exit(main())
