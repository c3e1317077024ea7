"""gunicorn's settings for `make serve` and bench/load.py (gunicorn reads ./gunicorn.conf.py).

The command line gives the address, the workers and the logs; this file, what the workers
do once started.
"""

import gc


def post_worker_init(worker):
    # The application is loaded and lives as long as the worker: frozen, its objects are no
    # longer walked by each full garbage collection, which paused requests by 100 ms and
    # more (the load test's p99).
    gc.collect()
    gc.freeze()
