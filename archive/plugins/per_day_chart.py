"""A stacked bar chart of articles per day per site, as inline SVG built from query rows.

People read a crawl's rhythm (a site that went quiet, a busy news day) faster from bars than
from a table. The chart is drawn on the server from the canned query's own rows, so it needs
no JavaScript library and no network; every label is escaped.

The query's window (``days`` up to ``until``, for the chosen ``site``s) is a parameter, and
the caption says what the chart shows and which sites have articles outside it, with a
link to each of them: a site whose articles are older never vanishes silently.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b",
           "#9d755d", "#bab0ac", "#ff9da6"]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 760, 260, 40, 40, 10
LABEL_WIDTH = 70  # a YYYY-MM-DD tick label at font-size 11, with a little room


CHART_TEMPLATE = "query-news-articles_per_day.html"
DEFAULT_DAYS = 90  # as the canned query's SQL says


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["per_day_chart"] = per_day_chart
    env.filters["per_day_caption"] = per_day_caption


@hookimpl
def extra_template_vars(template: str, database: str, datasette: Any) -> Any:
    if template != CHART_TEMPLATE:
        return None

    async def inner() -> dict[str, Any]:
        result = await datasette.get_database(database).execute(
            "select site, count(*) as articles, min(date(published)) as oldest, "
            "max(date(published)) as newest from articles where published is not null "
            "group by site order by site")
        return {"per_day_sites": [dict(row) for row in result.rows]}

    return inner


def per_day_caption(rows: list[Any], params: dict[str, str] | None,
                    sites: list[dict[str, Any]], query_url: str) -> Markup:
    """What the chart shows (days, sites, window) and the sites with articles outside it."""
    params = params or {}
    chosen = [s for s in (params.get("site") or "").replace(" ", "").split(",") if s]
    shown = Counter()
    days = []
    for row in rows:
        shown[str(row["site"])] += int(row["articles"] or 0)
        days.append(str(row["day"]))
    window = escape(params.get("days") or DEFAULT_DAYS)
    until = (f"up to {escape(params['until'])}" if params.get("until")
             else "up to the newest article of " + ("these sites" if chosen else "any site"))
    parts = [f"Articles published per day, stacked by site: {sum(shown.values())} articles of "
             f"{escape(', '.join(chosen) or 'every site')}"]
    if days:
        parts.append(f", {escape(min(days))} to {escape(max(days))}")
    parts.append(f" (the {window} days {until}).")
    missing = []
    for site in sites:
        name, total = str(site["site"]), int(site["articles"] or 0)
        if (chosen and name not in chosen) or shown[name] >= total:
            continue
        link = f"{query_url}?{urlencode({'site': name, 'days': params.get('days') or ''})}"
        missing.append(f'<a href="{escape(link)}">{escape(name)}</a>: '
                       f"{total - shown[name]} of {total} articles "
                       f"({escape(site['oldest'])} to {escape(site['newest'])})")
    if missing:
        parts.append(" Outside this window: " + "; ".join(missing)
                     + ". Choose a site or widen the window (days, until) to see them.")
    return Markup("".join(parts))


def per_day_chart(rows: list[Any]) -> Markup:
    """SVG of ``rows`` having ``day``, ``site`` and ``articles``; empty days stay visible."""
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        try:
            day = date.fromisoformat(str(row["day"]))
        except (ValueError, TypeError):
            continue
        counts[day][str(row["site"])] = int(row["articles"] or 0)
    if not counts:
        return Markup('<p class="chart-empty">No dated articles to chart.</p>')
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    sites = sorted({site for per_site in counts.values() for site in per_site})
    colour = {site: PALETTE[i % len(PALETTE)] for i, site in enumerate(sites)}
    peak = max(sum(per_site.values()) for per_site in counts.values())
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / len(days)
    bar_w = max(step * 0.8, 1.0)
    parts = [f'<svg class="per-day-chart" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {WIDTH} {HEIGHT + 20 * ((len(sites) + 3) // 4)}" '
             f'role="img" aria-label="Articles per day per site">',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" '
             'stroke="#333"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>']
    for i, day in enumerate(days):
        x = LEFT + i * step + (step - bar_w) / 2
        y = TOP + plot_h
        for site in sites:
            n = counts.get(day, {}).get(site, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{colour[site]}"><title>{day.isoformat()} '
                         f'{escape(site)}: {n}</title></rect>')
    every = max(len(days) // 6, 1)
    ticks = list(range(0, len(days), every))
    # The newest day too, unless its label would overlap the last one (~70 px wide at 11 px).
    if (len(days) - 1 - ticks[-1]) * step >= LABEL_WIDTH:
        ticks.append(len(days) - 1)
    for i in ticks:
        x = LEFT + i * step + step / 2
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                     f'font-size="11">{days[i].isoformat()}</text>')
    for i, site in enumerate(sites):
        x, y = LEFT + (i % 4) * 180, HEIGHT + 20 * (i // 4)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                     f'fill="{colour[site]}"/><text x="{x + 18}" y="{y}" font-size="12">'
                     f'{escape(site)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
