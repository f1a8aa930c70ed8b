"""gunicorn settings, shared by the container, `bin/start` and `make bench`."""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Worker model chosen by measurement with `make bench` on a 2-core machine: sync workers, one
# more than the cores. Topic page req/s: 2 sync workers 219, 3 sync 239, 4 sync 206, 6 sync 185,
# 2 gthread workers x 4 threads 117 (the pages are CPU-bound Python; threads only add contention).
# Measured again after the pages got faster (topic / tick req/s): 2 workers 497 / 461,
# 3 workers 474 / 488, 4 workers 431 / 458; every run kept both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = True

# Garbage collection: the app is loaded once in the master (preload_app) and shared by the
# workers. Frozen before each fork, its objects stay out of every later collection, so a
# collection only looks at what requests allocate, and the shared pages are not written to
# (gc.freeze's documentation describes this pattern).
gc.disable()


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
