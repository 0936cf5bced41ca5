"""``newsarchive sites``: the site files, their fixtures and drafted new ones.

``sites [--check]`` lists (and validates) the site files; ``sites test [NAME ...]``
re-extracts each site's fixtures and prints what changed, field by field (exit 1 on any
difference: for cron, beside the crawl); ``sites snapshot NAME URL`` saves a page as a new
fixture; ``sites new NAME URL`` drafts a site file from a handful of the site's pages. A
thin mirror of ``crawler/fixtures.py`` and ``crawler/draft.py``; cli.py registers it.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

import click

from .cli import EXIT_CONFIG, EXIT_SITE_FAILED, CommandError, _exit_on_error, config_option
from .config import AUTO, SiteConfig, load_sites, select_sites
from .crawler.draft import draft_site
from .crawler.fixtures import check_site, load_fixtures, snapshot
from .crawler.run import fetch_settings
from .errors import ConfigError

__all__ = ["sites"]


def _settings(config_dir: Path):
    return fetch_settings(config_dir if config_dir.exists() else None)


def _config(value: Path | None) -> Path:
    """A subcommand's --config, else the one given to ``sites`` (``sites --config X test``)."""
    return value or click.get_current_context().parent.params["config_dir"]


_sub_config = click.option("--config", "config_dir", default=None,
                           type=click.Path(path_type=Path, file_okay=False),
                           help="Directory holding sites/*.toml (default: ./config).")


def _detected(site: SiteConfig) -> str | None:
    """For an ``auto`` site with fixtures: the presets its fixtures were read with."""
    if site.extends != AUTO:
        return None
    try:
        presets = Counter(f.expected.get("adapter", {}).get("preset", "?")
                          for f in load_fixtures(site))
    except ConfigError as exc:
        return f"fixtures unreadable: {exc}"
    if not presets:
        return "detected on each page (no fixtures yet: `newsarchive sites snapshot`)"
    return "detected " + ", ".join(f"{p} on {n} of {sum(presets.values())} fixtures"
                                   for p, n in presets.most_common())


@click.group("sites", invoke_without_command=True)
@config_option
@click.option("--check", is_flag=True, help="Validate every site file; exit 3 on any error.")
@click.pass_context
def sites(ctx: click.Context, config_dir: Path, check: bool) -> None:
    """List the configured sites (test, snapshot and new: see their --help)."""
    if ctx.invoked_subcommand is not None:
        return
    with _exit_on_error():
        good, errors = load_sites(config_dir)
    for site in good:
        click.echo(f"{site.name}\t{site.extends}\t{' '.join(site.start_urls)}\t{site.path}")
        if check and (detected := _detected(site)):
            click.echo(f"    {site.name}: {detected}")
        if check and site.layouts:
            click.echo(f"    {site.name}: layouts since "
                       + ", ".join(sorted(lay["since"] for lay in site.layouts)))
    for error in errors:
        for line in str(error).splitlines():
            click.echo(f"error: {line}", err=True)
    if check:
        click.echo(f"{len(good)} site file(s) valid, {len(errors)} invalid", err=True)
        if errors:
            sys.exit(EXIT_CONFIG)


@sites.command("test")
@click.argument("names", nargs=-1)
@_sub_config
@click.option("-q", "--quiet", is_flag=True, help="Print only the differences (for cron).")
@click.option("--update", is_flag=True,
              help="Pin the current extraction in the fixtures that differ (after review).")
def sites_test(names: tuple[str, ...], config_dir: Path | None, quiet: bool,
               update: bool) -> None:
    """Re-extract the sites' fixtures and show what changed (exit 1 if anything did)."""
    config_dir = _config(config_dir)
    with _exit_on_error():
        chosen, errors = select_sites(config_dir, list(names) or None, refuse_invalid=True)
        results = {site.name: check_site(site, update) for site in chosen}
    for error in errors:
        click.echo(f"error: site file refused: {error}", err=True)
    failed = 0
    for name, checked in results.items():
        bad = [r for r in checked if not r.ok]
        failed += len(bad)
        if not quiet or bad:
            note = "" if checked else " (none: `newsarchive sites snapshot NAME URL` adds one)"
            click.echo(f"{name}: {len(checked) - len(bad)} of {len(checked)} fixtures "
                       f"extract as saved{note}")
        for result in bad:
            click.echo(f"  {result.fixture.name} ({result.fixture.url})")
            if result.error:
                click.echo(f"    error: {result.error}")
            for field, change in result.diffs:
                click.echo(f"    {field}: {change}")
    if errors:
        sys.exit(EXIT_CONFIG)
    if failed and update:
        click.echo(f"updated {failed} fixture(s) to the current extraction")
    elif failed:
        sys.exit(EXIT_SITE_FAILED)


@sites.command("snapshot")
@click.argument("name")
@click.argument("url")
@_sub_config
def sites_snapshot(name: str, url: str, config_dir: Path | None) -> None:
    """Fetch URL politely and save it, with its current extraction, as a fixture of NAME."""
    config_dir = _config(config_dir)
    with _exit_on_error():
        (site,), _ = select_sites(config_dir, [name], refuse_invalid=True)
        path, article = asyncio.run(snapshot(site, url, _settings(config_dir)))
    click.echo(f"saved {path.with_suffix('.html.gz')} and {path.name}: "
               f"{article.title!r}, {len(article.text.split())} words, {len(article.links)} "
               f"links, read by {article.adapter.get('preset')}")
    for warning in article.warnings:
        click.echo(f"  warning: {warning}")


@sites.command("new")
@click.argument("name")
@click.argument("url")
@_sub_config
@click.option("--pages", type=click.IntRange(1, 20), default=5, show_default=True,
              help="Article pages to fetch and learn from.")
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Seconds between requests (robots.txt Crawl-delay raises it).")
@click.option("--force", is_flag=True, help="Replace an existing site file of that name.")
def sites_new(name: str, url: str, config_dir: Path | None, pages: int, delay: float,
              force: bool) -> None:
    """Draft config/sites/NAME.toml from a handful of the site's pages reached from URL."""
    config_dir = _config(config_dir)
    if not url.startswith(("http://", "https://")):
        raise CommandError(f"{url} is not an http(s) URL")
    click.echo(f"fetching up to {pages} article pages from {url} ...", err=True)
    with _exit_on_error():
        draft = asyncio.run(draft_site(name, url, config_dir, pages=pages, delay=delay,
                                       settings=_settings(config_dir), overwrite=force,
                                       log=lambda line: click.echo(line, err=True)))
    click.echo(f"wrote {draft.path}: extends {draft.preset!r} ({draft.evidence})")
    for key, (css, why) in draft.selectors.items():
        click.echo(f"  {key} = {css!r}: {why.split(': ', 1)[-1]}")
    for key, why in draft.inherited.items():
        click.echo(f"  {key}: {why}")
    for spec, why in draft.widgets:
        click.echo(f"  widget {spec['kind']} {spec['heading']!r}: {why}")
    click.echo(f"saved {len(draft.fixtures)} fixtures in {draft.fixtures[0].parent}; check "
               f"with `newsarchive sites test {name}`")
