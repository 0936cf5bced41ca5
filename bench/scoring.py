"""The two dev sets and their metrics, exactly as /work/shared/bench/README.md defines them.

- ``scrapinghub/``: 181 pages, human-checked body text, scored by 4-token shingles (mean
  precision and recall over documents, F1 of the means).
- ``trafilatura-eval/``: 884 pages, ``with``/``without`` snippets per page (trafilatura's own
  metric: tp, fp and fn summed over all pages), plus title, author and date where annotated.

Kept apart from the runner so that the accuracy-floor test scores with the same code as the
benchmark. Pages are split by site (``site_half``) so that a rule tuned while looking at one
half of the sites can be scored on the other half. Standard library only, plus the
project's own decoder for the eval set's raw bytes.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "SETS", "Page", "Score", "bench_dir", "load_pages", "load_set", "metadata_hits", "score",
    "score_set", "shingle_match", "site_half", "snippet_counts",
]

ENV_VAR = "NEWSARCHIVE_BENCH_DATA"
SETS = ("scrapinghub", "trafilatura-eval")
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4
# Second-level labels under which a country's registrations sit ("bbc.co.uk", "abc.net.au"):
# pages of "news.bbc.co.uk" and "www.bbc.co.uk" are one site for the split.
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "ne", "or", "gv", "edu"})


@dataclass(frozen=True)
class Page:
    """One benchmark document. The HTML stays gzipped until asked for, so that a run holds
    one decoded page at a time and peak memory measures the extractor, not the data set."""

    set: str
    id: str
    path: Path  # the gzipped page
    url: str
    truth: str = ""  # scrapinghub: the article body
    with_: tuple[str, ...] = ()  # trafilatura-eval: snippets of the body ...
    without: tuple[str, ...] = ()  # ... and of boilerplate
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""

    encoding: str | None = "utf-8"  # None: raw bytes, decoded as the crawler decodes them

    @property
    def html(self) -> str:
        """The page as the ``str`` every extractor is given (read from disk each time)."""
        raw = gzip.decompress(self.path.read_bytes())
        if self.encoding:
            return raw.decode(self.encoding)
        from scraper.fetch.decode import decode_body

        return decode_body(raw, None)[0]

    @property
    def site(self) -> str:
        return site_of(self.url)

    @property
    def half(self) -> str:
        return site_half(self.url)


@dataclass(frozen=True)
class Score:
    """Precision, recall, F1 and the bootstrap 95 % interval of F1."""

    precision: float
    recall: float
    f1: float
    low: float
    high: float
    pages: int = 0
    empty: int = field(default=0)  # pages with no text at all (a crash counts as empty)


def bench_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The benchmark data: ``override``, else $NEWSARCHIVE_BENCH_DATA, else ../shared/bench."""
    chosen = override or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    return Path(__file__).resolve().parents[2] / "shared" / "bench"


def site_of(url: str) -> str:
    """The registered domain of ``url``, roughly: its last two labels, three under "co.uk"."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def site_half(url: str) -> str:
    """"A" (the sites rules may be tuned on) or "B" (held out), fixed by a hash of the site."""
    # Imported here: bench/extraction.py's children import this module, and OpenSSL (~3.5 MiB)
    # would count in the peak RSS of an extractor that never hashes.
    import hashlib

    return "AB"[hashlib.sha1(site_of(url).encode()).digest()[0] & 1]


def load_pages(root: Path) -> list[Page]:
    """The scrapinghub pages under ``root`` (the bench dir or its scrapinghub/ folder)."""
    if (root / "scrapinghub").is_dir():
        root = root / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id in sorted(truth):
        item = truth[doc_id]
        path = root / "html" / f"{doc_id}.html.gz"
        pages.append(Page("scrapinghub", doc_id, path, item.get("url", ""), item["articleBody"]))
    return pages


def _eval_pages(root: Path) -> list[Page]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        path = root / "html" / f"{item['file']}.gz"
        author = item.get("author") or ""
        names = author if isinstance(author, list) else re.split(r"\s*;\s*", author)
        pages.append(Page(
            "trafilatura-eval", item["file"], path, url, encoding=None,
            with_=tuple(item.get("with") or ()), without=tuple(item.get("without") or ()),
            title=item.get("title") or "", authors=tuple(n.strip() for n in names if n.strip()),
            date=item.get("date") or ""))
    return pages


def load_set(root: Path, name: str) -> list[Page]:
    """The pages of one dev set (``SETS``) under the bench dir ``root``; [] when absent."""
    if name == "scrapinghub":
        found = (root / "scrapinghub" / "ground-truth.json").is_file()
        return load_pages(root) if found else []
    folder = root / name
    return _eval_pages(folder) if (folder / "evaldata.json").is_file() else []


# -- body metrics -----------------------------------------------------------------------------

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


def snippet_counts(page: Page, prediction: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one eval page: ``with`` snippets found, ``without`` found, ``with``
    missing, whitespace folded on both sides."""
    text = " ".join(prediction.split())
    found = [" ".join(s.split()) in text for s in page.with_]
    fp = sum(" ".join(s.split()) in text for s in page.without)
    return sum(found), fp, len(found) - sum(found)


