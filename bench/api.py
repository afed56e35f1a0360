"""The JSON API at scale (issue 21), for bench/run.py ``--only api``:

- ``api_cases_*``: the case list, a page of 100 (``/api/v1/cases/?page_size=100``), through the
  Django test client with a key of the largest municipality (Solvik): p50/p95 and the queries of
  one request (the access log's INSERT of the page's 100 rows included);
- ``api_changed_day_*``: everything changed in the last day of the archive (changed_since = the
  newest case's updated_at − 24 h), followed page by page (500 a page) with the cursor to the
  end: rows, pages, seconds, and the slowest page;
- ``api_rps_*``: requests per second with 8 concurrent connections (8 threads with keep-alive
  sessions) against gunicorn (2 sync workers, as the caseload's wrk figure) started here, on the
  list page of 100 and on one case, for --api-seconds each; every answer that is not a 200 is an
  error.

The key is made here (api.services.api_client_create) and the rate limit raised for the run
(API_RATE_PER_MINUTE in the server's environment): the figure is the server's, not the limit's.
"""

import os
import signal
import statistics
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 8


def _key():
    from api.services import api_client_create
    from teams.models import Municipality, User

    solvik = Municipality.objects.order_by("pk").first()  # bench/generate.py: the largest
    admin = User.objects.filter(is_active=True).order_by("pk").first()
    _client, key = api_client_create(
        municipality=solvik, name="bench", scopes=["cases:read"], actor=admin
    )
    return solvik, key


def _changed_day(client, municipality) -> dict:
    from referrals.models import Referral

    newest = (
        Referral.objects.filter(municipality=municipality)
        .order_by("-updated_at")
        .first()
        .updated_at
    )
    since = newest - timedelta(days=1)
    url = f"/api/v1/cases/?page_size=500&changed_since={since.isoformat().replace('+', '%2B')}"
    rows = pages = 0
    slowest = 0.0
    started = time.perf_counter()
    while url:
        t = time.perf_counter()
        response = client.get(url)
        slowest = max(slowest, (time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        rows += len(data["results"])
        pages += 1
        url = data["next"]
    return {
        "rows": rows,
        "pages": pages,
        "seconds": round(time.perf_counter() - started, 2),
        "slowest_page_ms": round(slowest, 1),
    }


def _hammer(url: str, key: str, seconds: float) -> tuple[float, int, int]:
    import requests

    stop = time.monotonic() + seconds
    counts, errors = [0] * CONNECTIONS, [0] * CONNECTIONS

    def worker(i):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        while time.monotonic() < stop:
            try:
                response = session.get(url, timeout=10)
                if response.status_code != 200:
                    errors[i] += 1
            except requests.RequestException:
                errors[i] += 1
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return sum(counts) / elapsed, sum(counts), sum(errors)


def throughput(env: dict, key: str, case_id: int, *, port: int, seconds: float) -> dict:
    from bench.run import _wait_for_port

    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env={**env, "API_RATE_PER_MINUTE": "1000000"}, start_new_session=True,
    )  # fmt: skip
    result = {}
    try:
        _wait_for_port(port)
        base = f"http://127.0.0.1:{port}/api/v1"
        for name, url in (
            ("list100", f"{base}/cases/?page_size=100"),
            ("case", f"{base}/cases/{case_id}/"),
        ):
            _hammer(url, key, min(3.0, seconds))  # warm both workers
            rps, total, errors = _hammer(url, key, seconds)
            result[name] = {"rps": round(rps, 1), "requests": total, "errors": errors}
            print(f"  {name}: {rps:.0f} req/s, {errors} errors of {total}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return result


def api(args, env: dict, *, port: int) -> dict:
    from django.test import Client

    from bench.run import measure_page
    from referrals.models import Referral

    municipality, key = _key()
    client = Client(headers={"Authorization": f"Bearer {key}"})
    page = measure_page(
        client, "/api/v1/cases/?page_size=100", runs=args.runs, requests=args.requests
    )
    print(
        f"  case list, 100 a page: p50 {page['p50_ms']['median']} ms, "
        f"p95 {page['p95_ms']['median']} ms, {page['queries']} queries",
        flush=True,
    )
    changed = _changed_day(client, municipality)
    print(f"  changed in a day: {changed}", flush=True)
    case_id = Referral.objects.filter(municipality=municipality).order_by("pk").first().pk
    rps = throughput(env, key, case_id, port=port, seconds=args.api_seconds)
    return {
        "cases_page": {k: v for k, v in page.items() if k != "captured"},
        "queries": [q["sql"][:300] for q in page["captured"]],
        "changed_day": changed,
        "throughput": rps,
        "rps_median_of": statistics.median([r["rps"] for r in rps.values()]) if rps else None,
    }
