"""Any archive browsable the same way: the project's Datasette configuration beside it.

The configuration (``archive/``: metadata.yml, settings.json, templates/, plugins/)
describes a database named ``news``. Its startup plugin (``archive/plugins/browse.py``)
serves an archive under that name whatever its file is called, so the configuration
applies to any archive path:
``newsarchive serve --db other/corpus.db`` passes it to Datasette explicitly, and a crawl
into a new directory copies it there, so that ``datasette DIR/`` works as for the demo.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

__all__ = ["ARCHIVE_CONFIG", "CONFIG_PARTS", "copy_datasette_config", "datasette_command"]

ARCHIVE_CONFIG = Path(__file__).resolve().parents[2] / "archive"
CONFIG_PARTS = ("metadata.yml", "settings.json", "templates", "plugins")


def copy_datasette_config(out_dir: Path, config: Path = ARCHIVE_CONFIG,
                          replace: bool = False) -> bool:
    """Copy the configuration into ``out_dir`` unless it has a metadata.yml already (which
    may be the user's own) and not ``replace``; returns whether it copied."""
    if not (config / "metadata.yml").exists() or (
            (out_dir / "metadata.yml").exists() and not replace):
        return False
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CONFIG_PARTS[:2]:
        if (config / name).exists():
            shutil.copy(config / name, out_dir / name)
    for folder in CONFIG_PARTS[2:]:
        if (config / folder).is_dir():
            shutil.copytree(config / folder, out_dir / folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
    return True


def datasette_command(db_path: Path, port: int | None = None) -> list[str]:
    """Datasette on ``db_path`` with the configuration beside it when there is one (a copy
    the user may have edited), else the project's own: any file name, any directory."""
    folder = db_path.parent
    config = folder if (folder / "metadata.yml").exists() else ARCHIVE_CONFIG
    command = [sys.executable, "-m", "datasette", str(db_path),
               "--metadata", str(config / "metadata.yml")]
    for option, part in (("--template-dir", "templates"), ("--plugins-dir", "plugins")):
        if (config / part).is_dir():
            command += [option, str(config / part)]
    if (config / "settings.json").exists():  # what ``datasette DIR/`` reads by itself
        for key, value in json.loads((config / "settings.json").read_text("utf-8")).items():
            command += ["--setting", key, str(value)]
    if port is not None:
        command += ["--port", str(port)]
    return command
