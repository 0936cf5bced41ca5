"""What a cron job and its owner see: exit codes, JSON logs, quiet runs, `newsarchive runs`."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import write_local_site
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper.cli import EXIT_SITE_FAILED, main
from scraper.crawler.sitecrawl import DEGRADED_MIN, DEGRADED_SHARE


def _routes(robots: tuple[int, str, bytes]) -> dict:
    return {
        "/robots.txt": robots,
        "/": (200, HTML, b'<html><body><a href="/a-story-for-cron/">story</a></body></html>'),
        "/a-story-for-cron/": (200, HTML, tagdiv_article("A story for cron", PARAS)),
    }


def _crawl(config_dir, tmp_path, *options: str):
    return CliRunner().invoke(main, ["crawl", "--config", str(config_dir),
                                     "--db", str(tmp_path / "news.db"), *options])


def _site(config_dir, base: str) -> None:
    write_local_site(config_dir, "cronsite", base)


def test_json_logs_give_one_event_per_fetch_and_a_summary(route_server, config_dir, tmp_path):
    route_server.routes.update(_routes((404, "text/plain", b"")))
    _site(config_dir, route_server.base_url)
    result = _crawl(config_dir, tmp_path, "--log-format", "json")
    assert result.exit_code == 0, result.output
    fetches = [json.loads(line) for line in result.stderr.splitlines()]
    assert {e["event"] for e in fetches} == {"fetch"}
    assert {"ok", "not_article"} <= {e["outcome"] for e in fetches}
    summary = json.loads(result.stdout)
    assert summary["event"] == "summary" and summary["status"] == "ok"
    assert summary["articles_new"] == 1
    assert summary["sites"]["cronsite"]["robots"] == "missing"


def test_quiet_prints_nothing_when_all_is_well(route_server, config_dir, tmp_path):
    route_server.routes.update(_routes((404, "text/plain", b"")))
    _site(config_dir, route_server.base_url)
    result = _crawl(config_dir, tmp_path, "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_unreachable_robots_txt_fails_the_site_and_fetches_nothing(route_server, config_dir,
                                                                  tmp_path):
    route_server.routes.update(_routes((503, "text/plain", b"busy")))
    _site(config_dir, route_server.base_url)
    result = _crawl(config_dir, tmp_path, "--quiet")
    assert result.exit_code == EXIT_SITE_FAILED
    assert "cronsite" in result.output and "robots.txt unreachable" in result.output
    assert not any(path.startswith("/a-story") for path in route_server.requests)


def test_runs_shows_recent_crawls_and_site_health(route_server, config_dir, tmp_path):
    route_server.routes.update(_routes((404, "text/plain", b"")))
    _site(config_dir, route_server.base_url)
    assert _crawl(config_dir, tmp_path, "--quiet").exit_code == 0
    route_server.routes["/robots.txt"] = (503, "text/plain", b"busy")
    assert _crawl(config_dir, tmp_path, "--quiet").exit_code == EXIT_SITE_FAILED
    result = CliRunner().invoke(main, ["runs", "--db", str(tmp_path / "news.db")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("crawl 2 failed")
    assert "cronsite" in lines[1] and "BROKEN" in lines[1]
    assert any(line.startswith("crawl 1 ok") for line in lines)


def test_quiet_names_a_site_whose_failed_share_is_too_high(route_server, config_dir, tmp_path):
    """A site that mostly works but fails more than DEGRADED_SHARE of its fetches still
    exits 0, and its summary line is printed under --quiet (cron mails it)."""
    stories = [f"/story-{n}-for-cron/" for n in range(40)]
    home = "".join(f'<a href="{path}">story</a>' for path in stories)
    route_server.routes.update(_routes((404, "text/plain", b"")))
    route_server.routes["/"] = (200, HTML, f"<html><body>{home}</body></html>".encode())
    for path in stories[DEGRADED_MIN:]:  # the first DEGRADED_MIN answer 404
        route_server.routes[path] = (200, HTML, tagdiv_article(f"Story {path}", PARAS))
    _site(config_dir, route_server.base_url)
    result = _crawl(config_dir, tmp_path, "--quiet")
    assert result.exit_code == 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("cronsite: ") and f"{40 - DEGRADED_MIN} articles" in line
    failed = int(line.split("failed http_error ")[1].split(";")[0])
    fetched = int(line.split(": ")[1].split(" fetched")[0])
    assert failed >= DEGRADED_MIN and failed / fetched > DEGRADED_SHARE
    assert line.endswith(f"DEGRADED ({failed / fetched:.0%} of fetches failed)")
