"""What the commands take in and leave behind: `extract` reads no more than the crawl
would download and knows binary data from a page, `serve` leaves no Datasette running
after SIGTERM, `sites --check` shows every mistake (issue 15: 11, 12, Also)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site

from scraper import Archive, FetchSettings
from scraper.cli import EXIT_CONFIG, main

PAGE = (b"<!doctype html><html lang='en'><head><title>A story</title></head><body><article>"
        b"<h1>A story</h1>" + b"<p>The council met on Tuesday to discuss the plan.</p>" * 20
        + b"</article></body></html>")


# --- 11: extract's input is capped and sniffed ----------------------------------------------


def test_extract_refuses_a_file_over_the_fetchers_body_cap(tmp_path: Path):
    big = tmp_path / "big.html"
    cap = FetchSettings().max_body_bytes
    big.write_bytes(PAGE[:-14] + b"<p>more</p>" * (cap // 11) + b"</body></html>")
    result = CliRunner().invoke(main, ["extract", str(big)])
    assert result.exit_code == 1
    assert result.output == f"error: {big}: too_large (over max_body_bytes, {cap} bytes)\n"


def test_extract_reads_dev_zero_up_to_the_cap_and_stops(tmp_path: Path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "crawl.toml").write_text("[fetch]\nmax_body_bytes = 100000\n", "utf-8")
    result = CliRunner().invoke(main, ["extract", "/dev/zero", "--config", str(config)])
    assert result.exit_code == 1
    assert "too_large (over max_body_bytes, 100000 bytes)" in result.output


def test_extract_reads_stdin_with_the_same_cap(tmp_path: Path):
    runner = CliRunner()
    ok = runner.invoke(main, ["extract", "-"], input=PAGE)
    assert ok.exit_code == 0, ok.output
    assert '"title": "A story"' in ok.output
    cap = FetchSettings().max_body_bytes
    over = runner.invoke(main, ["extract", "-"], input=b" " * (cap + 1))
    assert over.exit_code == 1 and "too_large" in over.output


@pytest.mark.parametrize(("name", "data"), [
    ("random.bin", os.urandom(2_000_000)),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(50_000)),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
])
def test_extract_calls_binary_input_binary_not_an_article(name: str, data: bytes,
                                                          tmp_path: Path):
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}: not_html (binary data: ")
    assert '"language"' not in result.output


def test_extract_still_reads_a_utf16_page(tmp_path: Path):
    path = tmp_path / "utf16.html"
    path.write_bytes(PAGE.decode().encode("utf-16"))  # with its BOM
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert '"title": "A story"' in result.output


# --- 12: SIGTERM to serve stops Datasette -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_serve_stops_datasette_and_frees_its_port(signum: int, tmp_path: Path):
    db = tmp_path / "news.db"
    Archive(db).close()
    port = _free_port()
    # Its own session, so that whatever it starts is cleaned up below, whatever happens.
    process = subprocess.Popen([sys.executable, "-m", "scraper", "serve", "--db", str(db),
                                "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        process.send_signal(signum)
        process.wait(20)
        deadline = time.monotonic() + 5
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _listening(port), "Datasette still holds the port"
    finally:
        with suppress(ProcessLookupError):  # the group this test started, if still alive
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


# --- sites --check shows every mistake of every file -------------------------------------


def test_sites_check_shows_every_mistake_with_its_line(tmp_path: Path):
    config = tmp_path / "config"
    write_site(config, "many", """
        name = "many"
        extends = "generic"
        start_urls = ["https://a.example/", "ftp://b.example/"]
        deny = ["(a+)+$", "(unclosed"]
        titel = "x"
        [politeness]
        concurrency = 0
        [limits]
        max_sitemaps = 0
        [selectors]
        body = "p[[["
    """)
    write_site(config, "broken", 'name = "broken"\nstart_urls = [\n')
    write_site(config, "nopreset", 'name = "nopreset"\nextends = "joomla-magazine"\n'
               'start_urls = ["https://a.example/"]\nmax_depth = 3\n')
    result = CliRunner().invoke(main, ["sites", "--check", "--config", str(config)])
    assert result.exit_code == EXIT_CONFIG
    lines = [line.split("many.toml:", 1)[1] for line in result.output.splitlines()
             if "many.toml:" in line]
    assert [line.split(":", 1)[0] for line in lines] == ["3", "4", "4", "5", "7", "9", "11"]
    assert "broken.toml:2: not valid TOML" in result.output
    assert "nopreset.toml:2: unknown preset 'joomla-magazine'" in result.output
    assert "nopreset.toml:4: unknown key 'max_depth'" in result.output
    assert "0 site file(s) valid, 3 invalid" in result.output
