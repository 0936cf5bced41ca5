"""Soak: faults, crashes and load against generated sites; proves nothing is lost.

    python bench/soak.py [--sites 20] [--articles 500] [--minutes 10] [--cycles 20]
                         [--interval 30] [--overlap-minutes 3] [--rss-cap-mb 512]

Loopback only and bounded in time. Each crawl runs in its own process (as cron runs it), so
its exit code, stderr and peak RSS are its own. Four phases, then one table:

1. baseline: every site crawled once, no faults, politeness off: pages/s, p50/p95 latency
   from a result being ready (fetched and parsed) to its batch being committed, peak RSS;
2. faults: the same sites behind tests/faultserver.py, 30 % of requests faulted, crawled
   run after run for ``--minutes``: each run's server log reconciled with its ``fetches``
   (difference 0), one outcome per URL, no traceback, no request to the private address
   the "redirect-private" fault points at, gap after each 429/503 >= its Retry-After;
3. crash/resume: ``--cycles`` random SIGTERM/SIGKILL during a crawl, then a final run: the
   article set equals phase 1's, no duplicates, integrity_check ok, refetch overhead;
4. overlap: a crawl started every ``--interval`` s while Datasette runs slow queries:
   overlapping starts exit 4, no "database is locked" anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlite_utils.utils import sqlite3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fault-injecting server lives with the tests

from faultserver import FaultServer  # noqa: E402

from scraper import (  # noqa: E402
    Archive,
    crawl_sites,
    load_sites,
)
from scraper.cli import datasette_command  # noqa: E402
from scraper.crawler.run import fetch_settings  # noqa: E402
from scraper.demo import (  # noqa: E402
    render_demo_site,
    serve_site,
    synthetic_data,
)

FAULT_SETTINGS = """[fetch]
total_timeout = 2.0
connect_timeout = 1.0
max_attempts = 3
backoff_base = 0.05
backoff_max = 0.5
max_retry_after = 5.0
"""
SLOW_QUERY = ("select count(*) from articles a join links l on l.article_id = a.id "
              "where a.text like '%council%' or l.title like '%plan%'")


def write_config(config: Path, bases: list[str], fetch: str = "") -> Path:
    (config / "sites").mkdir(parents=True, exist_ok=True)
    (config / "crawl.toml").write_text(fetch, "utf-8")
    for n, base in enumerate(bases):
        (config / "sites" / f"site-{n:02d}.toml").write_text(
            f'name = "site-{n:02d}"\nextends = "wordpress-tagdiv"\nstart_urls = ["{base}/"]\n'
            "[politeness]\ndelay = 0\nconcurrency = 4\n"
            # Above the site's size: with the default 500 pages a run, a 500-article site
            # leaves one article for the next run, and runs would not be comparable.
            "[limits]\nmax_pages = 100000\n", "utf-8")
    return config


def start_crawl(config: Path, db: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--db",
               str(db), "--quiet", *extra]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


def exited(process: subprocess.Popen) -> bool:
    """Whether the crawl ended, without reaping it (finish() needs its rusage)."""
    info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None


def finish(process: subprocess.Popen) -> tuple[int, str, float]:
    """Wait for a crawl: exit code, stderr and its own peak RSS in MB (wait4)."""
    stderr = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr, usage.ru_maxrss / 1024


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql, args).fetchall()


def article_set(db: Path) -> set[str]:
    """Articles by site and path (ports differ between phases)."""
    rows = query(db, "select site, url from articles")
    return {f"{site}:{url.split('/', 3)[3]}" for site, url in rows}


# --- phase 1 -------------------------------------------------------------------------------


def timed_crawl(config: Path, db: Path, out: Path) -> None:
    """The crawl of phase 1, in a child process: records when each result is committed."""
    ready: dict[str, float] = {}
    latencies: list[float] = []

    class TimedArchive(Archive):
        def write_batch(self, crawl_id: int, outcomes: list) -> dict[str, int]:
            counts = super().write_batch(crawl_id, outcomes)
            now = time.monotonic()
            latencies.extend(now - ready.pop(o.url, now) for o in outcomes)
            return counts

    def log(event: dict) -> None:
        if event["event"] == "fetch":
            ready[event["url"]] = time.monotonic()

    sites, _ = load_sites(config)
    started = time.monotonic()
    with TimedArchive(db) as archive:
        archive.lock_for_crawl()
        report = asyncio.run(crawl_sites(sites, archive, fetch_settings(config), None, log))
    out.write_text(json.dumps({"seconds": time.monotonic() - started, "latencies": latencies,
                               "fetched": report.counts["fetched"], "status": report.status}))


def baseline(tmp: Path, bases: list[str]) -> dict[str, object]:
    config = write_config(tmp / "config-baseline", bases)
    out = tmp / "baseline.json"
    process = subprocess.Popen([sys.executable, __file__, "_timed", str(config),
                                str(tmp / "baseline.db"), str(out)], stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    code, stderr, rss = finish(process)
    if code != 0:
        raise SystemExit(f"baseline crawl failed ({code}): {stderr}")
    data = json.loads(out.read_text())
    latencies = sorted(data["latencies"])
    return {"pages": data["fetched"], "seconds": data["seconds"],
            "pages/s": data["fetched"] / data["seconds"], "rss": rss,
            "p50": statistics.median(latencies), "p95": latencies[int(len(latencies) * 0.95)],
            "articles": len(article_set(tmp / "baseline.db"))}


# --- phase 2 -------------------------------------------------------------------------------


def reconcile(servers: list[FaultServer], db: Path, crawl_id: int, window: tuple[float, float]
              ) -> list[str]:
    """For one run: URLs answered (not redirected) without a fetch row, and rows with a
    request the server never saw, each described for the report."""
    rows = query(db, "select url, final_url, attempts, outcome, error from fetches "
                     "where crawl_id = ?", crawl_id)
    recorded = {u for url, final, *_ in rows for u in (url, final)}
    log = [(server.url(r.path), r) for server in servers for r in server.log
           if window[0] <= r.time <= window[1]]
    seen = {url for url, _ in log}
    served = {url: r for url, r in log if not r.path.startswith("/robots.txt")
              and not 300 <= (r.status or 0) < 400}
    missing = [f"served, no fetch row: {url} ({r.status}, fault {r.fault})"
               for url, r in served.items() if url not in recorded]
    # A row of a request the server never saw is a difference too, even a timeout: the
    # crawl's event loop stalling past the deadlines before sending (slow batch writes,
    # parsing) showed up exactly so.
    unseen = [f"fetch row, never served: {final} ({outcome}: {error})"
              for _, final, attempts, outcome, error in rows if attempts and final not in seen]
    return missing + unseen


def retry_after_violations(servers: list[FaultServer]) -> tuple[int, int, float]:
    """(429/503 answers with Retry-After, retries earlier than announced, smallest slack)."""
    count, early, slack = 0, 0, float("inf")
    for server in servers:
        by_path: dict[str, list] = {}
        for r in server.log:
            by_path.setdefault(r.path, []).append(r)
        for requests in by_path.values():
            for first, second in zip(requests, requests[1:], strict=False):
                if first.retry_after is None:
                    continue
                count += 1
                gap = second.time - first.time - first.retry_after
                slack = min(slack, gap)
                early += gap < -0.05  # tolerance: the HTTP-date form has whole seconds
    return count, early, slack


def fault_soak(tmp: Path, bases: list[str], minutes: float) -> dict[str, object]:
    db = tmp / "faults.db"
    with FaultServer() as sentinel:
        servers = [FaultServer(upstream=base, fault_rate=0.3, seed=n,
                               private_target=sentinel.url("/internal"))
                   for n, base in enumerate(bases)]
        for server in servers:
            server.__enter__()
        try:
            config = write_config(tmp / "config-faults", [s.base_url for s in servers],
                                  FAULT_SETTINGS)
            deadline = time.monotonic() + minutes * 60
            runs, diff, dropped, tracebacks, rss, codes = 0, 0, 0, 0, 0.0, []
            examples: list[str] = []  # the first differences, to say what they are
            while time.monotonic() < deadline:
                started = time.time()
                process = start_crawl(config, db)
                while not exited(process) and time.monotonic() < deadline:
                    time.sleep(0.2)
                if not exited(process):
                    process.send_signal(signal.SIGTERM)  # time is up: stop, commit, record
                code, stderr, peak = finish(process)
                codes.append(code)
                runs += 1
                rss, tracebacks = max(rss, peak), tracebacks + ("Traceback" in stderr)
                crawl_id = query(db, "select max(id) from crawls")[0][0]
                difference = reconcile(servers, db, crawl_id, (started, time.time()))
                if code == 6:  # stopped at the deadline: requests in flight after the grace
                    dropped += len(difference)  # period are dropped, pending for next run
                else:
                    diff += len(difference)
                    examples.extend(difference[:5 - len(examples)])
                time.sleep(3)  # longer than any Retry-After announced, as between nightly runs
            duplicates = query(db, "select count(*) from (select 1 from fetches group by "
                                   "crawl_id, url having count(*) > 1)")[0][0]
            requests = sum(len(s.log) for s in servers)
            faulted = sum(1 for s in servers for r in s.log if r.fault)
            announced, early, slack = retry_after_violations(servers)
        finally:
            for server in servers:
                server.__exit__(None, None, None)
        blocked = query(db, "select count(*) from fetches where outcome = 'blocked_address'")
        return {"runs": runs, "codes": codes, "requests": requests, "faulted": faulted,
                "diff": diff, "examples": examples, "dropped": dropped,
                "duplicates": duplicates,
                "tracebacks": tracebacks,
                "private_requests": len(sentinel.log), "blocked": blocked[0][0],
                "retry_after": announced, "early": early, "slack": slack, "rss": rss,
                "outcomes": dict(query(db, "select outcome, count(*) from fetches "
                                           "group by outcome order by 2 desc"))}


# --- phase 3 -------------------------------------------------------------------------------


def crash_resume(tmp: Path, servers: list, expected: set[str], cycles: int,
                 baseline_requests: int) -> dict[str, object]:
    db = tmp / "crash.db"
    config = write_config(tmp / "config-crash", [s.base_url for s in servers])
    marks = [len(s.requests) for s in servers]
    rng = random.Random(7)
    kills = {"SIGTERM": 0, "SIGKILL": 0}
    for _ in range(cycles):
        process = start_crawl(config, db)
        time.sleep(rng.uniform(1.0, 4.0))
        name = rng.choice(["SIGTERM", "SIGKILL"])
        if not exited(process):
            process.send_signal(getattr(signal, name))
            kills[name] += 1
        finish(process)
    code, stderr, _ = finish(start_crawl(config, db))
    requests = sum(len(s.requests) - mark for s, mark in zip(servers, marks, strict=True))
    articles = article_set(db)
    return {"kills": kills, "final_code": code, "equal": articles == expected,
            "missing": len(expected - articles), "extra": len(articles - expected),
            "duplicates": query(db, "select count(*) - count(distinct url) from articles")[0][0],
            "integrity": query(db, "pragma integrity_check")[0][0],
            "overhead": requests / baseline_requests - 1, "stderr": stderr[-500:]}


# --- phase 4 -------------------------------------------------------------------------------


def overlap(tmp: Path, servers: list, interval: float, minutes: float) -> dict[str, object]:
    db = tmp / "overlap.db"
    Archive(db).close()  # the schema, so that Datasette can open the file from the start
    config = write_config(tmp / "config-overlap", [s.base_url for s in servers])
    datasette = subprocess.Popen(
        [*datasette_command(db, 0), "--host", "127.0.0.1", "--port", "0", "--setting",
         "sql_time_limit_ms", "20000"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    port = None
    while port is None:
        line = datasette.stderr.readline()
        if "running on" in line:
            port = int(line.rsplit(":", 1)[1].split()[0].strip("/"))
        elif not line and datasette.poll() is not None:
            raise SystemExit("datasette did not start")
    stop = threading.Event()
    reads = {"queries": 0, "locked": 0, "errors": 0}

    def reader() -> None:
        url = f"http://127.0.0.1:{port}/{db.stem}.json?" + urllib.parse.urlencode(
            {"sql": SLOW_QUERY})
        while not stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    reads["locked"] += b"database is locked" in response.read()
                reads["queries"] += 1
            except Exception as exc:  # noqa: BLE001 - counted, and reported below
                reads["errors"] += 1
                reads["locked"] += "locked" in str(exc)

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    running: list[subprocess.Popen] = []
    codes: list[int] = []
    locked = 0
    deadline = time.monotonic() + minutes * 60
    try:
        while time.monotonic() < deadline:
            running.append(start_crawl(config, db))
            next_start = time.monotonic() + interval
            while time.monotonic() < next_start:
                for process in [p for p in running if exited(p)]:
                    code, stderr, _ = finish(process)
                    codes.append(code)
                    locked += "database is locked" in stderr
                    running.remove(process)
                time.sleep(0.1)
        for process in running:
            code, stderr, _ = finish(process)
            codes.append(code)
            locked += "database is locked" in stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(70)
        datasette.terminate()
        datasette.wait(10)
    return {"starts": len(codes), "exit_4": codes.count(4), "codes": codes,
            "locked": locked + reads["locked"], **reads}


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10.0, help="fault soak duration")
    parser.add_argument("--cycles", type=int, default=20, help="kill/resume cycles")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between crawls")
    parser.add_argument("--overlap-minutes", type=float, default=3.0)
    parser.add_argument("--rss-cap-mb", type=float, default=512.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        # A seed per site: twenty copies of one text would be one story to the deduplicator.
        servers = [serve_site(render_demo_site(tmp / f"site-{n}",
                                               synthetic_data(args.articles, seed=n + 1)))
                   for n in range(args.sites)]
        try:
            print(f"soak: {args.sites} sites x {args.articles} articles", flush=True)
            base = progress("baseline", baseline(tmp, [s.base_url for s in servers]))
            requests = sum(len(s.requests) for s in servers)
            faults = progress("faults", fault_soak(tmp, [s.base_url for s in servers],
                                                   args.minutes))
            expected = article_set(tmp / "baseline.db")
            crash = progress("crash", crash_resume(tmp, servers, expected, args.cycles,
                                                   requests))
            lap = progress("overlap", overlap(tmp, servers, args.interval,
                                              args.overlap_minutes))
        finally:
            for server in servers:
                server.close()
    report(args, base, faults, crash, lap)


def progress(phase: str, figures: dict) -> dict:
    """Print a phase's figures as soon as it ends: a long soak cut short still tells."""
    print(f"{phase}: {json.dumps(figures, default=str)}", flush=True)
    return figures


