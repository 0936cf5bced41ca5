"""ingest-warc: WARC files of the fixture sites, extracted on a real Dask LocalCluster, give
the archive a crawl of the same pages gives; faults, kills and reruns lose and add nothing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from conftest import RouteServer, write_local_site
from distributed import Client, LocalCluster
from moto.server import ThreadedMotoServer
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, tagdiv_article
from test_dedup_crawl import _serve_fixture_sites
from warcfiles import WARC_DATE, write_responses, write_warc
from warcio.archiveiterator import ArchiveIterator

from scraper import ConfigError, crawl, export_articles
from scraper.cli import main
from scraper.demo import render_demo_site, serve_site
from scraper.warc.ingest import ingest_warc


def snapshot(db_path: Path, by_fetched_urls: bool = True) -> dict[str, list]:
    """What a user compares between two archives: articles by URL, their links (targets by
    URL), exact copies and near-duplicate clusters as sets of URLs.

    An article is known by the first of the URLs it was fetched under (an alias, the same
    text under another URL of its site, folds onto whichever of them came first), or by its
    ``url`` (a WARC export holds each article's stored page only, not its aliases')."""
    db = sqlite3.connect(db_path)
    url = dict(db.execute("select article_id, min(url) from article_urls where source in "
                          "('article', 'fetched', 'requested') group by article_id")
               if by_fetched_urls else db.execute("select id, url from articles"))
    articles = sorted((url[row[0]], *row[1:]) for row in db.execute(
        "select id, site, canonical_url, title, section, authors, published, modified, "
        "language, tags, lead, image, text, blocks, word_count, content_hash from articles"))
    links = sorted((url[a], kind, position, title, link, heading, target, url.get(t))
                   for a, kind, position, title, link, heading, target, t in db.execute(
                       "select article_id, kind, position, title, url, heading, target_url, "
                       "target_article_id from links"))
    exact = sorted(tuple(sorted((url[a], url[b]))) for a, b in db.execute(
        "select id, duplicate_of from articles where duplicate_of is not null"))
    clusters: dict[int, list[str]] = defaultdict(list)
    for a, cluster in db.execute("select id, cluster_id from articles where cluster_id "
                                 "is not null"):
        clusters[cluster].append(url[a])
    near = sorted((tuple(sorted((url[a], url[b]))), sim) for a, b, sim in db.execute(
        "select article_id, other_id, similarity from near_duplicates"))
    db.close()
    return {"articles": articles, "links": links, "exact": exact,
            "clusters": sorted(sorted(m) for m in clusters.values()), "near": near}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The demo site and three syndication sites (wire copies across them), crawled, and
    the pages that crawl fetched written to three WARC files."""
    root = tmp_path_factory.mktemp("warc")
    config = root / "config"
    (config / "sites").mkdir(parents=True)
    servers, by_site = _serve_fixture_sites()
    # A site copying one wire story word for word, under two URLs of its own: an exact
    # copy of another site's article, and an alias of itself.
    story = next(iter(by_site.values()))[0]
    page = tagdiv_article(story["title"], story["paragraphs"])
    mirror = RouteServer({"/": (200, HTML, b'<a href="/copy-one-story/">a</a>'
                                           b'<a href="/copy-again-story/">b</a>'),
                          "/copy-one-story/": (200, HTML, page),
                          "/copy-again-story/": (200, HTML, page)})
    servers.append(mirror)
    with serve_site(render_demo_site(root / "demo")) as demo:
        try:
            write_local_site(config, "herald", demo.base_url)
            write_local_site(config, "mirror", mirror.base_url)
            for name, server in zip(by_site, servers, strict=False):
                write_local_site(config, name, server.base_url)
            report = crawl(config, root / "crawl.db")
            assert report.status == "ok"
            db = sqlite3.connect(root / "crawl.db")
            urls = [u for (u,) in db.execute("select final_url from fetches where status "
                                             "is not null group by final_url order by min(id)")]
            db.close()
            warcs = [write_warc(root / f"part-{n}.warc.gz", urls[n::3]) for n in range(3)]
        finally:
            for server in servers:
                server.close()
    return {"root": root, "config": config, "warcs": warcs, "crawl": snapshot(
        root / "crawl.db")}


