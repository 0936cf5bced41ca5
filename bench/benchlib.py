"""Shared helpers of the speed and scale benchmarks (bench/crawl_pipeline.py, archive_scale.py,
profile_crawl.py, storage.py): medians, a process-tree meter, realistic text and pages.

Nothing here is imported by the package; it is bench-only code.
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB RAM, Python {sys.version.split()[0]}"


# -- a process tree, measured -----------------------------------------------------------------

@dataclass
class TreeRun:
    returncode: int
    wall: float  # seconds, start to exit
    cpu: float  # user + system seconds of the process and every descendant it waited for
    peak_rss: int  # bytes: the highest sum of RSS over the whole tree, sampled every 20 ms
    stdout: str
    stderr: str
    # (epoch seconds, user + system CPU seconds of the live tree), about once a second
    cpu_samples: list[tuple[float, float]] = field(default_factory=list)


def read_calls() -> int:
    """Read calls this process has made (Linux: ``/proc/self/io``'s ``syscr``; 0 elsewhere).
    SQLite reads a page it does not hold in its page cache with one ``pread``: the count
    over a stretch of work is the pages it had to fetch, a cost that grows as its tables
    outgrow the 2 MiB cache (each from the OS page cache: CPU, not disk, on these benches)."""
    try:
        with open("/proc/self/io") as stats:
            return int(stats.read().split("syscr:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return 0


def run_tree(command: list[str], timeout: float, env: dict[str, str] | None = None,
             cwd: str | Path | None = None) -> TreeRun:
    """Run ``command``, sampling the RSS of its whole process tree; CPU from wait4()."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=cwd, text=True)
    peak = 0
    cpu_samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        last_cpu = 0.0
        while not done.is_set():
            total = 0
            try:
                tree = [root, *root.children(recursive=True)]
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                if time.time() - last_cpu >= 1:
                    last_cpu = time.time()
                    cpu = 0.0
                    for p in tree:
                        with contextlib.suppress(psutil.Error):
                            times = p.cpu_times()
                            cpu += times.user + times.system
                    cpu_samples.append((last_cpu, cpu))
            except psutil.Error:
                break
            peak = max(peak, total)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, c=c: c.append(s.read()), daemon=True)
               for s, c in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    deadline = started + timeout
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    for r in readers:
        r.join(5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return TreeRun(proc.returncode, wall, usage.ru_utime + usage.ru_stime, peak,
                   "".join(out_chunks), "".join(err_chunks), cpu_samples)


# -- realistic text ---------------------------------------------------------------------------

# The most frequent English words first, then news vocabulary, then invented words: drawn
# with Zipf's law (p ~ 1/rank) this gives document frequencies like real news text (a word
# of rank 1,000 is in ~5 % of 600-word articles, rank 10,000 in ~0.5 %).
STOPWORDS = (  # noqa: SIM905 - a word list reads best as one string
    "the of and to a in is that for it as was with be by on not he i this are or his from at "
    "which but have an they you were her she there their one all we can has more been if no "
    "will would who so what up out when said about into them than its only other new some "
    "could time these two may then do first any my now such like our over man me even most "
    "made after also did many before must through back years where much your way well down "
    "should because each just those people how too little state good very make world still "
    "own see men work long get here between both life being under never day same another know "
    "while last might us great old year off come since against go came right used take three "
).split()
NEWS_WORDS = (  # noqa: SIM905 - a word list reads best as one string
    "government council minister police city court election party president week report "
    "million percent public health school market plan officials company workers budget "
    "spokesman statement local national country housing tax business hospital children "
    "community region project transport service services decision support money prices energy "
    "water climate residents mayor vote parliament opposition leader union strike ferry "
    "harbour tram bus railway station airport bridge road traffic festival museum library "
    "stadium football club season match team players coach university students teachers "
    "research science study data growth economy inflation bank interest rates investors "
    "shares trade exports imports farmers weather storm flood fire emergency security "
    "military defence border migration refugees asylum court judge trial prison investigation "
    "fraud corruption scandal inquiry lawyers rights protest campaign environment pollution "
    "emissions carbon renewable wind solar nuclear oil gas electricity prices costs wages "
    "pensions jobs unemployment industry factory construction homes rent tenants landlords "
    "planning development riverside quay waterfront tourism hotels visitors culture theatre "
    "music film art gallery concert history heritage church hospital doctors nurses patients "
    "care treatment vaccine virus covid cancer research funding grants charity volunteers "
    "safety accident crash injured killed died arrested charged sentenced summit talks "
    "agreement treaty sanctions embassy diplomats foreign europe china russia america africa "
    "ukraine germany france britain india japan brazil canada australia technology internet "
    "software digital online data privacy artificial intelligence robots startup investment "
    "profit losses revenue quarter results shareholders board chief executive director "
    "manager staff employees contract deal merger acquisition regulator "
).split()


class TextModel:
    """Zipfian pseudo-news text over ~60,000 words, seeded."""

    def __init__(self, seed: int = 8, size: int = 60_000, sample_seed: int | None = None) -> None:
        import numpy as np

        rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        invented: set[str] = set()
        known = set(STOPWORDS) | set(NEWS_WORDS)
        while len(invented) < size - len(known):
            word = "".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))
            if word not in known:
                invented.add(word)
        # stopwords first; news words spread over ranks 300..~6,000 (df ~16 % .. ~1 %)
        words = list(dict.fromkeys(STOPWORDS)) + sorted(invented)
        news = [w for w in dict.fromkeys(NEWS_WORDS) if w not in STOPWORDS]
        for i, word in enumerate(news):
            words.insert(300 + i * 15, word)
        self.words = words
        weights = 1.0 / np.arange(1, len(self.words) + 1)
        self.cum = np.cumsum(weights / weights.sum())
        self.np_rng = np.random.default_rng(seed if sample_seed is None else sample_seed)

    def rank(self, word: str) -> int:
        return self.words.index(word) + 1

    def article(self, words: int = 600, paragraph: int = 100) -> str:
        import numpy as np

        idx = np.searchsorted(self.cum, self.np_rng.random(words)).tolist()
        tokens = [self.words[i] for i in idx]
        paragraphs = []
        for start in range(0, words, paragraph):
            sentence_words = tokens[start:start + paragraph]
            parts = []
            for s in range(0, len(sentence_words), 20):
                chunk = sentence_words[s:s + 20]
                parts.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
            paragraphs.append(" ".join(parts))
        return "\n\n".join(paragraphs)

    def phrase(self, words: int) -> str:
        import numpy as np

        idx = np.searchsorted(self.cum, self.np_rng.random(words)).tolist()
        return " ".join(self.words[i] for i in idx).capitalize()


