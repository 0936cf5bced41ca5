"""The package is laid out as the pipeline: imports only run down the map drawn in
scraper/__init__.py, and extraction and store never import each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scraper"
SHARED = {"article", "config", "errors", "knobs", "memory", "search", "sitecheck", "sqlite",
          "urlpatterns", "urls", "vocab"}
# What each part may import besides itself and the shared modules.
ALLOWED = {
    "shared": set(),
    "fetch": set(),
    "extraction": {"fetch"},
    "store": set(),
    "crawler": {"fetch", "extraction", "store"},
    "demo": {"crawler", "fetch", "extraction", "store"},
    # WARC files and Dask: the crawl's parse and store steps over records fetched elsewhere
    "warc": {"crawler", "fetch", "extraction", "store"},
    "cli": {"crawler", "demo", "fetch", "extraction", "store", "sitescli", "warccli"},
    "sitescli": {"cli", "crawler", "fetch", "extraction", "store"},
    "warccli": {"cli", "warc"},
    "__init__": {"crawler", "fetch", "extraction", "store", "warc"},
    "__main__": {"cli"},
}


def _part(module: str) -> str:
    top = module.split(".")[0]
    return "shared" if top in SHARED else top


def _imports(path: Path) -> set[str]:
    """The scraper modules ``path`` imports, as dotted names under scraper."""
    here = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[:len(here) - node.level])
            target = ".".join(base + ([node.module] if node.module else []))
            found.add(target or node.names[0].name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scraper."):
            found.add(node.module.removeprefix("scraper."))
    return found


def test_imports_only_run_down_the_pipeline() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = _part(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        for target in _imports(path):
            other = _part(target)
            if other not in ("shared", part) and other not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(PACKAGE)} -> {target}")
    assert wrong == []


def test_every_module_is_readable_in_one_sitting() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > 520}
    assert long == {}


def test_only_scraper_sqlite_imports_the_sqlite_libraries() -> None:
    """One SQLite library per process, and pandas hidden while sqlite-utils loads: every
    other module takes ``sqlite3`` and ``sqlite_utils`` from scraper/sqlite.py."""
    direct = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "sqlite.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            direct += [f"{path.relative_to(PACKAGE)}: {n}" for n in names
                       if n.split(".")[0] in ("sqlite3", "sqlite_utils", "pysqlite3")]
    assert direct == []


def _printed_by(probe: str) -> list[str]:
    """The words a fresh interpreter running ``probe`` prints (what it imported is its own)."""
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.split()


def test_a_crawl_process_does_not_load_pandas() -> None:
    """sqlite-utils imports pandas when it is installed (the test extra has it): 70 MiB of a
    crawl's memory for a type mapping newsarchive never uses (scraper/sqlite.py)."""
    probe = ("import sys, scraper.cli, scraper.crawler.run; "
             "print('pandas' in sys.modules); import pandas; print('ok')")
    assert _printed_by(probe) == ["False", "ok"]


def test_an_extraction_process_loads_the_extraction_stage_only() -> None:
    """``extract()`` of a page given as ``str`` loads neither the site-file layer (config and
    its regex and TOML parsers), charset detection, HTTP, SQLite nor numpy: a process that
    only extracts (re-indexing, the bench's children, whose peak RSS issue 13 measures)
    holds the extractor and nothing else."""
    probe = ("import sys; from scraper import extract; "
             "page = '<html><body><article><h1>A story</h1><p>' + 'Word and more. ' * 60; "
             "article = extract(page + '</p></article></body></html>', 'https://x.example/a/'); "
             "print(bool(article.text), sorted(m for m in ('scraper.config', 'charset_normalizer', "
             "'regex', 'tomllib', 'httpx', 'numpy', 'sqlite3', 'sqlite_utils', 'scraper.store', "
             "'scraper.fetch.fetcher') if m in sys.modules))")
    assert _printed_by(probe) == ["True", "[]"]


@pytest.mark.parametrize(("module", "need"), [
    # charset-normalizer is 1.9 MiB of a crawl's memory; most pages declare their charset
    ("charset_normalizer", "from scraper.fetch.decode import decode_body; "
     "page = '<p>caf\\u00e9 d\\u00e9j\\u00e0 \\u00e9t\\u00e9</p>' * 20; "
     "decode_body(page.encode('latin-1'), None)"),
    # tqdm is 0.7 MiB of a crawl's memory; a cron or ``-q`` crawl draws no progress lines
    ("tqdm", "from scraper.crawler.progress import CrawlProgress"),
], ids=["charset detection, for a page without a declared charset",
        "the progress display, for a terminal"])
def test_a_crawl_loads_a_module_only_when_it_needs_it(module: str, need: str) -> None:
    probe = (f"import sys, scraper.cli, scraper.crawler.run; print({module!r} in sys.modules); "
             f"{need}; print({module!r} in sys.modules)")
    assert _printed_by(probe) == ["False", "True"]


def test_sketching_a_text_does_not_load_numpy_ma() -> None:
    """np.unique's first call imports numpy.ma, 1.2 MiB of a crawl's memory for nothing the
    sketch needs (store/dedupsample.sorted_unique does the same job)."""
    probe = ("import sys; from scraper.store.sketch import MinHasher, sketch; "
             "s = sketch('one two three four five six seven eight ' * 20, MinHasher(), 2); "
             "print(s.signature.size > 0, 'numpy.ma' in sys.modules)")
    assert _printed_by(probe) == ["True", "False"]