def test_the_ingested_archive_holds_the_crawls_articles_links_and_duplicates(crawled,
                                                                             tmp_path):
    expected = crawled["crawl"]
    assert expected["exact"] and expected["near"], "the fixture sites must hold copies"
    db_path = tmp_path / "news.db"
    report = ingest_warc([str(p) for p in crawled["warcs"]], db_path,
                         config_dir=crawled["config"], workers=2)
    assert report.failed == {} and report.merged == 3 and report.shards_made == 3
    assert snapshot(db_path) == expected
    # every response read, the other records skipped and counted by reason
    assert report.skipped["not_response"] == 3 * 2 + sum(report.outcomes.values())
    assert report.skipped["redirect"] == 3
    assert report.counts["articles_new"] == len(expected["articles"])
    shards = sorted(p.name for p in (tmp_path / "news-shards").iterdir())
    assert len(shards) == 3 and all(name.endswith(".db") for name in shards)

    # a rerun of the same command: nothing to do, nothing added
    again = ingest_warc([str(p) for p in crawled["warcs"]], db_path,
                        config_dir=crawled["config"], workers=2)
    assert (again.already_merged, again.merged, again.shards_made) == (3, 0, 0)
    assert snapshot(db_path) == expected
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from warc_shards").fetchone()[0] == 3
    assert db.execute("select count(*), sum(status = 'ok') from crawls").fetchone() == (2, 2)


class WarcServer:
    """Serves WARC files (and listings) on 127.0.0.1 with HEAD, ETag and one-off faults:
    ``fail_once`` paths answer their first GET with a 500; ``stall_once`` paths send half
    of their first GET and then hang until ``release`` is set."""

    def __init__(self, files: dict[str, bytes]) -> None:
        outer = self
        self.files = files
        self.gets: dict[str, int] = defaultdict(int)
        self.fail_once: set[str] = set()
        self.stall_once: set[str] = set()
        self.stalled = threading.Event()
        self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def _head(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/warc")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", f'"{hash(body) & 0xFFFFFFFF:x}"')
                self.end_headers()

            def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self._head(body)

            def do_GET(self) -> None:  # noqa: N802
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                outer.gets[self.path] += 1
                if self.path in outer.fail_once and outer.gets[self.path] == 1:
                    self.send_error(500)
                    return
                self._head(body)
                if self.path in outer.stall_once and outer.gets[self.path] == 1:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    outer.stalled.set()
                    outer.release.wait(30)
                    return
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _kill_worker_running(client: Client, suffix: str) -> int:
    """SIGKILL the worker process whose task key ends with ``suffix``; its pid."""
    for _ in range(100):
        for address, keys in client.processing().items():
            if any(str(key).endswith(suffix) for key in keys):
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.1)
    raise AssertionError(f"no worker is running a task ending {suffix}")


def test_a_task_that_raises_and_a_killed_worker_still_give_every_shard_once(crawled,
                                                                             tmp_path):
    files = {f"/warc/{p.name}": p.read_bytes() for p in crawled["warcs"]}
    server = WarcServer(files)
    first, second, _third = sorted(files)
    server.fail_once.add(first)  # the task reading it raises once (HTTP 500)
    server.stall_once.add(second)  # its worker is killed mid-file
    db_path = tmp_path / "news.db"
    outcome: dict = {}
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                          silence_logs=50) as cluster, Client(cluster) as client:
            run = threading.Thread(target=lambda: outcome.update(report=ingest_warc(
                [server.base_url + path for path in sorted(files)], db_path,
                config_dir=crawled["config"], scheduler=cluster.scheduler_address)))
            run.start()
            assert server.stalled.wait(60), "the stalled file was never requested"
            killed = _kill_worker_running(client, "-1")
            server.release.set()
            run.join(120)
            assert not run.is_alive()
            assert killed not in client.run(os.getpid).values()
    finally:
        server.close()
    report = outcome["report"]
    assert report.failed == {} and report.merged == 3
    assert server.gets[first] == 2 and server.gets[second] == 2
    assert snapshot(db_path) == crawled["crawl"]
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*), count(distinct source) from warc_shards"
                      ).fetchone() == (3, 3)
    assert not [p for p in (tmp_path / "news-shards").iterdir() if ".tmp-" in p.name]


