"""The ``newsarchive`` command: a thin click mirror of the library API.

Exit codes (documented for cron jobs in the README):
0 every site crawled fine; 1 a site failed (robots.txt unreachable, all fetches failing, or
its selectors matching nothing on most pages); 3 a configuration error (a bad site file is
refused, the other sites still run); 4 another crawl is already running on the archive;
5 the archive cannot be opened or written; 6 the crawl was interrupted (SIGTERM/SIGINT).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .config import load_site, load_sites
from .crawl import crawl as run_crawl
from .crawl import fetch_settings
from .errors import ArchiveError, ConfigError, CrawlLockedError, SiteConfigError
from .export import FORMATS, ExportError, ExportFilters, export_articles
from .extract import extract
from .fetch import Fetcher
from .reparse import reparse as run_reparse
from .sitecrawl import OK_OUTCOMES
from .store import Archive

EXIT_OK, EXIT_SITE_FAILED, EXIT_CONFIG, EXIT_RUNNING, EXIT_ARCHIVE, EXIT_INTERRUPTED = (
    0, 1, 3, 4, 5, 6)
DEFAULT_DB = Path("archive/news.db")
DEFAULT_CONFIG = Path("config")
ARCHIVE_TEMPLATE = Path(__file__).resolve().parents[1] / "archive"


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """The package's errors as one line on stderr and the documented exit code."""
    try:
        yield
    except CrawlLockedError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_RUNNING)
    except ArchiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ARCHIVE)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)


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
@click.option("--max-pages", type=int, default=None, help="At most this many pages per site.")
@click.option("-v", "--verbose", is_flag=True, help="Log one line per fetched URL.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (for cron).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON object per line on stderr.")
def crawl(site_names: tuple[str, ...], db_path: Path, config_dir: Path, max_pages: int | None,
          verbose: bool, quiet: bool, log_format: str) -> None:
    """Crawl the configured sites into the archive."""
    log = _event_logger(verbose, quiet, log_format)
    try:
        with _exit_on_error():
            report = run_crawl(config_dir, db_path, list(site_names) or None, max_pages, log)
    finally:
        log({"event": "done"})
    for error in report.config_errors:
        click.echo(f"error: site file refused: {error}", err=True)
    if log_format == "json":
        click.echo(json.dumps({"event": "summary", "crawl": report.crawl_id,
                               "status": report.status, **report.counts,
                               "sites": {n: r.notes() for n, r in report.sites.items()}}))
    elif not quiet:
        for name, site in report.sites.items():
            click.echo(_site_line(name, site))
        counts = report.counts
        click.echo(f"crawl {report.crawl_id} {report.status}: {counts['articles_new']} new, "
                   f"{counts['articles_updated']} updated, {counts['articles_unchanged']} "
                   f"unchanged articles -> {db_path}")
    if quiet:  # what cron should mail: broken sites, and those failing too often
        for name, site in report.sites.items():
            if site.broken or site.degraded:
                click.echo(_site_line(name, site), err=True)
    if report.config_errors:
        sys.exit(EXIT_CONFIG)
    if report.status == "interrupted":
        sys.exit(EXIT_INTERRUPTED)
    if report.status != "ok":
        sys.exit(EXIT_SITE_FAILED)


def _site_line(name: str, site) -> str:
    """One line per site: fetched, articles, failures and skips by reason."""
    good = {k: v for k, v in site.outcomes.items() if k in OK_OUTCOMES}
    bad = {k: v for k, v in site.outcomes.items() if k not in good}
    parts = [f"{site.fetched} fetched", f"{site.articles} articles"]
    parts += [f"{k} {v}" for k, v in sorted(good.items())]
    parts.append("failed " + (", ".join(f"{k} {v}" for k, v in sorted(bad.items())) or "0"))
    if site.skipped:
        parts.append("skipped " + ", ".join(f"{k} {v}" for k, v in sorted(site.skipped.items())))
    flag = f"  FAILED (robots.txt {site.robots})" if site.robots == "unreachable" else (
        "  FAILED" if site.broken else
        f"  DEGRADED ({site.failed / site.fetched:.0%} of fetches failed)" if site.degraded
        else "")
    return f"{name}: " + "; ".join(parts) + flag


def _event_logger(verbose: bool, quiet: bool, log_format: str):
    """Crawl events to stderr: JSON lines, text lines (-v), or a progress line on a terminal."""
    stderr = sys.stderr
    progress = not quiet and not verbose and log_format == "text" and stderr.isatty()
    fetched = Counter()

    def log(event: dict) -> None:
        if event["event"] == "done":
            if progress and fetched:
                stderr.write("\n")
            return
        if log_format == "json":
            stderr.write(json.dumps(event) + "\n")
        elif verbose:
            stderr.write(f"{event['site']}: {event['outcome']:<18} {event['url']}\n")
        elif progress:
            fetched[event["site"]] += 1
            line = "  ".join(f"{site}: {n}" for site, n in sorted(fetched.items()))
            stderr.write(f"\rfetched  {line}")
            stderr.flush()

    return log


