"""Benchmark: ingest-warc's scaling over Dask workers, and the merge into a big archive.

    flock /tmp/newsarchive-bench.lock python bench/warc_ingest.py
        [--articles 1200] [--files 8] [--repeat 3] [--sizes 10000,100000]
        [--merge-articles 1000] [--skip-scaling]

Material: bench/archive_scale.py's articles (20 sites, ~600-word Zipfian news-like texts in
~90 KB tagDiv-like pages with ten widget links each, 900 articles a day) written as HTTP
responses to WARC files with warcio (a request record before each response, as a crawler
writes them), each dated on its publication day, and extracted with a wordpress-tagdiv
site file per site.

1. **Extraction scaling**: the same WARC files made into shards (``make_shard``: read,
   extract with the site file, pack, write the shard) by a plain loop in this process, then
   on a LocalCluster of 1 and of 2 worker processes (started and warmed up off the clock;
   timed from submitting the tasks to the last shard). Records/s per core; targets: 2
   workers >= 1.8x 1 worker, 1 worker >= 0.9x the plain loop; medians of ``--repeat``
   runs. Only meaningful on an otherwise idle machine: the load average before and after is
   printed beside, and the CPU the loop or the workers actually got per second of wall time
   ("cores obtained": 2 workers alone on 2 cores get ~2; less means other work had them).
2. **Merge into a big archive**, at each of ``--sizes`` stored articles (built by
   ``bench/archive_scale.py``'s bulk path: FTS, links, URLs, pages and dedup state): shards
   of the ``--merge-articles`` articles that follow the archive's last (same sites, same
   days, links to stored articles) are merged by
   ``merge_shard`` (FTS, link resolution, dedup, marker, committed), against the anchor: the
   same rows (pages, articles, URLs, links) written by ``executemany`` under the same FTS
   triggers without dedup, committed, right after each merge (under other URLs, see
   ``_raw``). Target: merge >= 0.8x raw. The dedup part of the merge (exact and
   near-duplicates: ``placing.place_articles``) is timed on its own, in CPU per article
   (other jobs on the machine do not inflate it): target flat from the smallest size to
   the largest. Each shard is timed against its own anchor; medians over the shards.

Bounded: about 2 minutes with the defaults; a million articles (``--sizes
10000,100000,1000000``) adds the bulk build's ~10 minutes per million on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import archive_scale  # noqa: E402
from benchlib import machine, median  # noqa: E402
from warcfiles import write_responses  # noqa: E402

from scraper import Archive  # noqa: E402
from scraper.warc import merge as merge_module  # noqa: E402
from scraper.warc.cluster import dask_client  # noqa: E402
from scraper.warc.ingest import plan_jobs  # noqa: E402
from scraper.warc.merge import merge_shard  # noqa: E402
from scraper.warc.shard import make_shard  # noqa: E402

SITE_FILE = """name = "{site}"
extends = "wordpress-tagdiv"
start_urls = ["https://www.{site}.example/"]
"""
HTML = [("Content-Type", "text/html; charset=UTF-8")]


def make_warcs(root: Path, first: int, count: int, files: int) -> tuple[Path, list[Path]]:
    """Articles ``first`` .. ``first + count - 1`` of bench/archive_scale.py's 20 sites (its
    ~90 KB tagDiv-like pages around ~600-word texts, ten widget links to earlier articles),
    each fetched on its publication day, in ``files`` WARC files; (config dir, files)."""
    root.mkdir(parents=True, exist_ok=True)
    config = root / "config"
    (config / "sites").mkdir(parents=True, exist_ok=True)
    for site in archive_scale.SITES:
        (config / "sites" / f"{site}.toml").write_text(SITE_FILE.format(site=site))
    rng = random.Random(first)
    responses = []
    for n in range(first, first + count):
        fields = archive_scale._fields(n, rng)
        date = archive_scale._published(n).isoformat(timespec="seconds").replace("+00:00", "Z")
        responses.append((fields["url"], 200, HTML, archive_scale._page_html(fields), date))
    warcs = [write_responses(root / f"part-{k:02d}.warc.gz", responses[k::files])
             for k in range(files)]
    return config, warcs


def _records(infos: list[dict]) -> int:
    """HTTP responses read (each WARC file also holds a request record per response)."""
    return sum(i["responses"] for i in infos)


def scaling(root: Path, config: Path, warcs: list[Path], repeat: int) -> None:
    jobs = plan_jobs([str(p) for p in warcs], root / "shards", config)
    (root / "shards").mkdir(exist_ok=True)
    load0 = os.getloadavg()
    make_shard(jobs[0])  # imports and caches warm, off the clock
    runs: dict[str, list[tuple[float, float]]] = {}  # label -> (records/s, cores obtained)
    records = articles = 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        infos = [make_shard(job) for job in jobs]
        wall = time.perf_counter() - t0
        runs.setdefault("plain", []).append((_records(infos) / wall,
                                             (time.process_time() - c0) / wall))
        for workers in (1, 2):
            with dask_client(None, workers) as client:  # the LocalCluster ingest-warc starts
                client.gather(client.map(make_shard, jobs[:workers], pure=False))  # warm up
                cpu0 = client.run(time.process_time)
                t0 = time.perf_counter()
                infos = client.gather(client.map(make_shard, jobs, pure=False))
                wall = time.perf_counter() - t0
                cpu1 = client.run(time.process_time)
            cpu = sum(cpu1[w] - cpu0[w] for w in cpu0)
            runs.setdefault(str(workers), []).append((_records(infos) / wall, cpu / wall))
        records, articles = _records(infos), sum(i["articles"] for i in infos)
    load1 = os.getloadavg()
    print(f"\n1. extraction scaling: {len(jobs)} WARC files, {records:,} response records "
          f"({articles:,} articles) per run, {repeat} runs (medians)")
    print(f"   load average before {load0[0]:.2f} / {load0[1]:.2f} / {load0[2]:.2f}, "
          f"after {load1[0]:.2f} / {load1[1]:.2f} / {load1[2]:.2f} (1/5/15 min)")
    print(f"{'':3}{'run':<28}{'records/s':>11}{'per core':>10}{'CPU ms/record':>15}"
          f"{'cores obtained':>16}")
    rate = {k: median([r for r, _ in v]) for k, v in runs.items()}
    for key, label, cores in (("plain", "plain loop, this process", 1),
                              ("1", "LocalCluster, 1 worker", 1),
                              ("2", "LocalCluster, 2 workers", 2)):
        got = median([c for _, c in runs[key]])
        print(f"{'':3}{label:<28}{rate[key]:>11,.0f}{rate[key] / cores:>10,.0f}"
              f"{1000 * got / rate[key]:>15.2f}{got:>16.2f}")
    up, per = rate["2"] / rate["1"], rate["1"] / rate["plain"]
    print(f"   2 workers / 1 worker: x{up:.2f} (target >= 1.8: "
          f"{'met' if up >= 1.8 else 'MISSED'}); 1 worker / plain loop: x{per:.2f} "
          f"(target >= 0.9: {'met' if per >= 0.9 else 'MISSED'})")
    idle = load0[0] < 0.5
    caveat = "" if idle else ": other work shared the cores, the scaling figure is a lower bound"
    print(f"   machine {'idle' if idle else 'NOT idle'} when the run started (1-min load "
          f"{load0[0]:.2f} on {os.cpu_count()} cores){caveat}; 'cores obtained' is the "
          "CPU the loop or the workers got per second of wall time (2 workers on an idle "
          "machine: ~2)")


def _raw(db_path: Path, shard: Path) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to write the shard's rows (sites, pages, articles, URLs, links) by
    ``executemany`` under the archive's FTS triggers, without dedup, committed; and the
    articles written. Run after the shard's merge, with every URL given another host
    (``raw.`` before it), so that these rows are new to the archive as the merge's were, and
    with the archive's state the same but for the rows the merge just added."""
    from sqlite_utils.utils import sqlite3

    src = sqlite3.connect(f"file:{shard}?mode=ro", uri=True)
    rows = {t: src.execute(f"select * from {t}").fetchall()
            for t in ("sites", "pages", "articles", "article_urls", "links")}
    cols = {t: [c[1] for c in src.execute(f"pragma table_info({t})")] for t in rows}
    src.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    for pragma in archive_scale.PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    page0 = conn.execute("select max(id) from pages").fetchone()[0]
    art0 = conn.execute("select max(id) from articles").fetchone()[0]
    shift = {"pages": {"id": page0, "fetch_id": None, "part_of": page0},
             "articles": {"id": art0, "page_id": page0, "cluster_id": None,
                          "duplicate_of": None, "similarity": None},
             "article_urls": {"article_id": art0},
             "links": {"id": None, "article_id": art0, "target_article_id": None}}
    moved = {"url", "canonical", "canonical_url", "final_url"}
    prepared = {}
    for table, table_rows in rows.items():
        index = {c: i for i, c in enumerate(cols[table])}
        out = []
        for row in table_rows:
            row = list(row)
            for column, offset in shift.get(table, {}).items():
                value = row[index[column]]
                row[index[column]] = None if offset is None or value is None else value + offset
            if table != "links":
                for column in moved & set(index):
                    if isinstance(row[index[column]], str):
                        row[index[column]] = row[index[column]].replace("://", "://raw.", 1)
            out.append(row)
        prepared[table] = (f"insert or ignore into {table} ({', '.join(cols[table])}) "
                           f"values ({', '.join('?' * len(cols[table]))})", out)
    t0, c0 = time.perf_counter(), time.process_time()
    conn.execute("begin")
    for sql, table_rows in prepared.values():
        conn.executemany(sql, table_rows)
    conn.execute("commit")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    conn.close()
    return seconds, cpu, len(rows["articles"])