class SharedParagraphs:
    """Article texts recombined from a shared pool of paragraphs plus random words, as wire
    copy, press releases and templated news share paragraphs (issue 12's second fixture).

    Each article has ``paragraphs`` paragraphs of ~100 words; each is, with probability
    ``shared``, a paragraph of the pool (``pool`` of them, fixed whatever the number of
    articles: the more articles, the more share each paragraph) with 1-3 random words
    inserted, else fresh text. Two articles sharing one paragraph have a Jaccard of ~0.08,
    two ~0.18, three ~0.3: every article has candidates that are no copies, and their number
    grows with the archive. Seeded: the same arguments give the same texts.
    """

    def __init__(self, seed: int = 12, pool: int = 400, paragraphs: int = 6,
                 shared: float = 0.6) -> None:
        self.model = TextModel(sample_seed=seed)
        self.rng = random.Random(seed)
        self.pool = [self.model.article(100).split("\n\n")[0] for _ in range(pool)]
        self.paragraphs = paragraphs
        self.shared = shared

    def article(self) -> list[str]:
        rng, out = self.rng, []
        for _ in range(self.paragraphs):
            if rng.random() < self.shared:
                words = rng.choice(self.pool).split()
                for _ in range(rng.randint(1, 3)):
                    words.insert(rng.randrange(len(words) + 1),
                                 self.model.words[rng.randrange(300, 20000)])
                out.append(" ".join(words))
            else:
                out.append(self.model.article(100).split("\n\n")[0])
        return out
