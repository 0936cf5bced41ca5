"""Opening the archive: one crawl per file whatever path names it, read-only commands on
a read-only archive, a newer archive refused for writing, and a clear error (never a
traceback) for a broken file or a missing directory (issue 15: 6, 8, 9, 10)."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import write_site
from sqlite_utils.utils import sqlite3

from scraper import Archive, CrawlLockedError
from scraper.cli import EXIT_ARCHIVE, EXIT_RUNNING, EXIT_SITE_FAILED, main
from scraper.store.schema import MIGRATIONS

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2

# A site file for commands that need one; a locked or broken archive stops them first.
QUIET_SITE = 'name = "quiet"\nstart_urls = ["http://127.0.0.1:9/"]\n'


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A real archive: the demo crawl (14 articles)."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "news.db"


def copy_of(db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, folder / "news.db")
    return folder / "news.db"


def _without_file_permission_override() -> None:
    """In the child: root loses the capabilities that let it write any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_reader(*args: str) -> subprocess.CompletedProcess:
    """``newsarchive ARGS`` in a process that file permissions bind, even when the tests
    run as root (CI does): then without CAP_DAC_OVERRIDE."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "scraper", *args], capture_output=True, text=True,
            timeout=120,
            preexec_fn=_without_file_permission_override if os.geteuid() == 0 else None)
    except subprocess.TimeoutExpired:
        raise
    except subprocess.SubprocessError as exc:  # the preexec_fn failed
        pytest.skip(f"running as root, and CAP_DAC_OVERRIDE cannot be dropped here ({exc}):"
                    " root writes a read-only file anyway")


@pytest.fixture()
def readonly_db(demo_db: Path, tmp_path: Path):
    db = copy_of(demo_db, tmp_path / "ro")
    db.chmod(0o444)
    db.parent.chmod(0o555)
    yield db
    db.parent.chmod(0o755)


# --- 6: the crawl lock is the file's, whatever path names it ------------------------------


def test_a_symlink_to_the_archive_meets_the_same_crawl_lock(demo_db: Path, tmp_path: Path):
    db = copy_of(demo_db, tmp_path / "real")
    link = tmp_path / "elsewhere" / "link.db"
    link.parent.mkdir()
    link.symlink_to(db)
    with Archive(db) as first:
        first.lock_for_crawl()
        with Archive(link) as second, pytest.raises(CrawlLockedError, match="another crawl"):
            second.lock_for_crawl()
        config = tmp_path / "config"
        write_site(config, "quiet", 'name = "quiet"\nstart_urls = ["http://127.0.0.1:9/"]\n')
        result = CliRunner().invoke(main, ["crawl", "--db", str(link), "--config", str(config)])
    assert result.exit_code == EXIT_RUNNING, result.output


# --- 8: read-only commands on a read-only archive, and broken files ------------------------


def test_runs_and_export_read_an_archive_they_cannot_write(readonly_db: Path, tmp_path: Path):
    runs = as_reader("runs", "--db", str(readonly_db))
    assert runs.returncode == 0, runs.stderr
    assert runs.stdout.startswith("crawl 1 ok")
    out = tmp_path / "out.jsonl"
    exported = as_reader("export", "-o", str(out), "--db", str(readonly_db))
    assert exported.returncode == 0, exported.stderr
    assert len(out.read_text("utf-8").splitlines()) == 14
    assert sorted(p.name for p in readonly_db.parent.iterdir()) == ["news.db"]


def test_a_crawl_into_a_read_only_archive_is_a_clear_error(readonly_db: Path, tmp_path: Path):
    config = tmp_path / "config"
    write_site(config, "quiet", QUIET_SITE)  # never reached
    result = as_reader("crawl", "--db", str(readonly_db), "--config", str(config))
    assert result.returncode == EXIT_ARCHIVE
    assert result.stderr.startswith(f"error: cannot open archive {readonly_db}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["random bytes", "sqlite header then noise",
                                    "an article page overwritten"])
@pytest.mark.parametrize("command", ["runs", "export", "crawl", "dedup", "reparse"])
def test_a_broken_file_is_an_error_line_never_a_traceback(
        damage: str, command: str, demo_db: Path, tmp_path: Path):
    data = bytearray(demo_db.read_bytes())
    noise = os.urandom(len(data))
    if damage == "random bytes":
        data = noise
    elif damage == "sqlite header then noise":
        data = b"SQLite format 3\x00" + noise[16:]
    else:  # the schema survives, one page of article text does not: found while reading
        with sqlite3.connect(demo_db) as conn:
            text = conn.execute("select text from articles order by id").fetchone()[0]
            page_size = conn.execute("pragma page_size").fetchone()[0]
        start = data.index(text[:200].encode()) // page_size * page_size
        data[start:start + page_size] = noise[:page_size]
    db = tmp_path / "broken.db"
    db.write_bytes(bytes(data))
    args = {"runs": [], "export": ["-o", str(tmp_path / "out.jsonl")], "crawl": [],
            "dedup": [], "reparse": []}[command]
    if command in ("crawl", "reparse"):
        write_site(tmp_path / "config", "quiet", QUIET_SITE)
        args += ["--config", str(tmp_path / "config")]
    result = CliRunner().invoke(main, [command, *args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code == EXIT_SITE_FAILED and command == "crawl":  # damage never read:
        assert "FAILED (robots.txt unreachable)" in result.output  # the quiet site failed
    elif result.exit_code:
        assert result.exit_code == EXIT_ARCHIVE, result.output
        assert result.output.startswith("error: "), result.output


def _older(db: Path) -> Path:
    """Make ``db`` an archive of the version before m005 (export state) was added."""
    with sqlite3.connect(db) as conn:
        conn.execute("delete from _sqlite_migrations where name = 'm005_exports'")
        conn.execute("drop table exports")
    return db


def test_an_older_archive_is_upgraded_by_a_read_only_command_that_may_write(
        demo_db: Path, tmp_path: Path):
    db = _older(copy_of(demo_db, tmp_path / "old"))
    result = CliRunner().invoke(main, ["runs", "--db", str(db)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from _sqlite_migrations where name = "
                            "'m005_exports'").fetchone() == (1,)


def test_an_older_archive_that_cannot_be_written_says_it_needs_upgrading(
        demo_db: Path, tmp_path: Path):
    db = _older(copy_of(demo_db, tmp_path / "old"))
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        result = as_reader("runs", "--db", str(db))
    finally:
        db.parent.chmod(0o755)
    assert result.returncode == EXIT_ARCHIVE
    assert "needs upgrading to this version's schema (m005_exports)" in result.stderr
    assert "Traceback" not in result.stderr


# --- 9: export into a missing directory ----------------------------------------------------


def test_export_into_a_missing_directory_says_so(demo_db: Path, tmp_path: Path):
    target = tmp_path / "missing" / "dir" / "out.jsonl"
    result = CliRunner().invoke(main, ["export", "-o", str(target), "--db", str(demo_db)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == (f"error: cannot write {target}: no directory "
                             f"{target.parent}\n")


# --- 10: an archive from a newer version ---------------------------------------------------


def test_an_archive_from_a_newer_version_is_refused_for_writing_and_read_with_a_warning(
        demo_db: Path, tmp_path: Path):
    db = copy_of(demo_db, tmp_path / "newer")
    with sqlite3.connect(db) as conn:
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                     "values ('newsarchive', 'm999_from_the_future', '2099-01-01')")
        crawls = conn.execute("select count(*) from crawls").fetchone()
    config = tmp_path / "config"
    write_site(config, "quiet", QUIET_SITE)  # never reached
    runner = CliRunner()
    crawled = runner.invoke(main, ["crawl", "--db", str(db), "--config", str(config)])
    assert crawled.exit_code == EXIT_ARCHIVE
    latest = MIGRATIONS.pending(sqlite_utils.Database(memory=True))[-1].name
    assert "m999_from_the_future" in crawled.output and latest in crawled.output
    assert "refusing to write" in crawled.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from crawls").fetchone() == crawls  # untouched
    exported = runner.invoke(main, ["export", "-o", str(tmp_path / "out.jsonl"),
                                    "--db", str(db)])
    assert exported.exit_code == 0
    assert exported.stderr.startswith("warning: archive ") and "m999_from_the_future" in (
        exported.stderr)
    lines = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 14 and json.loads(lines[0])["title"]
