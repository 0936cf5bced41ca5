"""Benchmark: each built-in preset on the dev-set pages it is detected on, against the
generic extractor (no site file) on the same pages, in the same run.

    python bench/presets.py [--data DIR] [--preset NAME ...] [--pages]

Every page of both dev sets (scrapinghub, trafilatura-eval) is given to the preset
detection (``extraction/detect.py``); each preset is then run on the pages detected as
its own, split by site into two halves (half A tuned, half B held out; a site's half is
the parity of the first byte of the MD5 of its host). Per half it prints: on how many pages
none of the selectors of title, section, authors, published and body missed, how often
each field's selector matched, the trafilatura-eval metadata (title,
date, author, section = one of the page's categories) right with the preset and without
it (the anchor), the snippet body metric of trafilatura-eval (P, R, F), the link-widget
rows and the pages holding related links, and the corrections reconcile.py made. For
tagDiv, classic and tdb ("cloud") template pages are also reported apart. ``--pages``
prints one line per page. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import bench_dir  # noqa: E402

FIELDS = ("title", "section", "authors", "published", "body")


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def _host(url: str) -> str:
    return url[6:].split("-")[0] if url.startswith("hard::") else \
        urlsplit(url).netloc.removeprefix("www.")


def _pages(root: Path) -> list[tuple[str, bytes, dict]]:
    """(url, raw bytes, trafilatura-eval truth or {}) of every page of both dev sets."""
    pages = []
    evaldata = json.loads((root / "trafilatura-eval" / "evaldata.json").read_text("utf-8"))
    for url, truth in evaldata.items():
        path = root / "trafilatura-eval" / "html" / f"{truth['file']}.gz"
        if path.is_file():
            pages.append((url, gzip.decompress(path.read_bytes()), truth))
    truth_sh = json.loads((root / "scrapinghub" / "ground-truth.json").read_text("utf-8"))
    for key, truth in truth_sh.items():
        path = root / "scrapinghub" / "html" / f"{key}.html.gz"
        if path.is_file():
            pages.append((truth["url"], gzip.decompress(path.read_bytes()), {}))
    return pages


def _score(stats: Counter, name: str, article, truth: dict) -> None:
    text = _norm(article.text)
    stats[f"{name} tp"] += sum(1 for s in truth.get("with", []) if _norm(s) in text)
    stats[f"{name} fn"] += sum(1 for s in truth.get("with", []) if _norm(s) not in text)
    stats[f"{name} fp"] += sum(1 for s in truth.get("without", []) if _norm(s) in text)
    if truth.get("title"):
        stats[f"{name} title n"] += 1
        stats[f"{name} title ok"] += _norm(article.title) == _norm(truth["title"])
    if truth.get("date"):
        stats[f"{name} date n"] += 1
        stats[f"{name} date ok"] += (article.published or "")[:10] == truth["date"]
    authors = truth.get("author")
    authors = [a for a in ([authors] if isinstance(authors, str) else authors or []) if a]
    if authors:
        stats[f"{name} author n"] += 1
        stats[f"{name} author ok"] += {_norm(a) for a in authors} == {
            _norm(a) for a in article.authors}
    if truth.get("categories"):
        stats[f"{name} section n"] += 1
        stats[f"{name} section ok"] += _norm(article.section) in {
            _norm(c) for c in truth["categories"]}
    stats[f"{name} links"] += len(article.links)
    stats[f"{name} related pages"] += any(link.kind == "related" for link in article.links)


def _report(label: str, stats: Counter, matched: Counter, pages: int) -> None:
    print(f"  {label}: {pages} pages; no selector of title/section/authors/published/body "
          f"missed on {stats['all matched']}; reconcile.py corrected "
          f"{stats['dates corrected']} dates, dropped {stats['logins dropped']} logins")
    print("    selector matched: " + ", ".join(f"{f} {matched[f]}" for f in FIELDS + (
        "tags", "lead", "modified") if f in matched))
    for name in ("preset", "generic"):
        tp, fp, fn = stats[f"{name} tp"], stats[f"{name} fp"], stats[f"{name} fn"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        meta = " ".join(f"{k} {stats[f'{name} {k} ok']}/{stats[f'{name} {k} n']}"
                        for k in ("title", "date", "author", "section"))
        print(f"    {name:8s} body P {p:.3f} R {r:.3f} F {f:.3f} | {meta} | "
              f"{stats[f'{name} links']} links, related on {stats[f'{name} related pages']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="the bench directory (default ../shared/bench)")
    parser.add_argument("--preset", action="append", help="only this preset (repeatable)")
    parser.add_argument("--pages", action="store_true", help="one line per page")
    args = parser.parse_args()
    root = bench_dir(args.data)
    if not (root / "trafilatura-eval").is_dir():
        print(f"no dev-set data at {root}: nothing to measure")
        return 0
    from selectolax.lexbor import LexborHTMLParser

    from scraper import extract, site_from_dict
    from scraper.extraction.detect import detect_preset
    from scraper.extraction.page import _alternatives
    from scraper.fetch.decode import decode_body

    groups: dict[str, list] = {}
    for url, body, truth in _pages(root):
        text, _ = decode_body(body, None)
        groups.setdefault(detect_preset(LexborHTMLParser(text)).preset, []).append(
            (url, body, truth, text))
    print("detected: " + ", ".join(f"{p} {len(v)}" for p, v in sorted(groups.items())))
    for preset in args.preset or ("wordpress-tagdiv", "wordpress", "drupal"):
        site = site_from_dict({"name": "b", "extends": preset,
                               "start_urls": ["https://b.example/"]})
        print(f"{preset}:")
        splits: dict[str, tuple[Counter, Counter, list]] = {}
        for url, body, truth, text in groups.get(preset, []):
            half = "A" if hashlib.md5(_host(url).encode()).digest()[0] % 2 == 0 else "B"
            keys = [f"half {half}"]
            if preset == "wordpress-tagdiv":
                keys.append("tdb pages" if "tdb_single_content" in text else "classic pages")
            address = url if url.startswith("http") else f"https://{_host(url)}/"
            article = extract(body, address, site)
            generic = extract(body, address, None)
            tree = LexborHTMLParser(text)
            for key in keys:
                stats, matched, seen = splits.setdefault(key, (Counter(), Counter(), []))
                seen.append(url)
                for field, css in site.selectors.items():
                    if any(tree.css_first(c) is not None for c in _alternatives(css)):
                        matched[field] += 1
                stats["all matched"] += not article.selector_misses
                stats["dates corrected"] += sum("wrong offset" in w for w in article.warnings)
                stats["logins dropped"] += sum("user name" in w for w in article.warnings)
                _score(stats, "preset", article, truth)
                _score(stats, "generic", generic, truth)
            if args.pages:
                print(f"    {keys[0][-1]} {_host(url)[:30]:30s} misses {article.selector_misses}"
                      f" | {article.section} | {article.authors} | {article.published}")
        for key in sorted(splits):
            stats, matched, seen = splits[key]
            _report(key, stats, matched, len(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
