"""Prefect flows, tasks and the command line of the pipeline."""
import os

# Quiet defaults for a command-line tool; the user's own settings win.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Arrow's default pool (mimalloc) keeps freed memory, so a run's peak would add up the memory of
# every stage; the system allocator hands it back between stages.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
# Delta Lake's writer allocates through its own jemalloc, which keeps freed pages for 10 s: each
# table's write left 40-100 MB behind for the next one and the plain files to add to.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
