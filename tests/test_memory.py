"""The crawl's malloc tuning (scraper/memory.py): page-sized buffers are mapped on their own,
so that freeing them gives their memory back instead of leaving it in glibc's heaps."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from scraper import memory

# In a fresh process: free a 1 MiB block first, which raises glibc's dynamic mmap threshold
# to 1 MiB as a crawl's first pages do; then count the mapped blocks (mallinfo2's hblks)
# while one 300 KB page-sized buffer is alive.
_PROBE = """
import ctypes, sys
from scraper import memory
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
big = bytearray(1 << 20); del big
if sys.argv[1] == "tuned":
    print(memory.tune_for_crawl())
before = libc.mallinfo2().hblks
page = bytearray(300_000)
print(libc.mallinfo2().hblks - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc",
                    reason="glibc only: elsewhere the tuning does nothing")
def test_a_tuned_crawl_maps_page_sized_buffers_on_their_own() -> None:
    def mapped(mode: str) -> list[str]:
        run = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert mapped("default") == ["0"]  # from the heap, kept there when freed
    assert mapped("tuned") == ["True", "1"]


def test_releasing_freed_memory_is_safe_anywhere() -> None:
    memory.release_freed_memory()  # no-op off glibc, malloc_trim on it


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc",
                    reason="glibc only: elsewhere the tuning does nothing")
def test_tuning_a_crawl_starts_no_process() -> None:
    """A child forked by the crawl counts the crawl's whole RSS again until it execs: the
    bench's process-tree peak doubled whenever its sampler caught one."""
    probe = ("import subprocess\n"
             "def refuse(*args, **kwargs): raise AssertionError('started a process')\n"
             "subprocess.Popen = refuse\n"
             "from scraper import memory\n"
             "print(memory.tune_for_crawl())\n"
             "memory.release_freed_memory()\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True"]
