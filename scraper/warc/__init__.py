"""Beyond one machine: the crawl's site adapters over WARC files (CC-NEWS included), one Dask
task per file (``ingest.py``: the run, ``sources.py``: what to read, ``records.py``: a WARC's
responses, ``outcome.py``: the crawl's rules for one response, ``shard.py``: one file's
archive shard, ``merge.py``: shards into the archive, ``cluster.py``: the Dask client)."""
