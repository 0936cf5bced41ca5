"""The C allocator's part of a crawl's memory: glibc malloc tuned for a crawl, and freed
memory given back to the system after a step that freed much at once.

A crawl's working set is mostly short-lived buffers of 64 KB to a few MB: a fetched body
(~100 KB), its decoded text, Lexbor's tree, the dictionary training's samples. glibc
serves blocks under its mmap threshold from its heaps, and that threshold rises to the size
of the largest block freed (up to 32 MiB), and the heaps' trim threshold with it (twice
that), so after the first pages all of them come from heaps that keep what is freed. A
5,000-article crawl (bench/crawl_pipeline.py, shared fixture) held 12-13 MiB free in its
36 MiB of malloc heaps for the whole run. A threshold set with ``mallopt`` stays where it
is set (and the trim threshold at 128 KiB): blocks from ``MMAP_THRESHOLD`` up that the
heap's top cannot hold are mapped and unmapped one by one, and freed tops go back to the
system. Then the heaps held 22 MiB, 2-4 of them free, and the crawl's steady RSS was
87-88 MiB instead of 95.
Measured and not adopted (same crawl): one malloc arena for all threads
(``M_ARENA_MAX = 1``: 93-96 MiB, the parse thread's own heap is what it saves) and a
``malloc_trim`` after every batch on top of the threshold (87-88 MiB: nothing more).

Only on glibc (Linux): elsewhere (musl, macOS, Windows) both functions do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
from functools import cache

__all__ = ["MMAP_THRESHOLD", "release_freed_memory", "tune_for_crawl"]

# Blocks this large or larger are mapped on their own: a fetched page (tens of KB
# compressed, ~100 KB decoded) and anything bigger, but not the small objects Python and
# SQLite allocate all the time (those under glibc's default 128 KiB before it adapts).
MMAP_THRESHOLD = 64 * 1024
_M_MMAP_THRESHOLD = -3  # mallopt parameters, <malloc.h>


@cache
def _glibc() -> ctypes.CDLL | None:
    # The process's own symbols (dlopen(NULL)), libc's among them: ctypes.util.find_library
    # runs `ldconfig -p` in a child process, and a forked child shows the parent's RSS
    # until it execs, so bench/crawl_pipeline.py's tree sampler saw 2 x 55 MiB = 111 MiB as
    # the crawl's peak in 3 of 12 runs (issue 12's peak-memory round).
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        return libc
    return None


def tune_for_crawl() -> bool:
    """Fix glibc's mmap threshold at ``MMAP_THRESHOLD`` for this process; True if done."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_freed_memory() -> None:
    """Give the free memory of glibc's heaps back to the system (``malloc_trim``): after a
    step that freed many MB at once (the page dictionary's training), or between batches."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
