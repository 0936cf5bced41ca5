"""What ``ingest-warc`` reads: SOURCES expanded into WARC files, each with its size and ETag.

A source is a local path, a glob or a directory (its ``*.warc`` and ``*.warc.gz``), an
``http(s)://`` or ``s3://`` URL or an ``s3://`` glob (read through fsspec: needs the
``distributed`` extra), a
listing of WARC paths one per line (``warc.paths.gz`` as Common Crawl publishes them, or
plain ``*.paths``), or ``cc-news:YYYY-MM[..YYYY-MM]``: Common Crawl's CC-NEWS listings of
those months, ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` under ``--base-url``
(default ``CC_BASE_URL``).

A relative path in a listing is joined to ``--base-url`` when given, else to the root of a
remote listing's host (Common Crawl's convention) or to a local listing's directory.
Each WARC file's size and ETag (local files: size and modification time) go into its
shard's key, so a file replaced under the same name is ingested again.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

from ..errors import ConfigError

__all__ = ["CC_BASE_URL", "WarcFile", "expand_sources", "open_source", "stat_sources"]

CC_BASE_URL = "https://data.commoncrawl.org/"
REMOTE = ("http://", "https://", "s3://")
_CC_NEWS = re.compile(r"^cc-news:(\d{4})-(\d{2})(?:\.\.(\d{4})-(\d{2}))?$")
_LISTING = (".paths.gz", ".paths", "paths.gz")
STAT_THREADS = 16  # HEAD requests in flight while sizing remote files


@dataclass(frozen=True)
class WarcFile:
    """One WARC file to ingest: where it is, and what identifies its content."""

    url: str  # a local absolute path or a remote URL
    size: int | None = None
    etag: str | None = None  # remote: the server's ETag; local: the mtime in nanoseconds


def _fs(url: str):
    try:
        import fsspec
    except ImportError as exc:
        raise ConfigError(f"reading {url} needs fsspec: pip install "
                          "'newsarchive[distributed]'") from exc
    try:
        return fsspec.core.url_to_fs(url)[0]
    except (ImportError, ValueError) as exc:  # s3fs or aiohttp missing
        raise ConfigError(f"cannot read {url}: {exc} (pip install "
                          "'newsarchive[distributed]')") from exc


def open_source(url: str) -> IO[bytes]:
    """The file's bytes as a stream (remote files are read sequentially, not cached)."""
    if url.startswith(("http://", "https://")):  # one streamed GET, no range requests
        return _fs(url).open(url, "rb", block_size=0)
    if url.startswith(REMOTE):
        return _fs(url).open(url, "rb", block_size=8 * 2**20, cache_type="readahead")
    return open(url, "rb")  # noqa: SIM115 - the caller closes it


def _months(match: re.Match) -> list[tuple[int, int]]:
    first = int(match[1]) * 12 + int(match[2]) - 1
    last = int(match[3]) * 12 + int(match[4]) - 1 if match[3] else first
    if last < first or not 1 <= int(match[2]) <= 12 or (match[4] and not 1 <= int(match[4]) <= 12):
        raise ConfigError(f"{match[0]}: give months as cc-news:YYYY-MM..YYYY-MM, first first")
    return [divmod(month, 12) for month in range(first, last + 1)]


def _listing(url: str, base_url: str | None) -> list[str]:
    with open_source(url) as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if base_url:
        base = base_url.rstrip("/") + "/"
    elif url.startswith(REMOTE):
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}/"
    else:
        base = str(Path(url).resolve().parent) + "/"
    out = []
    for line in io.TextIOWrapper(io.BytesIO(data), "utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if base.startswith(REMOTE):
            out.append(_remote_entry(url, base, line))
        elif line.startswith(REMOTE) or line.startswith("/"):
            out.append(line)
        else:
            out.append(str(Path(base) / line))
    return out


def _remote_entry(listing: str, base: str, line: str) -> str:
    """A remote listing's entry as a URL under its base: a listing the user names is not
    a user, so it may not point this process at its own files (``/etc/...``, ``/dev/zero``)
    nor at other hosts (a cloud's metadata address, the local network). Root-relative
    entries are paths on the base's host, as Common Crawl's listings mean them."""
    scheme, host = urlsplit(base)[:2]
    if line.startswith(REMOTE):
        resolved = line
    elif line.startswith("/"):
        resolved = f"{scheme}://{host}{line}"
    else:  # urljoin leaves s3:// alone: it knows only the schemes of the web
        resolved = urljoin(base, line) if scheme in ("http", "https") else base + line
    if urlsplit(resolved)[:2] != (scheme, host):
        raise ConfigError(f"{listing}: the entry {line[:200]!r} is not on {base}: a listing "
                          "may name files on its own host only (or give --base-url)")
    return resolved


def expand_sources(sources: list[str], base_url: str | None = None) -> list[str]:
    """Every WARC file the SOURCES name, in the order given, each once. Raises ConfigError
    for a local source that matches nothing."""
    found: list[str] = []
    for source in sources:
        if cc := _CC_NEWS.match(source):
            base = (base_url or CC_BASE_URL).rstrip("/") + "/"
            for year, month in _months(cc):
                path = f"crawl-data/CC-NEWS/{year}/{month + 1:02d}/warc.paths.gz"
                found += _listing(base + path if base.startswith(REMOTE)
                                  else str(Path(base) / path), base)
        elif source.endswith(_LISTING):
            found += _listing(source if source.startswith(REMOTE)
                              else str(Path(source).resolve()), base_url)
        elif source.startswith(REMOTE) and any(c in source for c in "*?["):
            scheme = source.split("://")[0]
            found += sorted(m if "://" in m else f"{scheme}://{m}"
                            for m in _fs(source).glob(source))
        elif source.startswith(REMOTE):
            found.append(source)
        elif Path(source).is_dir():
            found += sorted(str(p.resolve()) for p in Path(source).iterdir()
                            if p.name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")))
        elif matches := sorted(glob.glob(source)):
            found += [str(Path(m).resolve()) for m in matches]
        else:
            raise ConfigError(f"no WARC file at {source}")
    return list(dict.fromkeys(found))


def _stat(url: str) -> WarcFile:
    if not url.startswith(REMOTE):
        info = os.stat(url)
        return WarcFile(url, info.st_size, str(info.st_mtime_ns))
    info = _fs(url).info(url)
    etag = info.get("ETag") or info.get("etag")
    return WarcFile(url, info.get("size"), str(etag).strip('"') if etag else None)


def stat_sources(urls: list[str]) -> list[WarcFile]:
    """The files with their size and ETag; ConfigError names a file that cannot be read."""
    def one(url: str) -> WarcFile:
        try:
            return _stat(url)
        except ConfigError:
            raise
        except Exception as exc:  # OSError, aiohttp's and botocore's errors: say which file
            raise ConfigError(f"cannot read {url}: {type(exc).__name__}: {exc}") from exc

    with ThreadPoolExecutor(STAT_THREADS) as pool:
        return list(pool.map(one, urls))
