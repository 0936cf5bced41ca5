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
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from .config import load_sites, select_sites, site_for_url
from .crawler.reparse import reparse as run_reparse
from .crawler.run import crawl as run_crawl
from .crawler.run import fetch_settings
from .errors import ArchiveError, ConfigError, CrawlLockedError, ExportError, NewerArchiveWarning
from .extraction.page import extract
from .fetch.decode import binary_reason
from .fetch.fetcher import Fetcher, FetchResult, FetchSettings
from .sqlite import sqlite3
from .store.archive import Archive
from .store.browsing import ARCHIVE_CONFIG, copy_datasette_config, datasette_command
from .store.export import FORMATS, ExportFilters, export_articles
from .vocab import OK_OUTCOMES

EXIT_OK, EXIT_SITE_FAILED, EXIT_CONFIG, EXIT_RUNNING, EXIT_ARCHIVE, EXIT_INTERRUPTED = (
    0, 1, 3, 4, 5, 6)
DEFAULT_DB = Path("archive/news.db")
DEFAULT_CONFIG = Path("config")
ARCHIVE_TEMPLATE = ARCHIVE_CONFIG  # the Datasette configuration directory (archive/)
__all__ = ["ARCHIVE_TEMPLATE", "datasette_command", "main"]


class CommandError(click.ClickException):
    """A user-facing failure: ``error: ...`` on stderr (as every message here starts) and
    exit code 1."""

    def show(self, file: Any = None) -> None:
        for line in self.format_message().splitlines():
            click.echo(f"error: {line}", err=True)


class _UsageError(click.UsageError):
    """Click's usage errors, with the ``error:`` every other message starts with."""

    def show(self, file: Any = None) -> None:
        if self.ctx is not None:
            click.echo(f"{self.ctx.get_usage()}\nTry '{self.ctx.command_path} --help' for "
                       "help.\n", err=True)
        click.echo(f"error: {self.format_message()}", err=True)


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except _UsageError:
        raise
    except click.UsageError as exc:
        raise _UsageError(exc.format_message(), exc.ctx) from exc


class _Group(click.Group):
    """The command group: usage errors of every command read as ``error: ...``."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_errors():
            return super().invoke(ctx)


def _error(message: Any, code: int) -> NoReturn:
    for line in str(message).splitlines():
        click.echo(f"error: {line}", err=True)
    sys.exit(code)


def _show_warning(message: Warning | str, *args: Any, **kwargs: Any) -> None:
    click.echo(f"warning: {message}", err=True)


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """The package's errors as ``error:`` lines on stderr and the documented exit code;
    its warnings (an archive from a newer version) as ``warning:`` lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", NewerArchiveWarning)
        warnings.showwarning = _show_warning
        try:
            yield
        except CrawlLockedError as exc:
            _error(exc, EXIT_RUNNING)
        except ArchiveError as exc:
            _error(exc, EXIT_ARCHIVE)
        except sqlite3.DatabaseError as exc:  # found corrupt while reading (not at open)
            _error(f"the archive cannot be read: {exc}", EXIT_ARCHIVE)
        except ConfigError as exc:
            _error(exc, EXIT_CONFIG)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            _error("interrupted", EXIT_INTERRUPTED)


def _existing(ctx: click.Context, param: click.Parameter, path: Path) -> Path:
    if not path.exists():
        raise CommandError(f"{path} does not exist: run `newsarchive crawl` first")
    return path


def db_option(must_exist: bool = True) -> Callable[[Callable], Callable]:
    """--db: the archive; every command but ``crawl`` needs it to exist already."""
    return click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
                        default=DEFAULT_DB, show_default=True,
                        callback=_existing if must_exist else None,
                        help="The archive database.")


def config_option(command: Callable) -> Callable:
    """--config: the directory holding sites/*.toml and crawl.toml."""
    return click.option("--config", "config_dir",
                        type=click.Path(path_type=Path, file_okay=False),
                        default=DEFAULT_CONFIG, show_default=True,
                        help="Directory holding sites/*.toml.")(command)


@click.group(cls=_Group)
@click.version_option(package_name="newsarchive")
def main() -> None:
    """Crawl configured news sites into one SQLite archive and browse it with Datasette."""


