"""Benchmark: how to store raw pages (``pages.body``): zlib against zstandard, with and
without a dictionary trained per site.

    python bench/storage.py [--pages 600] [--site-dir DIR] [--data DIR]

Two page sets: article pages of the crawl benchmark's fixture site (bench/fixture_site.py,
one site, ~90 KB each) and the 181 scrapinghub pages (``--data``/scrapinghub/html/*.html.gz,
181 different sites; skipped with a message when absent). A dictionary is trained on the
first 20 % of a set and every codec is measured on the other 80 % (held out), so the
dictionary is never tested on the pages it learnt from. For the scrapinghub set, whose
pages all come from different sites, that is a cross-site dictionary: it shows what a
dictionary is worth when it does not match the site.

Per codec: stored bytes per page, ratio to the raw size, compression and decompression CPU
time per page (median of ``--repeat`` passes, process CPU time, so other jobs on the machine
do not inflate it), and decode throughput in MB of raw HTML per CPU second.
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import machine, median  # noqa: E402

from scraper.store.pages import (  # noqa: E402
    DICT_SAMPLES,
    PageDictionary,
    PageReader,
    compress_page,
    train_dictionary,
)

Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]


def codecs(train: list[bytes]) -> tuple[dict[str, Codec], int]:
    import zstandard as zstd

    out: dict[str, Codec] = {
        "zlib-6": (lambda b: zlib.compress(b, 6), zlib.decompress),
        "zlib-9": (lambda b: zlib.compress(b, 9), zlib.decompress),
    }
    for level in (3, 9, 19):
        c = zstd.ZstdCompressor(level=level)
        d = zstd.ZstdDecompressor()
        out[f"zstd-{level}"] = (c.compress, d.decompress)
    size = min(112_640, max(4096, sum(map(len, train)) // 20))
    dictionary = zstd.train_dictionary(size, train)
    for level in (3, 9, 19):
        c = zstd.ZstdCompressor(level=level, dict_data=dictionary)
        d = zstd.ZstdDecompressor(dict_data=dictionary)
        out[f"zstd-{level} + dict"] = (c.compress, d.decompress)
    # What the archive does (scraper/store/pages.py): its training parameters, on its first pages
    trained = train_dictionary([compress_page(p) for p in train[:DICT_SAMPLES]])
    if trained is not None:
        archive = sqlite3.connect(":memory:")
        archive.execute("create table page_dictionaries (id integer primary key, dictionary)")
        archive.execute("insert into page_dictionaries values (1, ?)", [trained])
        reader = PageReader(archive)
        site_dictionary = PageDictionary(1, trained)
        out["newsarchive (default)"] = (lambda b: compress_page(b, site_dictionary),
                                        lambda b: reader.body(b, "zstd", 1))
    return out, len(dictionary.as_bytes())


def measure(name: str, pages: list[bytes], repeat: int) -> None:
    split = max(5, len(pages) // 5)
    train, test = pages[:split], pages[split:]
    raw = sum(map(len, test))
    table, dict_bytes = codecs(train)
    print(f"\n{name}: {len(test)} pages held out ({raw / len(test) / 1024:,.1f} KB raw each), "
          f"dictionary of {dict_bytes / 1024:.0f} KB trained on {len(train)} others")
    print(f"{'codec':<20}{'bytes/page':>11}{'ratio':>7}{'comp ms':>9}{'decomp ms':>10}"
          f"{'decode MB/s':>12}")
    for codec, (compress, decompress) in table.items():
        blobs = [compress(p) for p in test]
        assert all(decompress(b) == p for b, p in zip(blobs, test, strict=True))
        comp, decomp = [], []
        for _ in range(repeat):
            t0 = time.process_time()
            for p in test:
                compress(p)
            comp.append(time.process_time() - t0)
            t0 = time.process_time()
            for b in blobs:
                decompress(b)
            decomp.append(time.process_time() - t0)
        stored = sum(map(len, blobs))
        print(f"{codec:<20}{stored / len(test):>11,.0f}{raw / stored:>7.1f}"
              f"{median(comp) / len(test) * 1000:>9.2f}{median(decomp) / len(test) * 1000:>10.3f}"
              f"{raw / median(decomp) / 1e6:>12,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600, help="fixture pages used")
    parser.add_argument("--site-dir", type=Path, help="the fixture site (built if absent)")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2]
                        / "shared" / "bench")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        import zstandard  # noqa: F401
    except ImportError:
        print('zstandard is not installed: pip install -e ".[bench]"')
        return 0
    print(f"machine: {machine()}; CPU time, median of {args.repeat} passes")
    import tempfile

    from fixture_site import build_site

    with tempfile.TemporaryDirectory() as tmp:
        root = build_site(args.site_dir or Path(tmp) / "site", 5000)
        files = sorted(root.glob("*/index.html"))
        pages = [p.read_bytes() for p in files]
        pages = [p for p in pages if b"single-post" in p][: args.pages]
    measure("fixture site (one tagDiv site)", pages, args.repeat)
    html_dir = args.data / "scrapinghub" / "html"
    if not html_dir.is_dir():
        print(f"\n{html_dir} not found: the scrapinghub part is skipped")
        return 0
    shub = [gzip.decompress(p.read_bytes()) for p in sorted(html_dir.glob("*.html.gz"))]
    measure("scrapinghub (181 different sites)", shub, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