def test_cc_news_months_are_read_from_their_warc_paths_listing_over_https(crawled, tmp_path):
    paths = [f"crawl-data/CC-NEWS/2025/07/{p.name}" for p in crawled["warcs"]]
    files = {f"/{path}": p.read_bytes() for path, p in zip(paths, crawled["warcs"], strict=True)}
    files["/crawl-data/CC-NEWS/2025/07/warc.paths.gz"] = gzip.compress(
        "\n".join(paths).encode())
    files["/crawl-data/CC-NEWS/2025/08/warc.paths.gz"] = gzip.compress(b"")
    server = WarcServer(files)
    try:
        report = ingest_warc(["cc-news:2025-07..2025-08"], tmp_path / "news.db",
                             config_dir=crawled["config"], base_url=server.base_url,
                             workers=0)
    finally:
        server.close()
    assert report.files == 3 and report.merged == 3 and report.failed == {}
    assert snapshot(tmp_path / "news.db") == crawled["crawl"]


def test_a_remote_listing_names_files_on_its_own_host_only(crawled, tmp_path):
    local = crawled["warcs"][0].resolve()  # a WARC file on this machine, by its full path
    server = WarcServer({str(local): local.read_bytes(),
                         "/own.paths": f"{local}\n".encode(),
                         "/elsewhere.paths": b"http://169.254.169.254/latest/meta-data.warc\n"})
    try:
        # a root-relative entry is a path on the listing's host, never this machine's file
        report = ingest_warc([f"{server.base_url}/own.paths"], tmp_path / "news.db",
                             config_dir=crawled["config"], workers=0)
        assert report.merged == 1 and server.gets[str(local)] == 1
        with pytest.raises(ConfigError, match="may name files on its own host only"):
            ingest_warc([f"{server.base_url}/elsewhere.paths"], tmp_path / "other.db",
                        config_dir=crawled["config"], workers=0)
        assert not (tmp_path / "other.db").exists()
    finally:
        server.close()


def test_s3_sources_are_read_from_a_bucket(crawled, tmp_path, monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": "us-east-1",
                            "AWS_ENDPOINT_URL": endpoint}.items():
            monkeypatch.setenv(name, value)
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="news")
        for path in crawled["warcs"]:
            s3.upload_file(str(path), "news", f"cc/{path.name}")
        report = ingest_warc(["s3://news/cc/*.warc.gz"], tmp_path / "news.db",
                             config_dir=crawled["config"], workers=0)
    finally:
        server.stop()
    assert report.files == 3 and report.merged == 3 and report.failed == {}
    assert snapshot(tmp_path / "news.db") == crawled["crawl"]
    db = sqlite3.connect(tmp_path / "news.db")
    sources = sorted(s for (s,) in db.execute("select source from warc_shards"))
    assert sources == [f"s3://news/cc/{p.name}" for p in crawled["warcs"]]


def test_a_warc_export_ingests_back_into_the_same_articles(crawled, tmp_path):
    exported = tmp_path / "export.warc.gz"
    count = export_articles(crawled["root"] / "crawl.db", str(exported), "warc")
    report = ingest_warc([str(exported)], tmp_path / "news.db", config_dir=crawled["config"],
                         workers=0)
    assert report.counts["articles_new"] == count == len(crawled["crawl"]["articles"])
    back = snapshot(tmp_path / "news.db", by_fetched_urls=False)
    assert back == snapshot(crawled["root"] / "crawl.db", by_fetched_urls=False)