@main.command()
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@db_option(must_exist=False)
@config_option
@click.option("--max-pages", type=int, default=None, help="At most this many pages per site.")
@click.option("-v", "--verbose", is_flag=True, help="Log one line per fetched URL.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (for cron).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON object per line on stderr.")
def crawl(site_names: tuple[str, ...], db_path: Path, config_dir: Path, max_pages: int | None,
          verbose: bool, quiet: bool, log_format: str) -> None:
    """Crawl the configured sites into the archive."""
    log = _event_logger(verbose, quiet, log_format)
    # A directory made for this archive gets the Datasette configuration, so that
    # ``datasette DIR/`` browses it as it does the demo (an existing one is left alone).
    new_dir = not db_path.parent.exists() or not any(db_path.parent.iterdir())
    try:
        with _exit_on_error():
            report = run_crawl(config_dir, db_path, list(site_names) or None, max_pages, log)
    finally:
        log({"event": "done"})
    if new_dir and db_path.exists():
        copy_datasette_config(db_path.parent)
    for error in report.config_errors:
        for line in str(error).splitlines():
            click.echo(f"error: site file refused: {line}", err=True)
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
    """Crawl events to stderr: JSON lines, text lines (-v), or live per-site lines on a
    terminal (nothing otherwise: cron gets the summary only)."""
    stderr = sys.stderr
    progress = None
    if not quiet and not verbose and log_format == "text" and stderr.isatty():
        # Imported here: tqdm (with importlib.metadata) is 0.7 MiB of a crawl's memory that a
        # cron or -q crawl never draws (issue 12's peak-memory round).
        from .crawler.progress import CrawlProgress
        progress = CrawlProgress(stderr)

    def log(event: dict) -> None:
        if event["event"] == "done":
            if progress is not None:
                progress.close()
            return
        if log_format == "json":
            stderr.write(json.dumps(event) + "\n")
        elif verbose:
            stderr.write(f"{event['site']}: {event['outcome']:<18} {event['url']}\n")
        elif progress is not None:
            progress.update(event)

    return log


@main.command()
@db_option()
@click.option("-n", "--limit", type=int, default=10, show_default=True, help="Runs to show.")
def runs(db_path: Path, limit: int) -> None:
    """Recent crawls and the health of each site in them."""
    with _exit_on_error(), Archive(db_path, readonly=True) as archive:
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
@click.option("--site", "site_name", help="Use this configured site's adapter (default: the "
                                          "site whose hosts hold the URL, if any).")
@click.option("--url", "page_url", help="The address a saved file was fetched from: its "
                                        "links resolve against it.")
@config_option
def extract_command(source: str, site_name: str | None, page_url: str | None,
                    config_dir: Path) -> None:
    """Print one page's extraction as JSON (SOURCE is a file path or an http(s) URL)."""
    site = None
    if site_name:
        with _exit_on_error():
            (site,), _ = select_sites(config_dir, [site_name], refuse_invalid=True)
    elif address := page_url or (source if source.startswith(("http://", "https://"))
                                 else None):
        site = site_for_url(_configured_sites(config_dir), address)
    with _exit_on_error():
        settings = fetch_settings(config_dir if config_dir.exists() else None)
    if source.startswith(("http://", "https://")):
        with _exit_on_error():
            result = asyncio.run(_fetch_one(source, settings))
        if not result.ok:
            raise CommandError(f"{source}: {result.outcome} ({result.error})")
        media_type = (result.content_type or "text/html").split(";")[0].strip().lower()
        if media_type not in ("text/html", "application/xhtml+xml"):
            raise CommandError(f"{source}: not_html ({media_type})")
        body, url, content_type = result.body, result.final_url, result.content_type
    else:
        body, url, content_type = _read_capped(source, settings.max_body_bytes), page_url, None
    if why := binary_reason(body):
        raise CommandError(f"{source}: not_html ({why})")
    article = extract(body, url, site, content_type)
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


def _read_capped(source: str, limit: int) -> bytes:
    """A file's bytes (stdin's for ``-``) up to the fetcher's ``max_body_bytes``: what the
    crawl would not download, extract does not read either (``/dev/zero`` included)."""
    try:
        if source == "-":
            body = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as fh:
                body = fh.read(limit + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if len(body) > limit:
        raise CommandError(f"{source}: too_large (over max_body_bytes, {limit} bytes)")
    return body


def _configured_sites(config_dir: Path) -> list:
    """The valid site files of ``config_dir``, or none when it holds none."""
    try:
        return load_sites(config_dir)[0]
    except ConfigError:
        return []


async def _fetch_one(url: str, settings: FetchSettings) -> FetchResult:
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url)


@main.command()
@db_option()
@click.option("--rebuild", is_flag=True, help="Recompute every cluster from the stored texts.")
def dedup(db_path: Path, rebuild: bool) -> None:
    """Duplicate clusters of the archive (kept up to date by every crawl)."""
    with _exit_on_error(), Archive(db_path) as archive:
        archive.lock_for_crawl()
        if rebuild:
            archive.dedup.rebuild()
        found = archive.duplicate_summary()
    click.echo(f"{found['clusters']} clusters holding {found['in_clusters']} articles "
               f"({found['multi_site']} spanning several sites); {found['exact_copies']} "
               "exact copies of an article on another site")