def _shingle_prf(items: Sequence[tuple[float | None, float]]) -> tuple[float, float, float]:
    precisions = [p for p, _ in items if p is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(r for _, r in items) / len(items) if items else 0.0
    return precision, recall, _f1(precision, recall)


def _snippet_prf(items: Sequence[tuple[int, int, int]]) -> tuple[float, float, float]:
    tp, fp, fn = (sum(column) for column in zip(*items, strict=True)) if items else (0, 0, 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, _f1(precision, recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scored(items: list, prf, empty: int, rounds: int, seed: int) -> Score:
    precision, recall, f1 = prf(items)
    rng = random.Random(seed)
    samples = sorted(prf(rng.choices(items, k=len(items)))[2] for _ in range(rounds)) \
        if items and rounds else [f1]
    low = samples[int(0.025 * (len(samples) - 1))]
    high = samples[int(0.975 * (len(samples) - 1))]
    return Score(precision, recall, f1, low, high, len(items), empty)


def score(truths: Sequence[str], predictions: Sequence[str], rounds: int = 1000,
          seed: int = 0) -> Score:
    """Shingle P, R, F1 over the documents and F1's bootstrap interval (resampled documents)."""
    items = [shingle_match(t, p) for t, p in zip(truths, predictions, strict=True)]
    return _scored(items, _shingle_prf, sum(not p.strip() for p in predictions), rounds, seed)


def score_set(pages: Sequence[Page], predictions: Sequence[str], rounds: int = 1000,
              seed: int = 0) -> Score:
    """The set's own metric (shingles for scrapinghub, snippets for the eval set)."""
    if pages and pages[0].set == "scrapinghub":
        return score([p.truth for p in pages], predictions, rounds, seed)
    items = [snippet_counts(p, t) for p, t in zip(pages, predictions, strict=True)]
    return _scored(items, _snippet_prf, sum(not p.strip() for p in predictions), rounds, seed)


# -- metadata ---------------------------------------------------------------------------------

def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


_NAME_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b|\by\b)\s*", re.I)
_NAME_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.I)


def _names(values: Sequence[str]) -> set[str]:
    """Author names split the same way on both sides (annotators write "A and B" or
    "A, B" where extractors give two names), "By"/"Von" dropped."""
    names = set()
    for value in values:
        for part in _NAME_SEPARATORS.split(value):
            part = _NAME_PREFIX.sub("", part.strip(" .:-|"))
            if part:
                names.add(_fold(part))
    return names


def metadata_hits(page: Page, title: str | None, authors: Sequence[str],
                  date: str | None) -> dict[str, bool | None]:
    """Per field: True (right), False (wrong or missing), None (the page has no annotation).

    Title: equal after folding whitespace and case. Authors: the same set of names, both
    sides split at the same separators (``_names``). Date: the same calendar day (the
    first ten characters of an ISO value).
    """
    hits: dict[str, bool | None] = {"title": None, "author": None, "date": None}
    if page.title:
        hits["title"] = _fold(title or "") == _fold(page.title)
    if page.authors:
        hits["author"] = _names(authors) == _names(page.authors)
    if page.date:
        hits["date"] = (date or "")[:10] == page.date[:10]
    return hits