def test_ingest_warc_command_prints_progress_and_a_summary_and_reruns_add_nothing(
        crawled, tmp_path):
    runner = CliRunner()
    args = ["ingest-warc", *map(str, crawled["warcs"]), "--db", str(tmp_path / "news.db"),
            "--config", str(crawled["config"]), "--workers", "0"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "[3/3]" in result.stderr and "records/s" in result.stderr
    assert "files: 3 merged, 0 already merged, 0 failed of 3" in result.stdout
    assert f"{len(crawled['crawl']['articles'])} new" in result.stdout
    assert "skipped records: not_response" in result.stdout
    again = runner.invoke(main, args)
    assert "files: 0 merged, 3 already merged" in again.stdout and "0 new" in again.stdout


def test_shards_made_without_merging_are_merged_once_by_merge_shards(crawled, tmp_path):
    runner = CliRunner()
    shards = tmp_path / "shards"
    result = runner.invoke(main, ["ingest-warc", *map(str, crawled["warcs"]), "--db",
                                  str(tmp_path / "news.db"), "--config", str(crawled["config"]),
                                  "--workers", "0", "--shards", str(shards), "--no-merge"])
    assert result.exit_code == 0, result.output
    files = sorted(str(p) for p in shards.glob("*.db"))
    assert len(files) == 3
    merge = ["merge-shards", *reversed(files), "--db", str(tmp_path / "merged.db")]
    assert "files: 3 merged" in runner.invoke(main, merge).stdout
    assert "files: 0 merged, 3 already merged" in runner.invoke(main, merge).stdout
    assert snapshot(tmp_path / "merged.db") == crawled["crawl"]


def test_hosts_without_a_site_file_are_extracted_by_the_generic_extractor(crawled, tmp_path):
    report = ingest_warc([str(crawled["warcs"][0])], tmp_path / "news.db",
                         config_dir=tmp_path / "no-config", workers=0)
    db = sqlite3.connect(tmp_path / "news.db")
    sites = {s for (s,) in db.execute("select distinct site from articles")}
    assert report.counts["articles_new"] > 0
    assert sites and all(s.startswith("127.0.0.1:") for s in sites)  # the host is the site
    extends = {e for (e,) in db.execute("select extends from sites")}
    assert extends == {"generic"}


def test_a_missing_source_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["ingest-warc", str(tmp_path / "nothing-*.warc.gz"),
                                       "--db", str(tmp_path / "news.db"), "--workers", "0"])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no WARC file at ")
    assert "Traceback" not in result.output


def test_shard_info_records_source_size_etag_config_and_version(crawled, tmp_path):
    ingest_warc([str(crawled["warcs"][0])], tmp_path / "news.db",
                config_dir=crawled["config"], workers=0, merge=False)
    (shard,) = (tmp_path / "news-shards").glob("*.db")
    db = sqlite3.connect(shard)
    info = {k: json.loads(v) for k, v in db.execute("select key, value from shard_info")}
    assert info["source"] == str(crawled["warcs"][0])
    assert info["size"] == crawled["warcs"][0].stat().st_size
    assert info["etag"] and info["config_hash"] and info["version"] == 1
    assert db.execute("pragma journal_mode").fetchone()[0] == "delete"  # one file, renamed


def _responses(warcs: list[Path], urls: set[str]) -> list[tuple]:
    """The HTTP responses to ``urls`` in ``warcs``, as ``write_responses`` takes them."""
    found = []
    for path in warcs:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and url in urls:
                    http = record.http_headers
                    found.append((url, int(http.get_statuscode()), http.headers,
                                  record.content_stream().read(), WARC_DATE))
    return found


def test_copies_are_linked_against_what_the_archive_already_holds(crawled, tmp_path):
    # The first copy of each story ingested on its own; the other copies come in a later run.
    crawl_db = sqlite3.connect(crawled["root"] / "crawl.db")
    firsts = {url for (url,) in crawl_db.execute(
        "select url from articles where id in (select min(id) from articles "
        "where cluster_id is not null group by cluster_id)")}
    crawl_db.close()
    assert len(firsts) >= 2, "the fixture sites hold at least two clusters of copies"
    db_path = tmp_path / "news.db"
    early = write_responses(tmp_path / "early.warc.gz", _responses(crawled["warcs"], firsts))
    first = ingest_warc([str(early)], db_path, config_dir=crawled["config"], workers=0)
    assert first.merged == 1 and first.counts["articles_new"] == len(firsts)
    rest = ingest_warc([str(p) for p in crawled["warcs"]], db_path,
                       config_dir=crawled["config"], workers=0)
    assert (rest.already_merged, rest.merged) == (0, 3)
    assert rest.counts["duplicates"] + rest.counts["near_duplicates"] > 0
    assert snapshot(db_path) == crawled["crawl"]
    # every cluster spans the runs: its first copy from the first, the others from the later
    db = sqlite3.connect(db_path)
    clusters = defaultdict(set)
    for article_id, cluster in db.execute("select id, cluster_id from articles "
                                          "where cluster_id is not null"):
        clusters[cluster].add(article_id <= first.counts["articles_new"])
    assert len(clusters) == len(firsts)
    assert all(sides == {True, False} for sides in clusters.values())


