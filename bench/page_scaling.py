"""Benchmark: does extract() stay linear in what a page repeats?

    python bench/page_scaling.py [--size N] [--only SHAPE ...]

A site decides how many headings, links, scripts or nested boxes its page holds; a loop
over one of them inside a loop over another makes a big page cost seconds (round 19 found
three: a widget per heading scanning all the block's links, the widget list recounted per
widget, the scripts cut out of the page's text from its start each time). For each page
shape below, generated on the spot, the CPU time of one extract() at ``N`` repetitions
and at ``4 N`` is printed with their ratio: about 4 is linear, 16 quadratic. The anchor is
the same shape's smaller page, measured in the same run; a ratio over ``_QUADRATIC`` is
flagged. Lexbor's own parse of deeply nested markup grows faster than linearly and is
reported apart (the "parse" column), since no code here can change it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from scraper import extract  # noqa: E402

_URL = "https://news.example/2021/01/01/a-story-about-things/"
_PROSE = ("The council voted on Tuesday to expand the city's bus network, a decision "
          "officials said would shorten commutes. ")
_QUADRATIC = 8.0  # ratio at 4x the size: linear is 4, quadratic 16


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body><h1>T</h1>{body}</body></html>"


def _link(i: int, j: int = 0) -> str:
    return f"<a href='/2020/01/01/story-{i}-{j}-x/'>A story title number {i} {j}</a>"


SHAPES: dict[str, Callable[[int], str]] = {
    "widget headings over links": lambda n: _page(
        "<div>" + "".join(f"<h3>Related {i}</h3><ul><li>{_link(i)}</li></ul>" for i in range(n))
        + f"</div><article><p>{_PROSE}</p></article>"),
    "body chunks with headings": lambda n: _page("<article>" + "".join(
        f'<div class="post-content"><h2>Part {i}</h2><p>{_PROSE}</p><p>{_link(i)}</p></div>'
        for i in range(n)) + "</article>"),
    "stories with an h1 each": lambda n: _page("<article><h1>Main</h1>" + "".join(
        f"<article><h1>S{i}</h1><p>{_PROSE}</p></article>" for i in range(n)) + "</article>"),
    "noscript elements": lambda n: _page(
        "<div>" + "".join(f"<noscript><p>{_PROSE}</p></noscript>" for _ in range(n)) + "</div>"),
    "json-ld scripts": lambda n: _page(f"<p>{_PROSE}</p>", "".join(
        '<script type="application/ld+json">' + json.dumps(
            {"@type": "NewsArticle", "headline": f"h{i}", "author": [{"name": f"A {i}"}]})
        + "</script>" for i in range(n))),
    "time stamps": lambda n: _page("<article>" + "".join(
        f"<p>{_PROSE}<time datetime='2021-01-{i % 28 + 1:02d}'>x</time></p>"
        for i in range(n)) + "</article>"),
    "table rows with links": lambda n: _page("<table>" + "".join(
        f"<tr><td>{_PROSE}</td><td>{_link(i)}</td></tr>" for i in range(n)) + "</table>"),
    "link lists in the body": lambda n: _page("<article>" + "".join(
        "<div><ul>" + "".join(f"<li>{_link(i, j)}</li>" for j in range(5)) +
        f"</ul><p>{_PROSE}</p></div>" for i in range(n // 5)) + "</article>"),
    "hidden pages and twins": lambda n: _page("<article>" + "".join(
        f"<div class='page hidden' hidden><p>{_PROSE}</p></div><div class='page'>"
        f"<p>{_PROSE}</p></div>" for _ in range(n)) + "</article>"),
    "bylines": lambda n: _page("<article>" + "".join(
        f"<p class='byline'>By Jane Doe{i}</p><p>{_PROSE}</p>" for i in range(n)) + "</article>"),
    "nested marked boxes": lambda n: _page("".join(
        f'<div class="c{i} entry-content"><p>{_PROSE}</p>' for i in range(n)) + "</div>" * n),
}


def _cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="repetitions of the smaller page")
    parser.add_argument("--only", nargs="+", choices=sorted(SHAPES), help="run only these")
    args = parser.parse_args(argv)
    print(f"extract() CPU seconds at {args.size} and {4 * args.size} repetitions "
          f"(ratio 4: linear, 16: quadratic)")
    print(f"{'shape':30} {'small':>8} {'4x':>8} {'ratio':>6} {'parse 4x':>9}")
    flagged = 0
    for name in args.only or SHAPES:
        small, large = SHAPES[name](args.size), SHAPES[name](4 * args.size)
        extract(small, _URL)  # warm-up: imports and caches
        times = [_cpu(lambda html=html: extract(html, _URL)) for html in (small, large)]
        parse = _cpu(lambda html=large: LexborHTMLParser(html))
        ratio = times[1] / max(times[0], 1e-6)
        flag = "  <- superlinear" if ratio > _QUADRATIC else ""
        flagged += bool(flag)
        print(f"{name:30} {times[0]:8.3f} {times[1]:8.3f} {ratio:6.1f} {parse:9.3f}{flag}")
    print(f"{flagged} of {len(args.only or SHAPES)} shapes superlinear")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