@main.command()
@db_option()
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db_path: Path, port: int) -> None:
    """Browse the archive with Datasette."""
    _become(datasette_command(db_path, port))


def _become(command: list[str]) -> NoReturn:
    """Replace this process with ``command`` (Datasette): a SIGTERM or SIGINT sent to
    ``newsarchive serve`` then reaches the server itself, which stops and frees its port,
    instead of killing a wrapper and leaving its child running."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("demo-archive"), show_default=True,
              help="Where the demo archive (a Datasette configuration directory) is written.")
@click.option("--serve", "then_serve", is_flag=True, help="Start Datasette on it afterwards.")
def demo(out_dir: Path, then_serve: bool) -> None:
    """Crawl the bundled demo site (served on 127.0.0.1) into a demo archive."""
    from .demo.run import run_demo

    db_path = run_demo(out_dir, ARCHIVE_TEMPLATE, log=click.echo)
    click.echo(f"\nBrowse it:  datasette {out_dir}/   (or: newsarchive serve --db {db_path})")
    if then_serve:
        _become(datasette_command(db_path))


_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".parquet": "parquet", ".warc": "warc", ".gz": "warc"}


@main.command("export")
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write; - is standard output (jsonl or csv); .warc.gz is gzipped.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the output's extension (.jsonl .csv .parquet .warc[.gz]).")
@db_option()
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--section", "sections", multiple=True,
              help="Only this section, in any case (repeatable).")
@click.option("--author", "authors", multiple=True,
              help="Only articles by this author, in any case (repeatable).")
@click.option("--tag", "tags", multiple=True,
              help="Only articles with this tag, in any case (repeatable).")
@click.option("--language", "languages", multiple=True,
              help="Only this language; 'en' also matches 'en-US' (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
              help="From this day (YYYY-MM-DD, inclusive).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
              help="Up to this day (YYYY-MM-DD, inclusive).")
@click.option("--by", "date_field", type=click.Choice(["published", "first_seen"]),
              default="published", show_default=True, help="The date --from/--to filter on.")
@click.option("-q", "--query",
              help="Full-text query over title and text: the words as written, \"a phrase\", "
                   "prefix*.")
@click.option("--advanced", is_flag=True,
              help="Read -q as FTS5 syntax (AND, OR, NOT, NEAR(), title:word, ...).")
@click.option("--bom", is_flag=True,
              help="CSV: start with a UTF-8 byte-order mark, so that Excel reads the text.")
@click.option("--dedup", is_flag=True, help="One article per duplicate cluster.")
@click.option("--since-last-export", is_flag=True,
              help="Only articles new or changed since the last export of this --name.")
@click.option("--name", default="default", show_default=True,
              help="The export stream --since-last-export keeps its state under.")
def export_command(output: str, fmt: str | None, db_path: Path, sites: tuple[str, ...],
                   sections: tuple[str, ...], authors: tuple[str, ...], tags: tuple[str, ...],
                   languages: tuple[str, ...], date_from, date_to, date_field: str,
                   query: str | None, advanced: bool, bom: bool, dedup: bool,
                   since_last_export: bool, name: str) -> None:
    """Export articles as JSON Lines, CSV, Parquet or WARC (raw responses)."""
    fmt = fmt or ("jsonl" if output == "-" else _EXTENSIONS.get(Path(output).suffix.lower()))
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {output}: give --format")
    filters = ExportFilters(
        sites=sites, sections=sections, authors=authors, tags=tags, languages=languages,
        date_field=date_field, date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None, query=query, advanced=advanced,
        dedup=dedup, since_last_export=since_last_export, name=name)
    with _exit_on_error():
        count = export_articles(db_path, output, fmt, filters, csv_bom=bom)
    where = "standard output" if output == "-" else output
    click.echo(f"exported {count} articles to {where} ({fmt})", err=True)


@main.command("reparse")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@db_option()
@config_option
def reparse_command(site_names: tuple[str, ...], db_path: Path, config_dir: Path) -> None:
    """Re-extract stored raw pages with the current site files (no network)."""
    with _exit_on_error():
        report = run_reparse(db_path, config_dir, list(site_names) or None, log=click.echo)
    totals = report.totals
    click.echo(f"reparse (crawl {report.crawl_id}): {totals['updated']} updated, "
               f"{totals['unchanged']} unchanged -> {db_path}")


from .sitescli import sites  # noqa: E402  (it uses the helpers above)
from .warccli import ingest_warc_command, merge_shards_command  # noqa: E402

main.add_command(sites)
main.add_command(ingest_warc_command)
main.add_command(merge_shards_command)
