"""Gunicorn's configuration for every deployment (Procfile, systemd, the container image).

Values come from the environment: PORT (or BIND), WEB_CONCURRENCY, GUNICORN_TIMEOUT. Logs go
to stdout/stderr as JSON lines through the app's own logging config (core/logging.py);
the app logs one line per request itself, so gunicorn's access log is off.
"""

import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request that takes this long is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (memory growth), staggered so they never restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Behind a proxy on another host: trust its X-Forwarded-* (the app's TRUSTED_PROXY_COUNT
# decides what it believes about the client's address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Load the app in each worker, after fork: no database connection is shared across workers.
preload_app = False
# /dev/shm for the worker heartbeat files (a container's /tmp may be a slow overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def _logconfig():
    try:
        from core.logging import config

        fmt = os.environ.get("LOG_FORMAT") or (
            "text" if os.environ.get("DEBUG", "0").lower() in ("1", "true", "yes", "on") else "json"
        )
        return config(fmt, os.environ.get("LOG_LEVEL", "INFO"))
    except ImportError:  # started outside the project directory
        return None


logconfig_dict = _logconfig() or {}