def test_the_plain_commands_never_import_dask_or_fsspec():
    import subprocess
    import sys

    code = ("import sys, scraper.cli; from scraper.cli import main; "
            "print(sorted(m for m in ('distributed', 'dask', 'fsspec', 's3fs', 'warcio') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_without_the_distributed_extra_ingest_says_what_to_install(crawled, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    result = CliRunner().invoke(main, ["ingest-warc", str(crawled["warcs"][0]), "--db",
                                       str(tmp_path / "news.db"), "--config",
                                       str(crawled["config"])])
    assert result.exit_code == 3
    assert "pip install 'newsarchive[distributed]'" in result.stderr
    assert "Traceback" not in result.output


def test_placing_in_small_chunks_gives_the_same_duplicates(crawled, tmp_path, monkeypatch):
    from scraper.warc import merge

    monkeypatch.setattr(merge, "PLACE_CHUNK", 2)
    ingest_warc([str(p) for p in crawled["warcs"]], tmp_path / "news.db",
                config_dir=crawled["config"], workers=0)
    assert snapshot(tmp_path / "news.db") == crawled["crawl"]


def test_complete_shards_of_an_unmerged_run_are_merged_without_a_task(crawled, tmp_path):
    db_path = tmp_path / "news.db"
    made = ingest_warc([str(p) for p in crawled["warcs"]], db_path,
                       config_dir=crawled["config"], workers=0, merge=False)
    assert (made.shards_made, made.merged) == (3, 0)
    resumed = ingest_warc([str(p) for p in crawled["warcs"]], db_path,
                          config_dir=crawled["config"], workers=0)
    assert (resumed.shards_made, resumed.shards_reused, resumed.merged) == (0, 3, 3)
    assert snapshot(db_path) == crawled["crawl"]


def test_one_site_file_for_every_record_with_site(crawled, tmp_path):
    ingest_warc([str(p) for p in crawled["warcs"]], tmp_path / "news.db",
                config_dir=crawled["config"], site_name="herald", workers=0)
    db = sqlite3.connect(tmp_path / "news.db")
    assert {s for (s,) in db.execute("select distinct site from articles")} == {"herald"}


def test_the_readme_names_every_reason_a_record_is_skipped():
    from scraper.vocab import WARC_SKIPS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("## Beyond one machine")[1].split("\n## ")[0]
    assert [name for name in WARC_SKIPS if f"`{name}`" not in section] == []


def _copy_of_the_crawl(crawled, path: Path) -> Path:
    source, target = sqlite3.connect(crawled["root"] / "crawl.db"), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return path


def test_pages_the_archive_holds_already_add_nothing(crawled, tmp_path):
    db_path = _copy_of_the_crawl(crawled, tmp_path / "news.db")
    exported = tmp_path / "export.warc.gz"
    count = export_articles(db_path, str(exported), "warc")
    report = ingest_warc([str(exported)], db_path, config_dir=crawled["config"], workers=0)
    assert report.counts["articles_unchanged"] == count
    assert report.counts["articles_new"] == report.counts["articles_updated"] == 0
    assert snapshot(db_path) == crawled["crawl"]
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from article_versions").fetchone()[0] == 0


def test_an_article_seen_again_with_a_changed_text_is_updated_and_keeps_its_old_text(
        crawled, tmp_path):
    db_path = _copy_of_the_crawl(crawled, tmp_path / "news.db")
    (url,) = sqlite3.connect(db_path).execute(
        "select url from articles where site = 'mirror'").fetchone()  # the wire copy
    paragraphs = [f"Paragraph {n} of a corrected story about the river, the barges, the "
                  "chemical plant and the low water that stopped them." for n in range(12)]
    page = tagdiv_article("A corrected headline", paragraphs)
    warc = write_responses(tmp_path / "again.warc.gz", [
        (url, 200, [("Content-Type", "text/html; charset=UTF-8")], page, WARC_DATE)])
    report = ingest_warc([str(warc)], db_path, config_dir=crawled["config"], workers=0)
    assert (report.counts["articles_updated"], report.counts["articles_new"]) == (1, 0)
    db = sqlite3.connect(db_path)
    title, version, cluster = db.execute(
        "select title, version, cluster_id from articles where url = ?", [url]).fetchone()
    assert (title, version, cluster) == ("A corrected headline", 2, None)  # no copy now
    old = db.execute("select title from article_versions").fetchall()
    assert old == [("Chemical giant cuts production: river too low for ships",)]
