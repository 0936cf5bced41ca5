"""The SQLite layer every module imports: ``sqlite3`` and ``sqlite_utils``, loaded once here.

``sqlite3`` is the module sqlite-utils loads (pysqlite3's newer SQLite where installed,
else the stdlib's): every module names it through this one, so that its errors are caught
by the right classes and one process never opens a file through two SQLite libraries,
whose POSIX locks would not see each other.

sqlite-utils imports pandas whenever it is installed, only to map ``pandas.Timestamp`` to
TEXT when inserting DataFrame values, which newsarchive never does. In an analyst's
environment with pandas (our test extra has it) that import alone made a crawl's peak RSS
165 MiB instead of 95 (bench/crawl_pipeline.py), so pandas is hidden from sqlite-utils
while it loads; ``import pandas`` works as usual afterwards.
"""

from __future__ import annotations

import sys

__all__ = ["Migrations", "sqlite3", "sqlite_utils"]

_hide_pandas = "pandas" not in sys.modules
if _hide_pandas:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas -> ImportError
try:
    import sqlite_utils
    from sqlite_utils import Migrations
    from sqlite_utils.utils import sqlite3
finally:
    if _hide_pandas:
        del sys.modules["pandas"]
