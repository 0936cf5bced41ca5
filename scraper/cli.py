"""The ``newsarchive`` command: a thin click mirror of the library API.

Exit codes (documented for cron jobs in the README):
0 every site crawled fine; 1 a site failed (all fetches failing, or its selectors matching
nothing on most pages); 3 a configuration error (a bad site file is refused, the other
sites still run); 5 the archive cannot be opened or written.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import click

from .config import load_site, load_sites
from .crawl import crawl as run_crawl
from .crawl import fetch_settings
from .errors import ArchiveError, ConfigError, SiteConfigError
from .extract import extract
from .fetch import Fetcher

EXIT_OK, EXIT_SITE_FAILED, EXIT_CONFIG, EXIT_ARCHIVE = 0, 1, 3, 5
DEFAULT_DB = Path("archive/news.db")
DEFAULT_CONFIG = Path("config")
ARCHIVE_TEMPLATE = Path(__file__).resolve().parents[1] / "archive"


@click.group()
@click.version_option(package_name="newsarchive")
def main() -> None:
    """Crawl configured news sites into one SQLite archive and browse it with Datasette."""


@main.command()
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB,
              show_default=True, help="The archive database.")
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CONFIG, show_default=True, help="Directory holding sites/*.toml.")
@click.option("--max-pages", type=int, default=None, help="At most this many fetches per site.")
@click.option("-v", "--verbose", is_flag=True, help="Print one line per fetched URL.")
def crawl(site_names: tuple[str, ...], db_path: Path, config_dir: Path, max_pages: int | None,
          verbose: bool) -> None:
    """Crawl the configured sites into the archive."""
    log = (lambda line: click.echo(line, err=True)) if verbose else (lambda _: None)
    try:
        report = run_crawl(config_dir, db_path, list(site_names) or None, max_pages, log)
    except ArchiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ARCHIVE)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    for error in report.config_errors:
        click.echo(f"error: site file refused: {error}", err=True)
    for name, site in report.sites.items():
        outcomes = ", ".join(f"{k}={v}" for k, v in sorted(site.outcomes.items()))
        flag = "  FAILED" if site.broken else ""
        click.echo(f"{name}: {site.fetched} fetched, {site.articles} articles ({outcomes}){flag}")
    counts = report.counts
    click.echo(f"crawl {report.crawl_id} {report.status}: {counts['articles_new']} new, "
               f"{counts['articles_updated']} updated, {counts['articles_unchanged']} unchanged "
               f"articles -> {db_path}")
    if report.config_errors:
        sys.exit(EXIT_CONFIG)
    if report.status != "ok":
        sys.exit(EXIT_SITE_FAILED)


@main.command("extract")
@click.argument("source")
@click.option("--site", "site_name", help="Use this configured site's adapter.")
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CONFIG, show_default=True)
def extract_command(source: str, site_name: str | None, config_dir: Path) -> None:
    """Print one page's extraction as JSON (SOURCE is a file path or an http(s) URL)."""
    site = None
    if site_name:
        path = config_dir / "sites" / f"{site_name}.toml"
        sites, _ = load_sites(config_dir)
        site = next((s for s in sites if s.name == site_name), None)
        if site is None:
            try:
                site = load_site(path)
            except SiteConfigError as exc:
                raise click.ClickException(str(exc)) from exc
    if source.startswith(("http://", "https://")):
        result = asyncio.run(_fetch_one(source, config_dir))
        if not result.ok:
            raise click.ClickException(f"{source}: {result.outcome} ({result.error})")
        article = extract(result.body, result.final_url, site, result.content_type)
    else:
        try:
            body = Path(source).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc}") from exc
        article = extract(body, None, site)
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


async def _fetch_one(url: str, config_dir: Path):
    async with Fetcher(fetch_settings(config_dir if config_dir.exists() else None)) as fetcher:
        return await fetcher.fetch(url)


@main.command()
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CONFIG, show_default=True)
@click.option("--check", is_flag=True, help="Validate every site file; exit 3 on any error.")
def sites(config_dir: Path, check: bool) -> None:
    """List the configured sites."""
    good, errors = load_sites(config_dir)
    for site in good:
        click.echo(f"{site.name}\t{site.extends}\t{' '.join(site.start_urls)}\t{site.path}")
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if check:
        click.echo(f"{len(good)} site file(s) valid, {len(errors)} invalid", err=True)
        if errors:
            sys.exit(EXIT_CONFIG)


def datasette_command(db_path: Path, port: int | None = None) -> list[str]:
    """The Datasette invocation for an archive: its directory if it is a configuration
    directory (metadata.yml beside the database), else the file alone."""
    command = [sys.executable, "-m", "datasette"]
    folder = db_path.parent
    if (folder / "metadata.yml").exists() and db_path.name == "news.db":
        command.append(str(folder))
    else:
        command.append(str(db_path))
    if port is not None:
        command += ["--port", str(port)]
    return command


@main.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_DB, show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db_path: Path, port: int) -> None:
    """Browse the archive with Datasette."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `newsarchive crawl` first")
    sys.exit(subprocess.call(datasette_command(db_path, port)))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("demo-archive"), show_default=True,
              help="Where the demo archive (a Datasette configuration directory) is written.")
@click.option("--serve", "then_serve", is_flag=True, help="Start Datasette on it afterwards.")
def demo(out_dir: Path, then_serve: bool) -> None:
    """Crawl the bundled demo site (served on 127.0.0.1) into a demo archive."""
    from .demorun import run_demo

    db_path = run_demo(out_dir, ARCHIVE_TEMPLATE, log=click.echo)
    click.echo(f"\nBrowse it:  datasette {out_dir}/   (or: newsarchive serve --db {db_path})")
    if then_serve:
        sys.exit(subprocess.call(datasette_command(db_path)))
