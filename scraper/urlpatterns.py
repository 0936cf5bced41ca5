"""Site-file URL patterns (``allow``, ``deny``, ``article_urls``): refused when a site file
is read if they can backtrack catastrophically, and matched with a time bound. Kept apart
from URL identity (``scraper.urls``), as courlan keeps its filters apart from its
normalisation.
"""

from __future__ import annotations

from re import _parser as re_parser  # the stdlib's own pattern parser: see nested_repeat
from typing import Any

import regex

__all__ = ["PATTERN_SECONDS", "SLOW_PATTERN_SECONDS", "UrlPatterns", "nested_repeat"]

# URL patterns (allow, deny, article_urls) run on every link of every page a site serves,
# so one that backtracks catastrophically lets a page stall the crawl: under `re`,
# `(a+)+$` took 35 s on one 26-character link, doubling per character. A repeated group
# that itself repeats is refused when the site file is read; every match also runs under
# the `regex` package's time bound, a URL whose match exceeds it counting as matched by a
# deny pattern and unmatched by the others. Real URL patterns match in microseconds, so a
# pattern that exceeded the bound once gets a far shorter one for the rest of the run:
# a page of a thousand such links then costs seconds, not minutes.
PATTERN_SECONDS = 0.1
SLOW_PATTERN_SECONDS = 0.005
# What would mean something else once patterns are joined into one alternation: inline
# flags (they apply to the whole expression), backreferences and named groups (numbers and
# names shift or clash). Patterns holding one are matched one by one.
_SOLO = regex.compile(r"\(\?[aiLmsux-]+\)|\\[1-9]|\\g<|\(\?P[<=]|\(\?<[A-Za-z_]")


def _joined(patterns: list[str]) -> list[regex.Pattern]:
    """The patterns as one alternation (one timed search: a time bound costs ~3 us a call,
    more than most URL patterns take to match), or one each when joining would change them."""
    if len(patterns) > 1 and not any(_SOLO.search(p) for p in patterns):
        return [regex.compile("|".join(f"(?:{p})" for p in patterns))]
    return [regex.compile(p) for p in patterns]


class UrlPatterns:
    """The patterns of one site key, matched with a time bound."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = list(patterns)
        self.slow: list[str] = []  # patterns that exceeded PATTERN_SECONDS on some URL
        self._fast = _joined(self.patterns)
        self._slow: list[regex.Pattern] = []

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def search(self, url: str, *, on_timeout: bool) -> bool:
        """Whether a pattern matches ``url``; one that runs out of time counts as
        ``on_timeout``."""
        try:
            if any(p.search(url, timeout=PATTERN_SECONDS) for p in self._fast):
                return True
        except TimeoutError:
            self._isolate(url)
            return self.search(url, on_timeout=on_timeout)
        for pattern in self._slow:
            try:
                if pattern.search(url, timeout=SLOW_PATTERN_SECONDS):
                    return True
            except TimeoutError:
                if on_timeout:
                    return True
        return False

    def _isolate(self, url: str) -> None:
        """Find the pattern(s) too slow on ``url`` and match them apart, on a short bound."""
        fast = [p for p in self.patterns if p not in self.slow]
        slow = []
        for pattern in fast:
            try:
                regex.compile(pattern).search(url, timeout=PATTERN_SECONDS)
            except TimeoutError:
                slow.append(pattern)
        slow = slow or fast  # slow only together: all of them get the short bound
        self.slow += slow
        self._fast = _joined([p for p in fast if p not in slow])
        self._slow += [regex.compile(p) for p in slow]


def nested_repeat(pattern: str) -> str | None:
    """The first repeated group of ``pattern`` that itself holds a repeat (``(a+)+``,
    ``(\\w*\\s?)*``), the shape behind catastrophic backtracking; None when there is none.

    Read from the tree ``re`` itself parses the pattern into (re._parser: private, but the
    one exact reading of the syntax), so escapes, classes and flags need no second parser."""
    repeats = (re_parser.MAX_REPEAT, re_parser.MIN_REPEAT)

    def has_repeat(items: Any) -> bool:
        for op, arg in items:
            if op in repeats and arg[1] > 1:
                return True
            if op is re_parser.SUBPATTERN and has_repeat(arg[3]):
                return True
            if op is re_parser.BRANCH and any(has_repeat(b) for b in arg[1]):
                return True
            if op in (re_parser.ASSERT, re_parser.ASSERT_NOT) and has_repeat(arg[1]):
                return True
        return False

    def walk(items: Any) -> bool:
        for op, arg in items:
            if op in repeats and arg[1] > 1 and has_repeat(arg[2]):
                return True
            children = ([arg[2]] if op in repeats else [arg[3]] if op is re_parser.SUBPATTERN
                        else arg[1] if op is re_parser.BRANCH
                        else [arg[1]] if op in (re_parser.ASSERT, re_parser.ASSERT_NOT)
                        else [])
            if any(walk(child) for child in children):
                return True
        return False

    return pattern if walk(re_parser.parse(pattern)) else None
