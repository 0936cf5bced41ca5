"""The Dask client ``ingest-warc`` runs its tasks on: an embedded LocalCluster by default,
an existing cluster with ``--scheduler tcp://HOST:8786``.

Dask is an optional extra (``pip install 'newsarchive[distributed]'``): the plain install
never imports it. The LocalCluster runs one single-threaded worker process per core asked
for: extraction is Python holding the GIL most of the time, so threads would not scale.
Measured on this machine kind: 2 workers start in ~2 s and take ~200 MB.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError

__all__ = ["TASK_RETRIES", "dask_client"]

# Tries after a task raised (a network error reading the file, a full disk): a worker that
# dies is another matter, the scheduler reschedules its tasks by itself
# (``distributed.scheduler.allowed-failures``, 3 by default).
TASK_RETRIES = 2
CONNECT_SECONDS = 30


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a LocalCluster of ``workers``
    processes that lives as long as the block."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError("ingest-warc runs on Dask: pip install 'newsarchive[distributed]' "
                          "(or --workers 0: one process, no Dask)") from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    import dask

    # No dashboard, so no use for the statistical profiler sampling every worker thread's
    # stack 100 times a second (the workers inherit this when their nannies start them).
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client
