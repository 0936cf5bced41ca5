"""Benchmark: the archive at a million articles (build, size, search, facets, export, crawl).

    python bench/archive_scale.py [--articles 1000000] [--db PATH [--reuse]] [--real 2000]

Builds a synthetic archive of ``--articles`` articles (~600 words of Zipfian news-like text,
10 widget links, one URL, a fetch, a stored raw page of ``--page-bytes`` compressed bytes,
its frontier row and its dedup state: MinHash row and 32 LSH band rows), 20 sites, 900 new
articles a day. Then prints:

- **insert rate**: the real store path (``Archive.write_batch`` with ``PageOutcome`` objects,
  batches of 25 as a crawl writes them, dedup and FTS included; pages compressed and texts
  shingled beforehand, as the crawl does on its parse threads) on an empty archive, and the
  bulk path used to build the big archive: the same rows and the same FTS triggers, written
  by ``executemany`` in transactions of 1,000 articles, text generated in a second process.
  The real path is too slow to build a million rows within a benchmark (see its rate), so
  the big archive is built in bulk and the real path is measured at both ends.
- **size** per article, and per table (dbstat);
- **open**: ``Archive(path)`` on the big file (migrations check and dedup init);
- **FTS latency** p50/p95 of common queries, as the canned ``search`` query runs them
  (BM25, snippet, top 50) and as Datasette's table search does (newest first + count);
- **facets** p50/p95 for a site + month filter, each facet as Datasette runs it;
- **one more crawl batch** and a day's worth of articles through the real path at full size;
- **nightly export**: ``export_articles(..., since_last_export=True)`` after that day.

Latencies are wall-clock with a warm page cache (each query once untimed first), medians
and 95th percentiles of repeated runs in this one process. ``--db`` keeps the archive;
``--reuse`` skips the build when it exists. Bounded: about 10 minutes per million articles
of build on 2 cores, plus the queries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlite_utils.utils import sqlite3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import TextModel, machine, median, percentile  # noqa: E402

from scraper import (  # noqa: E402
    Archive,  # noqa: E402
    Article,
    ExportFilters,
    Link,
    export_articles,
    fts_query,
)
from scraper.store.archive import PRAGMAS, PageOutcome  # noqa: E402
from scraper.store.dedupschema import period  # noqa: E402
from scraper.store.pages import pack  # noqa: E402

SITES = [f"site{n:02d}" for n in range(20)]
SECTIONS = ["Politics", "Business", "Sport", "Culture", "World", "Local", "Science", "Opinion"]
PER_DAY = 900
START = datetime(2023, 1, 1, tzinfo=UTC)
CHUNK = 1000  # articles per bulk transaction
LINKS = 10
BANDS = 32
FETCHED_AT = "2026-01-01T00:00:00+00:00"
# Common searches with their rank in the word list (document frequency printed beside).
QUERIES = ["council", "ferry", "harbour", "inflation", "council budget", '"city council"',
           "harb*", "strike OR protest", "museum NOT football", "tenants landlords"]


def _url(site: str, n: int) -> str:
    return f"https://www.{site}.example/2024/story-{n}/"


def _published(n: int) -> datetime:
    return START + timedelta(seconds=n * 86400 / PER_DAY)


_MODEL: tuple[int, TextModel] | None = None


def _model() -> TextModel:
    """One text model per process (a forked worker must not repeat its parent's texts)."""
    global _MODEL
    if _MODEL is None or _MODEL[0] != os.getpid():
        _MODEL = (os.getpid(), TextModel(sample_seed=os.getpid()))
    return _MODEL[1]


def _fields(n: int, rng: random.Random) -> dict:
    model = _model()
    site = SITES[n % len(SITES)]
    text = model.article(600)
    authors = [f"{site.title()} Writer {rng.randrange(30)}"]
    tags = sorted({f"Tag {rng.randrange(400)}" for _ in range(3)})
    return {"site": site, "url": _url(site, n), "title": model.phrase(9),
            "section": SECTIONS[rng.randrange(len(SECTIONS))], "authors": authors,
            "published": _published(n).isoformat(timespec="seconds"), "tags": tags,
            "lead": model.phrase(25), "text": text,
            "targets": [max(1, n - rng.randrange(1, 5000)) for _ in range(LINKS)]}


def _bulk_rows(args: tuple[int, int, int, int]) -> dict[str, list[tuple]]:
    """Rows of every table for articles ``start`` .. ``start + count - 1`` (in a worker)."""
    start, count, page_bytes, crawl_id = args
    rng = random.Random(start)
    blobs = [os.urandom(page_bytes) for _ in range(4)]
    rows: dict[str, list[tuple]] = {k: [] for k in (
        "fetches", "pages", "articles", "article_urls", "links", "frontier", "minhashes",
        "lsh_bands")}
    kinds = ["latest"] * 5 + ["related"] * 3 + ["must_read"] * 2
    for n in range(start, start + count):
        f = _fields(n, rng)
        site, url = f["site"], f["url"]
        chash = hashlib.sha256(" ".join(f["text"].split()).encode()).hexdigest()
        rows["fetches"].append((n, crawl_id, site, url, url, "page", 200, "ok", None,
                                "text/html; charset=UTF-8", page_bytes * 10, 0.05, 1,
                                FETCHED_AT))
        rows["pages"].append((n, n, site, url, url, 200,
                              '{"content-type": "text/html; charset=UTF-8"}',
                              blobs[n % 4], page_bytes * 10, "zstd", FETCHED_AT))
        rows["articles"].append((
            n, site, url, url, f["title"], f["section"], json.dumps(f["authors"]),
            f["published"], f["published"], "en", json.dumps(f["tags"]), f["lead"],
            f"https://www.{site}.example/img/{n}.jpg", f["text"], len(f["text"].split()),
            chash, '{"sources": {"title": "selector", "text": "selector"}, "warnings": []}',
            FETCHED_AT, FETCHED_AT, n, None, 1))
        rows["article_urls"].append((url, url, n, "article", FETCHED_AT))
        for position, (kind, target) in enumerate(zip(kinds, f["targets"], strict=True)):
            target_url = _url(SITES[target % len(SITES)], target)
            rows["links"].append((n, kind, position + 1, f"Story {target}", target_url,
                                  None, kind.replace("_", " ").title(), target_url,
                                  target if target < n else None))
        rows["frontier"].append((url, site, "page", 1, "done", "sitemap", FETCHED_AT,
                                 FETCHED_AT, 200, f'"{n:x}"', None, None, n))
        month = period(f["published"], None)
        rows["minhashes"].append((n, chash, rng.randbytes(256), month))
        rows["lsh_bands"].extend((month, rng.getrandbits(63), n) for _ in range(BANDS))
    return rows


INSERTS = {
    "fetches": "insert into fetches (id, crawl_id, site, url, final_url, kind, status, outcome,"
               " error, content_type, bytes, elapsed, attempts, fetched_at) values "
               "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "pages": "insert into pages (id, fetch_id, site, url, final_url, status, headers, body, "
             "body_size, compression, fetched_at) values (?,?,?,?,?,?,?,?,?,?,?)",
    "articles": "insert into articles (id, site, url, canonical_url, title, section, authors, "
                "published, modified, language, tags, lead, image, text, word_count, "
                "content_hash, extraction, first_seen, last_seen, page_id, discovery, version)"
                " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "article_urls": "insert into article_urls (url, canonical, article_id, source, first_seen)"
                    " values (?,?,?,?,?)",
    "links": "insert into links (article_id, kind, position, title, url, teaser, heading, "
             "target_url, target_article_id) values (?,?,?,?,?,?,?,?,?)",
    "frontier": "insert into frontier (url, site, kind, depth, state, source, first_seen, "
                "last_fetched, last_status, etag, last_modified, hint, article_id) values "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "minhashes": "insert into minhashes (article_id, content_hash, signature, period) values "
                 "(?,?,?,?)",
    "lsh_bands": "insert or ignore into lsh_bands (period, bucket, article_id) values (?,?,?)",
}


def _prepare(db_path: Path) -> int:
    """Create the schema through the real Archive, the sites, and one crawl; its id."""
    with Archive(db_path) as archive:
        for site in SITES:
            archive.db["sites"].insert({"name": site, "extends": "wordpress-tagdiv",
                                        "start_urls": json.dumps([f"https://www.{site}.example/"])})
        return archive.start_crawl(SITES)


def bulk_build(db_path: Path, count: int, page_bytes: int, first: int = 1,
               progress: bool = True) -> dict[str, float]:
    crawl_id = _prepare(db_path) if first == 1 else 1
    conn = sqlite3.connect(db_path, isolation_level=None)
    _pragmas(conn)
    jobs = [(s, min(CHUNK, first + count - s), page_bytes, crawl_id)
            for s in range(first, first + count, CHUNK)]
    rates: list[float] = []
    started = time.perf_counter()
    write_seconds = 0.0
    done = 0
    with multiprocessing.get_context("fork").Pool(1) as pool:
        ahead: deque = deque()  # at most 3 chunks generated ahead: memory stays bounded
        for job in jobs[:3]:
            ahead.append(pool.apply_async(_bulk_rows, (job,)))
        next_job = 3
        while ahead:
            rows = ahead.popleft().get()
            if next_job < len(jobs):
                ahead.append(pool.apply_async(_bulk_rows, (jobs[next_job],)))
                next_job += 1
            t0 = time.perf_counter()
            conn.execute("begin")
            for table, sql in INSERTS.items():
                conn.executemany(sql, rows[table])
            conn.execute("commit")
            elapsed = time.perf_counter() - t0
            write_seconds += elapsed
            n = len(rows["articles"])
            done += n
            rates.append(n / elapsed)
            if progress and done % 50_000 < CHUNK:
                total = time.perf_counter() - started
                print(f"  built {done:>9,} articles: {done / total:,.0f}/s overall, "
                      f"{n / elapsed:,.0f}/s writing the last chunk", file=sys.stderr,
                      flush=True)
    total = time.perf_counter() - started
    conn.close()
    tail = rates[-max(1, len(rates) // 10):]
    return {"articles": count, "seconds": total, "rate": count / total,
            "write_rate": count / write_seconds, "tail_rate": median(tail)}


def _pragmas(conn: sqlite3.Connection) -> None:
    """What Archive() sets (store.py), so bulk and real writes see the same database."""
    for pragma in (*PRAGMAS, "journal_mode = wal"):
        conn.execute(f"PRAGMA {pragma}")


# -- the real store path ------------------------------------------------------------------------

_BOILERPLATE = None


def _page_html(f: dict) -> bytes:
    """A ~90 KB tagDiv-like page around the article (what the crawler would have fetched)."""
    global _BOILERPLATE
    if _BOILERPLATE is None:
        rng = random.Random(3)
        menu = "".join(f'<li class="menu-item"><a href="/category/c{i}/">Section {i}</a></li>'
                       for i in range(120))
        script = json.dumps({f"k{i}": rng.random() for i in range(1500)})
        _BOILERPLATE = (f'<div class="td-header-menu"><ul>{menu}</ul></div>',
                        f"<script>var tdConfig = {script};</script>")
    paragraphs = "".join(f"<p>{p}</p>" for p in f["text"].split("\n\n"))
    links = "".join(f'<div class="td_module_wrap"><h3 class="entry-title"><a href="'
                    f'{_url(SITES[t % 20], t)}">Story {t}</a></h3></div>' for t in f["targets"])
    return (f'<!doctype html><html lang="en"><head><title>{f["title"]}</title>'
            f'{_BOILERPLATE[1]}</head><body class="single-post">{_BOILERPLATE[0]}'
            f'<h1 class="entry-title">{f["title"]}</h1><div class="td-post-content">'
            f'{paragraphs}</div><div class="td_block_wrap">{links}</div>'
            f'{_BOILERPLATE[0]}</body></html>').encode()


def real_outcomes(first: int, count: int) -> list[PageOutcome]:
    rng = random.Random(first)
    kinds = ["latest"] * 5 + ["related"] * 3 + ["must_read"] * 2
    outcomes = []
    for n in range(first, first + count):
        f = _fields(n, rng)
        links = [Link(kind, i + 1, f"Story {t}", _url(SITES[t % 20], t),
                      heading=kind.replace("_", " ").title())
                 for i, (kind, t) in enumerate(zip(kinds, f["targets"], strict=True))]
        article = Article(url=f["url"], canonical_url=f["url"], title=f["title"],
                          section=f["section"], authors=f["authors"], published=f["published"],
                          modified=f["published"], language="en", tags=f["tags"],
                          lead=f["lead"], text=f["text"], links=links, is_article=True,
                          sources={"title": "selector", "text": "selector"})
        body = _page_html(f)
        # Packed as the crawl packs it, on its parse threads before the batch is written.
        outcomes.append(PageOutcome(packed=pack(body, article.text),
            site=f["site"], url=f["url"], final_url=f["url"], kind="page", status=200,
            outcome="ok", content_type="text/html; charset=UTF-8", bytes=len(body),
            elapsed=0.05, depth=1, headers={"content-type": "text/html; charset=UTF-8",
                                            "etag": f'"{n:x}"'},
            body=body, article=article))
    return outcomes


def real_path(db_path: Path, first: int, count: int, batch: int = 25) -> dict[str, float]:
    """Write ``count`` articles through Archive.write_batch in crawl-sized batches."""
    c0 = time.process_time()
    outcomes = real_outcomes(first, count)  # generated and packed off the clock
    pack_ms = (time.process_time() - c0) / count * 1000  # generation included: an upper bound
    with Archive(db_path) as archive:
        if not archive.db["sites"].count:
            for site in SITES:
                archive.db["sites"].insert({"name": site, "extends": "wordpress-tagdiv"})
        crawl_id = archive.start_crawl(SITES)
        batch_ms = []
        cpu0, t0 = time.process_time(), time.perf_counter()
        for start in range(0, count, batch):
            b0 = time.perf_counter()
            archive.write_batch(crawl_id, outcomes[start:start + batch])
            batch_ms.append((time.perf_counter() - b0) * 1000)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"rate": count / wall, "cpu_ms": cpu / count * 1000, "pack_ms": pack_ms,
            "batch_p50": median(batch_ms), "batch_p95": percentile(batch_ms, 95)}


# -- queries --------------------------------------------------------------------------------------

# The canned search exactly as the archive's Datasette runs it.
CANNED_SEARCH = yaml.safe_load((Path(__file__).resolve().parents[1] / "archive" / "metadata.yml"
                                ).read_text("utf-8"))["databases"]["news"]["queries"]["search"]["sql"]
# Datasette's table search runs escape_fts(:search), which the archive's plugin makes
# scraper.search.fts_query, as the canned search's fts_query(:q, :advanced) is.
TABLE_SEARCH = ("select id, site, title, published from articles where rowid in "
                "(select rowid from articles_fts where articles_fts match escape_fts(:q)) "
                "order by published desc limit 51")
TABLE_SEARCH_COUNT = ("select count(*) from articles where rowid in "
                      "(select rowid from articles_fts where articles_fts match escape_fts(:q))")

FILTER = "site = :site and published >= :lo and published < :hi"
FACETS = {
    "rows (page of 50)": f"select * from articles where {FILTER} order by published desc "
                         "limit 51",
    "count": f"select count(*) from articles where {FILTER}",
    "facet site": f"select site as value, count(*) as count from (select * from articles "
                  f"where {FILTER}) where site is not null group by site "
                  "order by count desc, value limit 31",
    "facet section": f"select section as value, count(*) as count from (select * from "
                     f"articles where {FILTER}) where section is not null group by section "
                     "order by count desc, value limit 31",
    "facet authors (array)": f"select j.value as value, count(*) as count from (select * from "
                             f"articles where {FILTER}) a join json_each(a.authors) j "
                             "group by j.value order by count desc, value limit 31",
    "facet tags (array)": f"select j.value as value, count(*) as count from (select * from "
                          f"articles where {FILTER}) a join json_each(a.tags) j "
                          "group by j.value order by count desc, value limit 31",
    "facet published (day)": f"select date(published) as value, count(*) as count from "
                             f"(select * from articles where {FILTER}) where published is "
                             "not null group by value order by count desc, value limit 31",
    "facet language": f"select language as value, count(*) as count from (select * from "
                      f"articles where {FILTER}) where language is not null group by "
                      "language order by count desc, value limit 31",
}


def _timed(conn: sqlite3.Connection, sql: str, params: dict, repeat: int) -> list[float]:
    conn.execute(sql, params).fetchall()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def query_latency(db_path: Path, count: int, repeat: int) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.execute("PRAGMA cache_size = -65536")  # what Datasette gets: its own connection
    conn.create_function("escape_fts", 1, fts_query)  # as archive/plugins/search_query.py
    conn.create_function("fts_query", 2, lambda q, advanced: fts_query(q, bool(advanced)))
    print(f"\nFTS queries ({repeat} timed runs each, warm cache; ms)")
    print(f"{'query':<24}{'matches':>9}{'df':>7}{'canned p50':>12}{'p95':>8}"
          f"{'table p50':>11}{'p95':>8}{'count p50':>11}{'p95':>8}")
    canned_all, table_all = [], []
    for q in QUERIES:
        # The queries with operators are written in FTS5 syntax: the advanced switch.
        params = {"q": q, "advanced": "1" if {"OR", "NOT", "AND"} & set(q.split()) else ""}
        matches = conn.execute(TABLE_SEARCH_COUNT, params).fetchone()[0]
        canned = _timed(conn, CANNED_SEARCH, params, repeat)
        table = _timed(conn, TABLE_SEARCH, params, repeat)
        counted = _timed(conn, TABLE_SEARCH_COUNT, params, repeat)
        canned_all += canned
        table_all += [a + b for a, b in zip(table, counted, strict=True)]
        print(f"{q:<24}{matches:>9,}{matches / count:>7.1%}{median(canned):>12.1f}"
              f"{percentile(canned, 95):>8.1f}{median(table):>11.1f}"
              f"{percentile(table, 95):>8.1f}{median(counted):>11.1f}"
              f"{percentile(counted, 95):>8.1f}")
    print(f"{'all queries':<40}{median(canned_all):>12.1f}{percentile(canned_all, 95):>8.1f}"
          f"{'rows+count':>11}{percentile(table_all, 95):>8.1f} (p95)")
    fts_p95 = percentile(canned_all, 95)

    rng = random.Random(5)
    months = max(1, int(count / PER_DAY / 30.4))
    filters = []
    for _ in range(8):
        month = START + timedelta(days=30.4 * rng.randrange(months))
        lo = month.strftime("%Y-%m-01")
        hi = (month.replace(day=28) + timedelta(days=5)).strftime("%Y-%m-01")
        filters.append({"site": rng.choice(SITES), "lo": lo, "hi": hi})
    rows_per = median([conn.execute(FACETS["count"], f).fetchone()[0] for f in filters])
    print(f"\nsite + month filter ({len(filters)} site-months of ~{rows_per:,.0f} articles, "
          f"{repeat} runs each; ms)")
    print(f"{'query':<26}{'p50':>8}{'p95':>8}")
    page_total: list[float] = [0.0] * (len(filters) * repeat)
    facet_all = []
    for name, sql in FACETS.items():
        times = [t for f in filters for t in _timed(conn, sql, f, repeat)]
        page_total = [a + b for a, b in zip(page_total, times, strict=True)]
        if name.startswith("facet"):
            facet_all += times
        print(f"{name:<26}{median(times):>8.1f}{percentile(times, 95):>8.1f}")
    print(f"{'whole page (sum)':<26}{median(page_total):>8.1f}{percentile(page_total, 95):>8.1f}")
    conn.close()
    print(f"\ntarget FTS p95 < 100 ms (canned search): {fts_p95:.1f} ms "
          f"{'met' if fts_p95 < 100 else 'MISSED'}; facet p95 < 200 ms: "
          f"{percentile(facet_all, 95):.1f} ms "
          f"{'met' if percentile(facet_all, 95) < 200 else 'MISSED'}")


def sizes(db_path: Path, count: int, with_dbstat: bool) -> None:
    size = db_path.stat().st_size
    print(f"\nfile: {size / 2**30:,.2f} GiB, {size / count:,.0f} bytes per article")
    if not with_dbstat:
        return
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("select name, sum(pgsize) from dbstat group by name "
                            "order by 2 desc").fetchall()
    except sqlite3.OperationalError as exc:
        print(f"  (no dbstat: {exc})")
        return
    finally:
        conn.close()
    print(f"{'table or index':<44}{'bytes/article':>14}{'share':>8}")
    for name, total in rows[:16]:
        print(f"{name:<44}{total / count:>14,.0f}{total / size:>8.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="keep the archive here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="skip the build if --db exists")
    parser.add_argument("--real", type=int, default=2000,
                        help="articles written through the real path on an empty archive")
    parser.add_argument("--page-bytes", type=int, default=10_000,
                        help="stored (compressed) raw page per article: 9.9 KB is what zstd-3 "
                             "with the site's dictionary makes of a ~100 KB page (storage.py)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query")
    parser.add_argument("--no-dbstat", action="store_true", help="skip the per-table sizes")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}; archive of {args.articles:,} articles", flush=True)
    with tempfile.TemporaryDirectory(dir=args.db.parent if args.db else None) as tmp:
        small = Path(tmp) / "real.db"
        real0 = real_path(small, 1, args.real)
        db_path = args.db or Path(tmp) / "news.db"
        if args.reuse and db_path.exists():
            built = None
            count = args.articles
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            built = bulk_build(db_path, args.articles, args.page_bytes)
            count = args.articles
        print(f"\n{'write path':<52}{'articles/s':>11}{'CPU ms/art':>11}")
        print(f"{'real: Archive.write_batch, empty archive':<52}{real0['rate']:>11,.0f}"
              f"{real0['cpu_ms']:>11.2f}")
        print(f"{'  + making and packing each article (parse threads)':<52}{'':>11}"
              f"{real0['pack_ms']:>11.2f}")
        if built:
            print(f"{'bulk build, overall (incl. text generation)':<52}{built['rate']:>11,.0f}")
            print(f"{'bulk build, SQLite writes only':<52}{built['write_rate']:>11,.0f}")
            print(f"{'bulk build, SQLite writes, last 10 % (sustained)':<52}"
                  f"{built['tail_rate']:>11,.0f}")
            print(f"target >= 2,000 articles/s sustained insert (bulk, last 10 %): "
                  f"{'met' if built['tail_rate'] >= 2000 else 'MISSED'}; real path: "
                  f"{'met' if real0['rate'] >= 2000 else 'MISSED'}")
        sizes(db_path, count, not args.no_dbstat)
        t0 = time.perf_counter()
        Archive(db_path).close()
        print(f"\nArchive() open at this size: {(time.perf_counter() - t0) * 1000:,.0f} ms")
        query_latency(db_path, count, args.repeat)

        # a night: one crawl batch, a day's worth of articles, the incremental export
        conn = sqlite3.connect(db_path)
        last_article = conn.execute("select max(id) from articles").fetchone()[0]
        last_version = conn.execute("select coalesce(max(id), 0) from article_versions"
                                    ).fetchone()[0]
        conn.execute("insert or replace into exports (name, last_article_id, last_version_id,"
                     " format, path, articles, exported_at) values ('nightly', ?, ?, 'jsonl',"
                     " 'x', 0, ?)", [last_article, last_version, FETCHED_AT])
        conn.commit()
        conn.close()
        day = real_path(db_path, last_article + 1, PER_DAY)
        print(f"\nat {count:,} articles, through the real path (batches of 25):")
        print(f"  one crawl batch of 25 articles: p50 {day['batch_p50']:,.0f} ms, "
              f"p95 {day['batch_p95']:,.0f} ms")
        print(f"  a day's worth ({PER_DAY} articles): {day['rate']:,.0f} articles/s, "
              f"{day['cpu_ms']:.2f} CPU ms per article (empty archive: {real0['rate']:,.0f}/s)")
        out = Path(tmp) / "nightly.jsonl"
        t0 = time.perf_counter()
        written = export_articles(db_path, str(out), "jsonl",
                                  ExportFilters(since_last_export=True, name="nightly"))
        print(f"  nightly export --since-last-export: {written:,} articles in "
              f"{time.perf_counter() - t0:,.2f} s ({out.stat().st_size / 2**20:,.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
