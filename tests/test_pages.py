"""Raw pages in the archive: compressed with a dictionary per site, read back as served."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from conftest import write_local_site
from sqlite_utils.utils import sqlite3

from scraper import ArchiveError, crawl, export_articles
from scraper.demo import add_articles, render_demo_site, serve_site, synthetic_data
from scraper.store.pages import (
    DICT_SAMPLES,
    PageDictionary,
    PageReader,
    compress_page,
    train_dictionary,
)


def stored_pages_as_served(db_path: Path, after_id: int = 0) -> list[tuple]:
    """The pages stored after ``after_id``, each checked to read back as the server sends
    it now: (id, stored size, dictionary id)."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("select id, final_url, body, compression, dictionary_id from pages "
                          "where id > ? order by id", [after_id]).fetchall()
        reader = PageReader(db)
        for _, url, body, compression, dictionary_id in rows:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert reader.body(body, compression, dictionary_id) == response.read()
    return [(key, len(body), dictionary_id) for key, _, body, _, dictionary_id in rows]


def test_pages_after_a_sites_first_ones_use_its_dictionary_and_read_back_as_served(
        tmp_path, config_dir):
    data = synthetic_data(DICT_SAMPLES + 40)
    site_dir = render_demo_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        # One fetch at a time: no page is packed while the dictionary trains
        write_local_site(config_dir, "herald", server.base_url, politeness="concurrency = 1")
        assert crawl(config_dir, db_path).status == "ok"
        first = stored_pages_as_served(db_path)
        add_articles(data, 3)
        render_demo_site(site_dir, data)  # the old pages' "latest news" change too
        assert crawl(config_dir, db_path).counts["articles_new"] == 3  # the next night
        second = stored_pages_as_served(db_path, first[-1][0])
    with sqlite3.connect(db_path) as db:
        dictionaries = db.execute("select id, site, samples from page_dictionaries").fetchall()
    # One dictionary, trained in the first crawl and used by the second.
    assert [(site, samples) for _, site, samples in dictionaries] == [("herald", DICT_SAMPLES)]
    plain = [size for _, size, dictionary_id in first if dictionary_id is None]
    packed = [size for _, size, dictionary_id in first if dictionary_id is not None]
    assert len(plain) == DICT_SAMPLES and len(packed) == len(first) - DICT_SAMPLES >= 40
    assert len(second) == 3 and {d for _, _, d in second} == {dictionaries[0][0]}
    assert sum(packed) / len(packed) < 0.8 * sum(plain) / len(plain)
    # Every reader of stored pages decodes them: the WARC export reads all of them.
    assert export_articles(db_path, str(tmp_path / "all.warc"), "warc") == len(first) + 3


def test_a_site_with_few_articles_a_night_gets_its_dictionary_from_several_runs(
        tmp_path, config_dir):
    data = synthetic_data(DICT_SAMPLES // 2)
    site_dir = render_demo_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        write_local_site(config_dir, "herald", server.base_url, politeness="concurrency = 1")
        crawl(config_dir, db_path)
        first = stored_pages_as_served(db_path)
        add_articles(data, DICT_SAMPLES // 2 + 10)
        render_demo_site(site_dir, data)
        crawl(config_dir, db_path)
        second = stored_pages_as_served(db_path, first[-1][0])
    assert {d for _, _, d in first} == {None}  # too few pages to train on in one run
    with sqlite3.connect(db_path) as db:
        assert db.execute("select samples from page_dictionaries").fetchall() == [
            (DICT_SAMPLES,)]
    assert [d is not None for _, _, d in second][-10:] == [True] * 10


def test_a_page_compressed_with_a_dictionary_needs_it_to_be_read(tmp_path):
    pages = [f"<html><nav>{'menu ' * 400}</nav><p>story {n}</p></html>".encode() * 3
             for n in range(DICT_SAMPLES)]
    data = train_dictionary([compress_page(p) for p in pages])
    assert data is not None
    db = sqlite3.connect(tmp_path / "d.db")
    db.execute("create table page_dictionaries (id integer primary key, dictionary blob)")
    db.execute("insert into page_dictionaries values (7, ?)", [data])
    blob = compress_page(pages[0], PageDictionary(7, data))
    assert PageReader(db).body(blob, "zstd", 7) == pages[0]
    with pytest.raises(ArchiveError, match="dictionary 8 is not in the archive"):
        PageReader(db).body(blob, "zstd", 8)


def test_too_little_to_train_on_gives_no_dictionary():
    assert train_dictionary([compress_page(b"<p>tiny</p>")] * 3) is None



def test_two_archives_dictionaries_with_the_same_id_do_not_mix(tmp_path):
    """Ids are per archive; one process (a parse thread) may compress for two."""
    readers = []
    for n, word in enumerate(("harbour", "council")):
        pages = [f"<html><nav>{(word + ' ') * 400}</nav><p>{i}</p></html>".encode()
                 for i in range(DICT_SAMPLES)]
        data = train_dictionary([compress_page(p) for p in pages])
        db = sqlite3.connect(tmp_path / f"{n}.db")
        db.execute("create table page_dictionaries (id integer primary key, dictionary blob)")
        db.execute("insert into page_dictionaries values (1, ?)", [data])
        readers.append((pages[0], compress_page(pages[0], PageDictionary(1, data)),
                        PageReader(db)))
    for page, blob, reader in readers:
        assert reader.body(blob, "zstd", 1) == page
