"""Peak memory of ``newsarchive export`` against archive size: it must stay flat.

    python bench/export_memory.py [--articles 100000] [--small 10000] [--formats ...]

Builds two synthetic archives (``--small`` and ``--articles`` articles, each with 5 links,
2 URLs and a stored raw page) directly with sqlite-utils inserts, then runs every export
format on each in a fresh process and prints that process's peak RSS (ru_maxrss) beside the
archive's size. A streaming export shows about the same peak for both sizes. One more row,
``jsonl (dated)``, exports half of the articles by site and date range: the rows a filter selects
come out in id order, which must not mean sorting the rows themselves in memory.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper import Archive  # noqa: E402

WORDS = ["council", "harbour", "ferry", "budget", "library", "tram", "festival", "stadium",
         "plan", "vote", "delay", "deal", "review", "residents", "traders", "museum", "river",
         "quay", "housing", "school", "bus", "route", "levy"]
CHUNK = 2000


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."


def build(path: Path, count: int) -> None:
    """An archive of ``count`` articles (about 2.3 KB of text each) with links and pages."""
    rng = random.Random(count)
    with Archive(path) as archive:
        db = archive.db
        db["sites"].insert({"name": "bench", "extends": "generic"})
        for start in range(1, count + 1, CHUNK):
            ids = range(start, min(start + CHUNK, count + 1))
            articles, pages, links, urls = [], [], [], []
            for n in ids:
                url = f"https://bench.example/{n}/"
                text = "\n\n".join(paragraph(rng) for _ in range(6))
                title = f"Story {n}: {' '.join(rng.sample(WORDS, 5))}"
                html = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode()
                pages.append({"id": n, "site": "bench", "url": url, "final_url": url,
                              "status": 200, "compression": "zlib",
                              "headers": json.dumps({"content-type": "text/html"}),
                              "body": zlib.compress(html, 6), "body_size": len(html),
                              "fetched_at": "2026-01-01T00:00:00+00:00"})
                day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
                articles.append({
                    "id": n, "site": "bench", "url": url, "title": title, "section": "News",
                    "authors": json.dumps(["A. Writer"]), "published": f"{day}T08:00:00+00:00",
                    "language": "en", "tags": json.dumps(rng.sample(WORDS, 3)), "text": text,
                    "word_count": len(text.split()), "first_seen": f"{day}T09:00:00+00:00",
                    "last_seen": f"{day}T09:00:00+00:00", "page_id": n, "version": 1,
                    "extraction": "{}"})
                for position in range(1, 6):
                    target = rng.randint(1, count)
                    links.append({"article_id": n, "kind": "latest", "position": position,
                                  "title": f"Story {target}", "heading": "Latest news",
                                  "url": f"https://bench.example/{target}/",
                                  "target_url": f"https://bench.example/{target}/",
                                  "target_article_id": target if target < n else None})
                urls += [{"url": url, "canonical": url, "article_id": n, "source": "article"},
                         {"url": url + "amp/", "canonical": url, "article_id": n,
                          "source": "amphtml"}]
            with db.atomic():
                db["pages"].insert_all(pages)
                db["articles"].insert_all(articles)
                db["links"].insert_all(links)
                db["article_urls"].insert_all(urls)


DATED = ("ExportFilters(sites=(\"bench\",), date_from=date(2026, 1, 1), "
         "date_to=date(2026, 6, 30))")


def measure(db_path: Path, fmt: str, out_dir: Path,
            filters: str = "None") -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, output bytes) of one export in a fresh process."""
    out = out_dir / f"export.{fmt}"
    code = ("import resource, sys\nfrom datetime import date\n"
            "from scraper.export import ExportFilters, export_articles\n"
            f"n = export_articles({str(db_path)!r}, {str(out)!r}, {fmt!r}, {filters})\n"
            "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    seconds = time.perf_counter() - started
    _, peak_kib = result.stdout.split()
    size = out.stat().st_size
    out.unlink()
    return seconds, int(peak_kib) / 1024, size


def baseline(modules: str) -> float:
    """Peak RSS of a process that only imports ``modules`` (what every export pays)."""
    code = (f"import resource, {modules}\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    return int(result.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--formats", default="jsonl,csv,parquet,warc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="export-memory-") as tmp:
        print(f"baseline peak RSS, imports only: exporter + warcio "
              f"{baseline('scraper.export, warcio.warcwriter'):.0f} MB, + pyarrow "
              f"{baseline('scraper.export, pyarrow.parquet'):.0f} MB")
        print(f"{'articles':>9} {'archive':>9} {'format':>14} {'output':>9} {'seconds':>8} "
              f"{'peak RSS':>9}")
        for count in (args.small, args.articles):
            db_path = Path(tmp) / f"news-{count}.db"
            started = time.perf_counter()
            build(db_path, count)
            built = time.perf_counter() - started
            archive_mib = db_path.stat().st_size / 2**20
            print(f"# built {count} articles in {built:.0f} s")
            runs = [(fmt, fmt, "None") for fmt in args.formats.split(",")]
            for name, fmt, filters in [*runs, ("jsonl (dated)", "jsonl", DATED)]:
                seconds, peak, size = measure(db_path, fmt, Path(tmp), filters)
                print(f"{count:>9} {archive_mib:>7.0f}MB {name:>14} {size / 2**20:>7.0f}MB "
                      f"{seconds:>8.1f} {peak:>7.0f}MB", flush=True)
            db_path.unlink()


if __name__ == "__main__":
    main()
