"""The text side of near-duplicate detection: what a text's copies are found by, made from
the text alone, so that the crawl makes it on its parse thread (``store.pages.pack``).

``shingles`` (word 5-shingles, hashed), a MinHash ``signature`` banded into LSH
``buckets`` (``lsh_rows`` chooses the banding for ``THRESHOLD``), and the bottom-k
``sample`` (``dedupsample``) from which ``Deduplicator`` estimates the Jaccard to a
candidate: one ``TextSketch`` per text. ``content_hash`` names exact copies.
MinHash is our own, on numpy (multiply-shift hashing of 64-bit shingle hashes: 0.6 ms for a
600-word article, 12 times faster than the same in pure Python, bit-identical to it).
datasketch was not used: its LSH index lives in memory, Redis or Cassandra, not in the
archive's SQLite file, so only its MinHash class would be used, at the cost of scipy.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .dedupsample import sample, sorted_unique

__all__ = [
    "NUM_PERM", "SEED", "SHINGLE_WORDS", "THRESHOLD", "MinHasher", "TextSketch",
    "content_hash", "jaccard", "lsh_buckets", "lsh_rows", "shingles", "sketch", "word_count",
]


def content_hash(text: str) -> str:
    """Hash of the text as a reader sees it: NFC, whitespace folded, case kept. Equal hashes
    are exact duplicates; the archive stores it in ``articles.content_hash``."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# Words per shingle. On tests/fixtures/syndication, k = 5 gives the widest ratio between the
# least similar copies of one story (0.59) and the most similar different stories (0.12, a
# follow-up reusing two background paragraphs); k = 2..7 measured, k = 5 and 6 tie.
SHINGLE_WORDS = 5
# Jaccard threshold. Calibrated on the fixture: copies of one wire story with a changed
# sentence, dateline, boilerplate and a dropped paragraph score 0.59-0.74; different stories
# on the same event score at most 0.12; a copy that keeps only the first half of the wire text
# scores 0.44 (0.36 for 5 paragraphs of 12). 0.4 keeps copies holding about half the text or
# more and leaves a margin of 3x over the worst same-topic story.
THRESHOLD = 0.4
# Signature length. Signatures only select candidates (the samples and, near the threshold,
# the exact Jaccard decide), so they are short: 64 gives 32 bands of 2 rows, P(candidate) =
# 0.996 at J = 0.4, 0.37 at J = 0.12 and 0.08 at J = 0.05.
NUM_PERM = 64
# LSH banding is chosen so that a pair exactly at the threshold becomes a candidate with at
# least this probability (see lsh_rows).
LSH_RECALL = 0.99
# Fixed: stored signatures must stay comparable across runs. Changing it (or any parameter
# above) marks the archive for rebuild().
SEED = 20220809

_WORD = re.compile(r"\w+")
_CHUNK = 4096  # shingles hashed per numpy block: bounds memory at NUM_PERM x 4096 x 8 bytes




def word_count(text: str) -> int:
    """Words as ``dedup.MIN_WORDS`` counts them."""
    return len(_WORD.findall(text))


def shingles(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word k-shingles of ``text`` (NFKC, case-folded:
    what a reader would call the same words)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    grams = {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))} if words \
        else set()
    hashes = (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
              for g in grams)
    return sorted_unique(np.fromiter(hashes, dtype=np.uint64, count=len(grams)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if not a.size or not b.size:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def lsh_rows(threshold: float, num_perm: int, recall: float = LSH_RECALL) -> int:
    """Rows per LSH band: the most (fewest false candidates) that still makes a pair at
    ``threshold`` a candidate with probability ``recall``: 1 - (1 - t^r)^(num_perm // r)."""
    best = 1
    for rows in range(1, num_perm + 1):
        if 1 - (1 - threshold**rows) ** (num_perm // rows) >= recall:
            best = rows
    return best


class MinHasher:
    """MinHash by multiply-shift hashing: h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32, a_i odd."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED) -> None:
        rng = random.Random(seed)  # Mersenne Twister: the same numbers on every Python
        self.num_perm = num_perm
        self.a = np.array([rng.getrandbits(64) | 1 for _ in range(num_perm)], dtype=np.uint64)
        self.b = np.array([rng.getrandbits(64) for _ in range(num_perm)], dtype=np.uint64)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        sig = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint64)
        for start in range(0, hashes.size, _CHUNK):
            block = hashes[None, start : start + _CHUNK]
            values = (self.a[:, None] * block + self.b[:, None]) >> np.uint64(32)
            np.minimum(sig, values.min(axis=1), out=sig)
        return sig.astype("<u4")


@dataclass(frozen=True)
class TextSketch:
    """What near-duplicate detection needs from a text, made from the text alone: the crawl
    makes it on a parse thread (``store.pack``), so that ``Deduplicator.add`` is SQL."""

    words: int  # as MIN_WORDS counts them
    hashes: np.ndarray  # shingles(): the exact set, for exact checks against this text
    signature: np.ndarray  # MinHash, uint32: the LSH bands
    sample: np.ndarray  # dedupsample.sample(): the estimated Jaccard to other texts
    rows: int  # rows per LSH band ``buckets`` were made with
    buckets: list[int]  # lsh_buckets(signature, rows)


_DEFAULT_HASHER: list[MinHasher] = []


def sketch(text: str, hasher: MinHasher | None = None,
           rows: int | None = None) -> TextSketch:
    """The ``TextSketch`` of ``text`` (with the default ``MinHasher`` and banding unless
    given others)."""
    if hasher is None:
        if not _DEFAULT_HASHER:
            _DEFAULT_HASHER.append(MinHasher())
        hasher = _DEFAULT_HASHER[0]
    rows = lsh_rows(THRESHOLD, hasher.num_perm) if rows is None else rows
    hashes = shingles(text)
    signature = hasher.signature(hashes)
    return TextSketch(word_count(text), hashes, signature, sample(hashes), rows,
                      lsh_buckets(signature, rows))


def lsh_buckets(signature: np.ndarray, rows: int) -> list[int]:
    """One signed 64-bit key per band of ``rows`` signature values: the band number and
    its values, hashed."""
    return [int.from_bytes(hashlib.blake2b(
        band.to_bytes(2, "little") + signature[band * rows:(band + 1) * rows].tobytes(),
        digest_size=8).digest(), "little", signed=True)
        for band in range(signature.size // rows)]


