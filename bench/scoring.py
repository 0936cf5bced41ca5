"""The scrapinghub article-body metric, exactly as /work/shared/bench/README.md defines it.

Kept apart from the runner so that the accuracy-floor test scores with the same code as the
benchmark. Pure standard library: scoring needs none of the extractors installed.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Page", "Score", "bench_dir", "load_pages", "score", "shingle_match"]

ENV_VAR = "NEWSARCHIVE_BENCH_DATA"
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


@dataclass(frozen=True)
class Page:
    """One benchmark document: id, gzipped HTML, URL and the human-checked body text.

    The HTML stays compressed until asked for, so that a run holds one decoded page at a time
    and peak memory measures the extractor, not the data set.
    """

    id: str
    gz: bytes
    url: str
    truth: str

    @property
    def html(self) -> str:
        """The page as the UTF-8 ``str`` every extractor is given."""
        return gzip.decompress(self.gz).decode("utf-8")


@dataclass(frozen=True)
class Score:
    """Mean precision, mean recall, their F1 and the bootstrap standard deviation of F1."""

    precision: float
    recall: float
    f1: float
    f1_spread: float


def bench_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The benchmark data: ``override``, else $NEWSARCHIVE_BENCH_DATA, else ../shared/bench."""
    chosen = override or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    return Path(__file__).resolve().parents[2] / "shared" / "bench"


def load_pages(root: Path) -> list[Page]:
    """The scrapinghub pages under ``root`` (the bench dir or its scrapinghub/ folder)."""
    if (root / "scrapinghub").is_dir():
        root = root / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id in sorted(truth):
        item = truth[doc_id]
        gz = (root / "html" / f"{doc_id}.html.gz").read_bytes()
        pages.append(Page(doc_id, gz, item.get("url", ""), item["articleBody"]))
    return pages


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < _SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1))


def shingle_match(truth: str, prediction: str) -> tuple[float | None, float]:
    """(precision, recall) of one document; precision is None for an empty prediction."""
    expected, predicted = _shingles(truth), _shingles(prediction)
    tp = sum((expected & predicted).values())
    precision = tp / sum(predicted.values()) if predicted else None
    recall = tp / sum(expected.values()) if expected else 0.0
    return precision, recall


def _aggregate(pairs: Sequence[tuple[float | None, float]]) -> tuple[float, float, float]:
    precisions = [p for p, _ in pairs if p is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(r for _, r in pairs) / len(pairs) if pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(truths: Sequence[str], predictions: Sequence[str], rounds: int = 1000,
          seed: int = 0) -> Score:
    """P, R, F1 over the documents, and the F1 spread over ``rounds`` bootstrap resamples."""
    pairs = [shingle_match(t, p) for t, p in zip(truths, predictions, strict=True)]
    precision, recall, f1 = _aggregate(pairs)
    rng = random.Random(seed)
    samples = [_aggregate(rng.choices(pairs, k=len(pairs)))[2] for _ in range(rounds)]
    mean = sum(samples) / rounds
    spread = (sum((s - mean) ** 2 for s in samples) / rounds) ** 0.5
    return Score(precision, recall, f1, spread)
