"""Raw pages as the archive keeps them: zstandard, with a dictionary trained per site.

A site's pages share most of their bytes (menus, scripts, sidebars), which a compressor
working one page at a time cannot see. So once a site has ``DICT_SAMPLES`` pages, a zstd
dictionary is trained on them and stored in ``page_dictionaries``; later pages of the site
are compressed with it and name it in ``pages.dictionary_id``. Measured on the fixture
site's pages, each ~100 KB (bench/storage.py, dictionary trained on other pages than those
measured): zlib-6 17.5 KB a page, zstd-3 16.6 KB, zstd-3 with the site's dictionary as
trained here 10.1 KB, the zstd ones at about the same CPU (0.13 ms a page). Across
unrelated sites (the scrapinghub pages) a dictionary gains ~4 %, which is why there is one
per site.

Pages that older versions stored (zlib, or zstd without a dictionary) stay readable.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass

import zstandard

from ..errors import ArchiveError
from ..memory import release_freed_memory
from ..sqlite import sqlite3
from .sketch import TextSketch, sketch

__all__ = ["DICT_SAMPLES", "PAGE_COMPRESSION", "Packed", "PageDictionary", "PageReader",
           "compress_page", "pack", "page_body", "train_dictionary"]

PAGE_COMPRESSION = "zstd"
LEVEL = 3  # zstd-9 saves another 15 % at 6x the CPU; zstd-19 takes 26 ms a page
# Pages a dictionary is trained on, its size, and fastCover's parameters. On the fixture
# site (100 KB pages), 64 pages and 110 KB give 9.9 KB a page with zstd's default search
# over k and d (0.12 s), 10.1 KB with k, d and f fixed (0.03 s). Training holds the
# decompressed samples twice (zstd wants them in one buffer) and 4 B per 2^f frequency
# counters: its peak was +25 MiB with the defaults (f = 20), +17 with f = 18 and 64 pages,
# +10 with 32, and it is the crawl's peak RSS (bench/crawl_pipeline.py: 97 MiB against a
# steady 88). With k, d and f fixed, 32 pages compress within 3 % of 64 on both of the
# crawl benchmark's sites (held-out pages, 32 vs 64: 9.86 vs 9.87 KB on the shared
# fixture, 10.05 vs 9.80 on the distinct one); a site of many templates may lose more.
DICT_SAMPLES = 32
DICT_SIZE = 112_640
_TRAINING = {"k": 2048, "d": 8, "f": 18}

_local = threading.local()  # zstd contexts are not thread-safe: one set per parse thread


@dataclass(frozen=True)
class PageDictionary:
    """A site's trained dictionary, as stored in ``page_dictionaries``."""

    id: int
    data: bytes


def _compressor(dictionary: PageDictionary | None) -> zstandard.ZstdCompressor:
    # Keyed by the data, not the id: ids are per archive, and one process may write two.
    # One compressor per thread, the last one used: each holds ~1.8 MiB of zstd state, and
    # a crawl switches once per site, from none to the site's dictionary.
    key = dictionary.data if dictionary else None
    cached = getattr(_local, "compressor", None)
    if cached is None or cached[0] != key:
        dict_data = zstandard.ZstdCompressionDict(dictionary.data) if dictionary else None
        cached = _local.compressor = (key, zstandard.ZstdCompressor(level=LEVEL,
                                                                    dict_data=dict_data))
    return cached[1]


def compress_page(body: bytes, dictionary: PageDictionary | None = None) -> bytes:
    """A raw page as stored in ``pages.body`` (``compression = PAGE_COMPRESSION``)."""
    # Copied: zstandard returns its output in a buffer of the worst-case size (~the page's),
    # and a crawl holds a batch and the dictionary's samples packed: 8 MiB of its peak RSS.
    return memoryview(_compressor(dictionary).compress(body)).tobytes()


@dataclass
class Packed:
    """What storing an article costs in CPU before any SQL: the compressed page and the
    text's dedup sketch (shingles, MinHash signature, sample). The crawl makes it on a worker
    thread (``pack``) so that the write on the event loop is SQL only; measured on
    6,000-word articles, that halves the time a batch holds the loop (0.58 s -> 0.25 s for
    25 of them), time in which every in-flight fetch's deadline runs on."""

    body: bytes
    size: int  # of the page as fetched
    sketch: TextSketch
    dictionary_id: int | None = None  # the site dictionary ``body`` was compressed with


def pack(body: bytes, text: str, dictionary: PageDictionary | None = None) -> Packed:
    return Packed(compress_page(body, dictionary), len(body), sketch(text),
                  dictionary.id if dictionary else None)


def page_body(blob: bytes | None, compression: str | None) -> bytes:
    """A stored raw page without a dictionary as fetched, whichever codec the archive's
    version stored it with (``PageReader`` reads any page)."""
    if compression == "zstd":
        return zstandard.ZstdDecompressor().decompress(blob or b"")
    if compression == "zlib":
        return zlib.decompress(blob or b"")
    if compression:
        raise ArchiveError(f"unknown page compression {compression!r}")
    return blob or b""


class PageReader:
    """Reads stored pages of one archive connection, loading each dictionary once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}

    def body(self, blob: bytes | None, compression: str | None,
             dictionary_id: int | None) -> bytes:
        """The page as fetched, from its ``pages`` columns of the same names."""
        if dictionary_id is None or compression != "zstd":
            return page_body(blob, compression)
        if dictionary_id not in self._decompressors:
            row = self.conn.execute("select dictionary from page_dictionaries where id = ?",
                                    [dictionary_id]).fetchone()
            if row is None:
                raise ArchiveError(f"page dictionary {dictionary_id} is not in the archive")
            self._decompressors[dictionary_id] = zstandard.ZstdDecompressor(
                dict_data=zstandard.ZstdCompressionDict(row[0]))
        return self._decompressors[dictionary_id].decompress(blob or b"")


def train_dictionary(stored: list[bytes]) -> bytes | None:
    """A dictionary trained on pages as stored without one (zstd, no dictionary): the crawl
    keeps its samples compressed, 16 KB each instead of 100. None when zstd cannot train on
    them (too few bytes, or nothing in common)."""
    decompressor = zstandard.ZstdDecompressor()
    samples = [decompressor.decompress(blob) for blob in stored]
    try:
        return zstandard.train_dictionary(DICT_SIZE, samples, level=LEVEL,
                                          **_TRAINING).as_bytes()
    except zstandard.ZstdError:
        return None
    finally:
        del samples
        # The training's ~15 MB of freed buffers: measured in a process that trained on 64
        # pages, RSS stayed 8 MiB higher after training until malloc_trim.
        release_freed_memory()
