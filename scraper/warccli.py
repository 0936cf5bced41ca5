"""The ``ingest-warc`` and ``merge-shards`` commands (``scraper.warc``): a thin mirror."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli import EXIT_SITE_FAILED, _exit_on_error, db_option
from .warc.ingest import IngestReport, default_shard_dir, ingest_warc, merge_shards
from .warc.sources import CC_BASE_URL

__all__ = ["ingest_warc_command", "merge_shards_command"]


def _progress(quiet: bool):
    def log(event: dict[str, Any]) -> None:
        if quiet:
            return
        if event["event"] == "shard":
            rate = (f", {event['records'] / event['seconds']:,.0f} records/s"
                    if event.get("seconds") else "")
            click.echo(f"[{event['done']}/{event['total']}] {event['source']}: "
                       f"{event['records']:,} records, {event['articles']:,} articles{rate}",
                       err=True)
        elif event["event"] == "failed":
            click.echo(f"error: {event['source']}: {event['error']}", err=True)
    return log


def _summary(report: IngestReport, db_path: Path) -> None:
    counts = report.counts
    click.echo(
        f"files: {report.merged} merged, {report.already_merged} already merged, "
        f"{len(report.failed)} failed of {report.files}; {report.records:,} records "
        f"({report.records_per_second:,.0f}/s); articles: {counts['articles_new']:,} new, "
        f"{counts['articles_updated']:,} updated, {counts['articles_unchanged']:,} unchanged; "
        f"duplicates: {counts['duplicates']:,} exact, {counts['near_duplicates']:,} near "
        f"-> {db_path}")
    if report.skipped:
        click.echo("skipped records: " + ", ".join(
            f"{k} {v:,}" for k, v in sorted(report.skipped.items())))
    failures = report.failures
    click.echo("failures: " + (", ".join(f"{k} {v:,}" for k, v in sorted(failures.items()))
                               or "none"))


@click.command("ingest-warc")
@click.argument("sources", nargs=-1, required=True)
@db_option(must_exist=False)
@click.option("--site", "site_name", help="Extract every record with this configured site "
                                          "(default: the site file matching its host, else "
                                          "the generic extractor).")
@click.option("--config", "config_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("config"), show_default=True, help="Directory holding sites/*.toml "
              "(none there: the generic extractor for every host).")
@click.option("--scheduler", help="An existing Dask scheduler (tcp://HOST:8786); default: a "
                                  "LocalCluster on this machine.")
@click.option("--workers", type=click.IntRange(min=0), default=2, show_default=True,
              help="LocalCluster worker processes; 0: one process, no Dask.")
@click.option("--shards", "shard_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where shards are written (on a cluster: a directory every worker "
                   "shares). Default: ARCHIVE's name + -shards beside it.")
@click.option("--base-url", help="Where relative paths of warc.paths.gz listings and cc-news: "
                                 f"months are read from (cc-news default: {CC_BASE_URL}).")
@click.option("--no-merge", is_flag=True, help="Only write the shards (merge-shards later).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
def ingest_warc_command(sources: tuple[str, ...], db_path: Path, site_name: str | None,
                        config_dir: Path, scheduler: str | None, workers: int,
                        shard_dir: Path | None, base_url: str | None, no_merge: bool,
                        quiet: bool) -> None:
    """Extract WARC files (paths, globs, https:// or s3:// URLs, warc.paths.gz listings,
    cc-news:YYYY-MM..YYYY-MM) with the site files into the archive, one Dask task per file.

    A rerun skips every file already merged; files whose task failed are tried again."""
    with _exit_on_error():
        report = ingest_warc(list(sources), db_path, config_dir=config_dir,
                             site_name=site_name, scheduler=scheduler, workers=workers,
                             shard_dir=shard_dir or default_shard_dir(db_path),
                             base_url=base_url, merge=not no_merge, log=_progress(quiet))
    _summary(report, db_path)
    if report.failed:
        sys.exit(EXIT_SITE_FAILED)


@click.command("merge-shards")
@click.argument("shards", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@db_option(must_exist=False)
def merge_shards_command(shards: tuple[Path, ...], db_path: Path) -> None:
    """Merge shards written by ingest-warc --no-merge into the archive (each once)."""
    with _exit_on_error():
        report = merge_shards(db_path, list(shards))
    _summary(report, db_path)