@main.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_DB, show_default=True)
@click.option("-n", "--limit", type=int, default=10, show_default=True, help="Runs to show.")
def runs(db_path: Path, limit: int) -> None:
    """Recent crawls and the health of each site in them."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `newsarchive crawl` first")
    with Archive(db_path) as archive:
        for crawl_row in archive.recent_crawls(limit):
            click.echo(f"crawl {crawl_row['id']} {crawl_row['status']:<11} "
                       f"{crawl_row['started']} -> {crawl_row['finished'] or '...'}  "
                       f"fetched {crawl_row['fetched']}, new {crawl_row['articles_new']}, "
                       f"updated {crawl_row['articles_updated']}, failed {crawl_row['failed']}")
            for name, notes in json.loads(crawl_row["notes"] or "{}").items():
                outcomes = ", ".join(f"{k} {v}" for k, v in sorted(notes["outcomes"].items()))
                flag = "  BROKEN" if notes.get("broken") else ""
                click.echo(f"    {name}: {outcomes or 'nothing fetched'}{flag}")


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
@click.option("--rebuild", is_flag=True, help="Recompute every cluster from the stored texts.")
def dedup(db_path: Path, rebuild: bool) -> None:
    """Duplicate clusters of the archive (kept up to date by every crawl)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `newsarchive crawl` first")
    with _exit_on_error(), Archive(db_path) as archive:
        archive.lock_for_crawl()
        if rebuild:
            archive.dedup.rebuild()
        clusters, in_clusters, sites = archive.db.execute(
            "select count(*), coalesce(sum(size), 0), coalesce(sum(sites > 1), 0) "
            "from clusters").fetchone()
        exact = archive.db.execute(
            "select count(*) from articles where duplicate_of is not null").fetchone()[0]
    click.echo(f"{clusters} clusters holding {in_clusters} articles ({sites} spanning several "
               f"sites); {exact} exact copies of an article on another site")


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


_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".parquet": "parquet", ".warc": "warc", ".gz": "warc"}


@main.command("export")
@click.option("-o", "--output", required=True,
              help="File to write (- for stdout with jsonl or csv); .warc.gz is gzipped.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the output's extension (.jsonl .csv .parquet .warc[.gz]).")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_DB, show_default=True)
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--section", "sections", multiple=True, help="Only this section (repeatable).")
@click.option("--language", "languages", multiple=True,
              help="Only this language; 'en' also matches 'en-US' (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
              help="From this day (YYYY-MM-DD, inclusive).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
              help="Up to this day (YYYY-MM-DD, inclusive).")
@click.option("--by", "date_field", type=click.Choice(["published", "first_seen"]),
              default="published", show_default=True, help="The date --from/--to filter on.")
@click.option("-q", "--query", help="Full-text query over title and text (FTS5 syntax).")
@click.option("--dedup", is_flag=True, help="One article per duplicate cluster.")
@click.option("--since-last-export", is_flag=True,
              help="Only articles new or changed since the last export of this --name.")
@click.option("--name", default="default", show_default=True,
              help="The export stream --since-last-export keeps its state under.")
def export_command(output: str, fmt: str | None, db_path: Path, sites: tuple[str, ...],
                   sections: tuple[str, ...], languages: tuple[str, ...], date_from, date_to,
                   date_field: str, query: str | None, dedup: bool, since_last_export: bool,
                   name: str) -> None:
    """Export articles as JSON Lines, CSV, Parquet or WARC (raw responses)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `newsarchive crawl` first")
    fmt = fmt or ("jsonl" if output == "-" else _EXTENSIONS.get(Path(output).suffix.lower()))
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {output}: give --format")
    filters = ExportFilters(
        sites=sites, sections=sections, languages=languages, date_field=date_field,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None, query=query, dedup=dedup,
        since_last_export=since_last_export, name=name)
    try:
        count = export_articles(db_path, output, fmt, filters)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    except ArchiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ARCHIVE)
    click.echo(f"exported {count} articles to {output} ({fmt})", err=True)


@main.command("reparse")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              default=DEFAULT_DB, show_default=True)
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CONFIG, show_default=True, help="Directory holding sites/*.toml.")
def reparse_command(site_names: tuple[str, ...], db_path: Path, config_dir: Path) -> None:
    """Re-extract stored raw pages with the current site files (no network)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `newsarchive crawl` first")
    with _exit_on_error():
        report = run_reparse(db_path, config_dir, list(site_names) or None, log=click.echo)
    totals = report.totals
    click.echo(f"reparse (crawl {report.crawl_id}): {totals['updated']} updated, "
               f"{totals['unchanged']} unchanged -> {db_path}")
