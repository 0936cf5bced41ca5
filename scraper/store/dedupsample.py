"""Bottom-k samples of shingle sets: the Jaccard similarity of two texts, estimated from a
kilobyte stored per article instead of from the texts.

Deciding whether a near-duplicate candidate is a copy used to re-read and re-shingle its
stored text (~1 ms for a 600-word article). On a site whose articles share paragraphs (wire
copy, press releases, templated news) every article has dozens of such candidates, and
their number grows with the archive: the crawl slowed from 12 to 4 pages/s within minutes
(issue 12). A sample makes the check a few microseconds of numpy per candidate, whatever the
texts hold.

The sample of a text is the ``SAMPLE_SIZE`` smallest values of its shingle hashes' top 32
bits (the shingle hashes are uniform 64-bit, so these are a uniform random sample of its
shingles; a text with fewer shingles keeps them all). For two texts A and B, the smallest
``k`` values of the union of their samples are the smallest ``k`` of A | B, and the share of
them that both samples hold estimates J(A, B) (Broder's bottom-k estimator), with a standard
deviation of at most sqrt(J (1 - J) / k): 0.031 at J = 0.4 for k = 256, less for long texts
(sampling without replacement). Two complete samples (texts of fewer than k shingles) give
the exact Jaccard. Collisions of
32-bit values are negligible: the sampled values lie below ~2^32 k / n, and two samples of
256 share a value by chance with P ~ 4e-5.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SAMPLE_SIZE", "estimate_jaccard", "sample", "sorted_unique"]

# Values per sample: 1 KiB per article (1 GB at a million articles, 5 % of bench/archive_scale's
# archive). 256 puts an estimate within 0.1 of the truth with P > 0.999 (3.2 standard
# deviations at J = 0.4), the margin dedup.EXACT_MARGIN leaves to the exact check.
SAMPLE_SIZE = 256
_PAD = np.uint32(0xFFFFFFFF)  # fills short samples in a matrix; never a sampled value


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``values`` sorted, each once: what ``np.unique`` gives, without its first call
    importing ``numpy.ma`` (1.2 MiB of a crawl's RSS, issue 12's peak-memory round)."""
    values = np.sort(values)
    if values.size < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def sample(hashes: np.ndarray, size: int = SAMPLE_SIZE) -> np.ndarray:
    """The bottom-``size`` sample (sorted uint32) of a sorted unique shingle-hash array."""
    top = sorted_unique((hashes[: size * 2] >> np.uint64(32)).astype(np.uint32))
    return top[:size]


def estimate_jaccard(own: np.ndarray, others: list[np.ndarray],
                     size: int = SAMPLE_SIZE) -> np.ndarray:
    """Estimated Jaccard of the text sampled as ``own`` to each text sampled in ``others``.

    Vectorised over the candidates: one ``searchsorted`` over a (candidates x size) matrix.
    For a candidate value ``c[j]`` present in ``own``, its rank in the union of the two
    samples is ``j + 1`` plus the values of ``own`` below it that ``c`` does not hold; it
    counts when that rank is within the union's bottom ``k``.
    """
    if not others:
        return np.zeros(0)
    own = own[:size]
    lengths = np.fromiter((min(size, other.size) for other in others), np.int64, len(others))
    if lengths.min() == size:  # the usual case: texts of more than `size` shingles
        matrix = np.vstack(others) if all(o.size == size for o in others) \
            else np.vstack([other[:size] for other in others])
    else:
        matrix = np.full((len(others), size), _PAD, dtype=np.uint32)
        for row, other in enumerate(others):
            matrix[row, : lengths[row]] = other[:size]
    if not own.size:
        return np.zeros(len(others))
    below = np.searchsorted(own, matrix)  # values of `own` smaller than each c[j]
    member = (own[np.minimum(below, own.size - 1)] == matrix) & (matrix != _PAD)
    common_before = np.cumsum(member, axis=1) - member  # shared values before position j
    rank = np.arange(1, size + 1) + below - common_before
    # k of the union: `size`, or the whole union when it has fewer values
    common = member.sum(axis=1)
    union = np.minimum(size, own.size + lengths - common)
    estimate = (member & (rank <= union[:, None])).sum(axis=1) / np.maximum(union, 1)
    if own.size < size:  # both samples complete: the exact Jaccard of the two sets
        complete = lengths < size
        estimate[complete] = common[complete] / (own.size + lengths[complete] - common[complete])
    return estimate
