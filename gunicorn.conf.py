"""gunicorn settings for `make serve` (and any production start: `gunicorn kb.wsgi`).

WEB_CONCURRENCY sets the number of worker processes (default 2 x cores + 1);
BIND the address (default 127.0.0.1:8000: a reverse proxy sits in front).
"""

import multiprocessing
import os

wsgi_app = "kb.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Slow clients are the reverse proxy's job; a stuck worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Recycle workers now and then so a slow leak can never take the site down; each
# restart costs a worker booting Django (~0.5 s of CPU). After 5,000 requests a
# busy worker (1,000 requests/s) restarted every few seconds; 100,000 is minutes
# under full load and days on a quiet site. GUNICORN_MAX_REQUESTS=0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 100_000)
max_requests_jitter = max_requests // 10
# Errors to stdout next to the application's JSON lines; access logs are the proxy's.
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "127.0.0.1")