def merge_at(size: int, root: Path, merge_articles: int, shards: int,
             page_bytes: int) -> dict:
    """Merge ``shards`` shards of ``merge_articles`` articles in all into an archive of
    ``size``, each against its raw anchor; per-shard figures and their medians."""
    db_path = root / f"big-{size}.db"
    built = archive_scale.bulk_build(db_path, size, page_bytes, progress=False)
    config, warcs = make_warcs(root / f"merge-{size}", size + 1, merge_articles, shards)
    jobs = plan_jobs([str(p) for p in warcs], root / f"merge-{size}" / "shards", config)
    (root / f"merge-{size}" / "shards").mkdir(exist_ok=True)
    for job in jobs:
        make_shard(job)
    per_shard = []
    with Archive(db_path) as archive:
        archive.lock_for_crawl()
        crawl_id = archive.start_crawl([])
        place = merge_module.place_articles
        dedup_cpu = [0.0]

        def timed_place(*args, **kwargs):
            c = time.process_time()
            try:
                return place(*args, **kwargs)
            finally:
                dedup_cpu[0] += time.process_time() - c

        merge_module.place_articles = timed_place  # the dedup part of the merge, timed
        for job in jobs:
            dedup_cpu[0] = 0.0
            t0, c0 = time.perf_counter(), time.process_time()
            merged = merge_shard(archive, Path(job.shard), crawl_id)["articles_new"]
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            raw_wall, raw_cpu, count = _raw(db_path, Path(job.shard))  # after: see _raw
            per_shard.append({"merge": merged / wall, "raw": count / raw_wall,
                              "ratio": (merged / wall) / (count / raw_wall),
                              "merge_cpu": cpu / merged * 1000, "raw_cpu": raw_cpu / count * 1000,
                              "dedup_cpu": dedup_cpu[0] / merged * 1000, "merged": merged})
        merge_module.place_articles = place
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(root / f"merge-{size}", ignore_errors=True)
    out = {k: median([r[k] for r in per_shard]) for k in per_shard[0]}
    return {**out, "size": size, "build": built["seconds"],
            "merged": sum(r["merged"] for r in per_shard), "shards": len(per_shard)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1200, help="site size for part 1")
    parser.add_argument("--files", type=int, default=8, help="WARC files for part 1")
    parser.add_argument("--sizes", default="10000,100000",
                        help="archive sizes for part 2 (add 1000000 for the million)")
    parser.add_argument("--merge-articles", type=int, default=2000,
                        help="new articles merged at each size")
    parser.add_argument("--merge-shards", type=int, default=4,
                        help="in this many shards (each timed against its raw anchor)")
    parser.add_argument("--page-bytes", type=int, default=10_000,
                        help="stored page per article of the big archive (archive_scale.py)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of part 1 (medians)")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        root = Path(tmp)
        if not args.skip_scaling:
            config, warcs = make_warcs(root / "scaling", 1, args.articles, args.files)
            scaling(root / "scaling", config, warcs, args.repeat)
        rows = []
        for size in [int(s) for s in args.sizes.split(",")]:
            rows.append(merge_at(size, root, args.merge_articles, args.merge_shards,
                                 args.page_bytes))
            print(f"   (built {size:,} in {rows[-1]['build']:.0f} s)", file=sys.stderr,
                  flush=True)
    print(f"\n2. merge into an archive with FTS and dedup ({rows[0]['merged']:,} new articles "
          f"per size in {rows[0]['shards']} shards; medians over the shards)")
    print(f"{'':3}{'stored':>10}{'raw/s':>8}{'merge/s':>9}{'ratio':>7}{'raw CPU ms':>12}"
          f"{'merge CPU ms':>14}{'CPU ratio':>11}{'dedup CPU ms':>14}  (per article)")
    for r in rows:
        print(f"{'':3}{r['size']:>10,}{r['raw']:>8,.0f}{r['merge']:>9,.0f}{r['ratio']:>7.2f}"
              f"{r['raw_cpu']:>12.3f}{r['merge_cpu']:>14.3f}"
              f"{r['raw_cpu'] / r['merge_cpu']:>11.2f}{r['dedup_cpu']:>14.3f}")
    last, first = rows[-1], rows[0]
    spread = max(r["dedup_cpu"] for r in rows) / min(r["dedup_cpu"] for r in rows) - 1
    print(f"   merge / raw at {last['size']:,} stored: x{last['ratio']:.2f} (target >= 0.8: "
          f"{'met' if last['ratio'] >= 0.8 else 'MISSED'}; worst size x"
          f"{min(r['ratio'] for r in rows):.2f}); dedup CPU per merged article at "
          f"{last['size']:,} against {first['size']:,} stored: x"
          f"{last['dedup_cpu'] / first['dedup_cpu']:.2f} (spread over the sizes {spread:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