def report(args: argparse.Namespace, base: dict, faults: dict, crash: dict, lap: dict) -> None:
    cap = args.rss_cap_mb
    rows = [
        ("1 baseline", "pages fetched / articles", f"{base['pages']} / {base['articles']}"),
        ("", "pages/s", f"{base['pages/s']:.0f}"),
        ("", "result -> commit p50 / p95", f"{base['p50'] * 1000:.0f} / "
                                            f"{base['p95'] * 1000:.0f} ms"),
        ("", "peak RSS", f"{base['rss']:.0f} MB (cap {cap:.0f})"),
        ("2 faults", f"runs in {args.minutes:g} min (exit codes)",
         f"{faults['runs']} ({', '.join(map(str, faults['codes']))})"),
        ("", "requests / faulted", f"{faults['requests']} / {faults['faulted']} "
                                   f"({faults['faulted'] / max(1, faults['requests']):.0%})"),
        ("", "server log vs fetches: difference", f"{faults['diff']} (+{faults['dropped']} "
                                                  "in flight at the final SIGTERM)"),
        ("", "URLs with more than one outcome", str(faults["duplicates"])),
        ("", "unhandled exceptions", str(faults["tracebacks"])),
        ("", "requests to the private address", f"{faults['private_requests']} "
                                                f"({faults['blocked']} blocked_address)"),
        ("", "Retry-After answers / retried early",
         f"{faults['retry_after']} / {faults['early']} (min slack {faults['slack']:.2f}s)"),
        ("", "peak RSS", f"{faults['rss']:.0f} MB (cap {cap:.0f})"),
        ("3 crash/resume", "kills", f"{crash['kills']['SIGTERM']} SIGTERM, "
                                    f"{crash['kills']['SIGKILL']} SIGKILL"),
        ("", "articles equal to baseline", f"{crash['equal']} (missing {crash['missing']}, "
                                           f"extra {crash['extra']})"),
        ("", "duplicates / integrity_check", f"{crash['duplicates']} / {crash['integrity']}"),
        ("", "refetch overhead", f"{crash['overhead']:+.1%} requests"),
        ("4 overlap", f"crawls started every {args.interval:g}s", f"{lap['starts']} "
                                                                  f"({lap['exit_4']} exit 4)"),
        ("", "Datasette slow queries (errors)", f"{lap['queries']} ({lap['errors']})"),
        ("", '"database is locked"', str(lap["locked"])),
    ]
    width = max(len(r[1]) for r in rows)
    for phase, label, value in rows:
        print(f"{phase:<15} {label:<{width}}  {value}")
    if faults["outcomes"]:
        print("fault soak outcomes:", json.dumps(faults["outcomes"]))
    for example in faults["examples"]:
        print("  difference:", example)


if __name__ == "__main__":
    if sys.argv[1:2] == ["_timed"]:
        timed_crawl(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
