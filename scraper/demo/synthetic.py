"""Synthetic Harbourton Herald data of any size, for tests and benchmarks of whole crawls.

The bundled ``articles.json`` has 14 hand-written stories; nightly-crawl tests and benchmarks
need hundreds, plus the means to publish new ones and edit old ones between two crawls.
Texts are assembled from a fixed vocabulary with a seeded generator, so a given call always
yields the same site.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from typing import Any

from .site import load_demo_data

__all__ = ["synthetic_data", "add_articles", "edit_articles"]

_SUBJECTS = ["The council", "Harbour officials", "The ferry operator", "Local traders",
             "The library trust", "Residents of Millbrook", "The football club", "Planners",
             "The university", "Transport chiefs", "The museum", "Campaigners"]
_VERBS = ["announced", "postponed", "defended", "questioned", "approved", "rejected",
          "unveiled", "reviewed", "criticised", "welcomed"]
_OBJECTS = ["a plan for the riverside", "the new parking charges", "the budget for next year",
            "a proposal to extend the tram line", "repairs to the quay wall",
            "the night-time levy", "a bid for festival funding", "plans for affordable homes",
            "the school catchment changes", "a review of bus routes"]
_TAILS = ["after a long meeting on Tuesday.", "despite objections from opposition members.",
          "following months of consultation.", "in a statement released on Friday.",
          "as the city prepares for a busy summer.", "amid questions about the cost."]
_TOPICS = ["Budget", "Ferry", "Housing", "Library", "Tram", "Festival", "Harbour", "Stadium"]


def _sentence(rng: random.Random) -> str:
    return " ".join([rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS),
                     rng.choice(_TAILS)])


def _article(number: int, published: datetime, rng: random.Random,
             data: dict[str, Any]) -> dict[str, Any]:
    topic = rng.choice(_TOPICS)
    words = " ".join(rng.sample(["row", "vote", "delay", "plan", "deal", "review", "bid",
                                 "probe", "boost", "cuts"], 2))
    title = f"{topic} {words} number {number} divides the city"
    paragraphs: list[Any] = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(5)]
    paragraphs.insert(3, {"h3": f"What the {topic.lower()} {words.split()[0]} means"})
    stamp = published.isoformat()
    return {
        "slug": f"{topic.lower()}-{words.replace(' ', '-')}-number-{number}",
        "title": title,
        "section": data["sections"][number % len(data["sections"])]["slug"],
        "author": data["authors"][number % len(data["authors"])]["slug"],
        "published": stamp, "modified": stamp,
        "tags": [topic, words.split()[0].title()],
        "description": paragraphs[0][:150],
        "paragraphs": paragraphs,
    }


_FIRST_DATE = datetime.fromisoformat("2025-06-01T08:00:00+00:00")


def synthetic_data(count: int, seed: int = 1, start: datetime = _FIRST_DATE) -> dict[str, Any]:
    """A site of ``count`` articles, one every three hours from ``start``."""
    data = copy.deepcopy(load_demo_data())
    rng = random.Random(seed)
    data["articles"] = [_article(n, start + timedelta(hours=3 * n), rng, data)
                        for n in range(1, count + 1)]
    data["must_read"] = [a["slug"] for a in data["articles"][:2]]
    data["posts_per_page"] = 20
    data["feed_items"] = 10
    data["seed"] = seed
    return data


def add_articles(data: dict[str, Any], count: int) -> list[str]:
    """Publish ``count`` new articles after the newest one; returns their slugs."""
    rng = random.Random(data.get("seed", 1) * 7919 + len(data["articles"]))
    newest = max(datetime.fromisoformat(a["published"]) for a in data["articles"])
    first = len(data["articles"]) + 1
    new = [_article(n, newest + timedelta(hours=3 * (n - first + 1)), rng, data)
           for n in range(first, first + count)]
    data["articles"].extend(new)
    return [a["slug"] for a in new]


def edit_articles(data: dict[str, Any], slugs: list[str], when: datetime) -> None:
    """Correct one paragraph of each article and bump its modified date (and sitemap lastmod)."""
    for article in data["articles"]:
        if article["slug"] in slugs:
            article["paragraphs"][0] = "Correction: " + article["paragraphs"][0]
            article["modified"] = when.isoformat()
