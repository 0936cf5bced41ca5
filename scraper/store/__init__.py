"""The store stage: the archive, one SQLite file, and what reads it back out.

``archive`` writes batches of results (``Archive``, ``PageOutcome``); ``schema`` holds the
migrations; ``pages`` compresses raw pages with a dictionary per site; ``dedup`` finds exact
and near duplicates; ``export`` writes corpora (JSON Lines, CSV, Parquet, WARC).
"""
