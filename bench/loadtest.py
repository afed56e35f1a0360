"""Load test: SIMULATED users of every demo role browse Rimelig for a fixed time against
gunicorn with 2 workers on a seeded database; reports p50/p95/max per page and errors.

    make loadtest                                   # 50 users, 120 s, the database of DATABASE_URL
    .venv/bin/python bench/loadtest.py --users 10 --seconds 30
    .venv/bin/python bench/loadtest.py --base-url http://127.0.0.1:8000   # a running server

Without --base-url it migrates and seeds the demo (seed_demo is idempotent), collects static
files and starts gunicorn (deploy/gunicorn.conf.py, DEBUG=0, WEB_CONCURRENCY=2) on
127.0.0.1:PORT (8631 by default), and stops it at the end. Each persona logs in once; the
simulated users of a persona share its session (50 logins would measure PBKDF2, not pages).
Every user waits 2-6 s between pages (think time: reading, typing). Bounded: it stops after --seconds.
Results: printed, and written to var/loadtest/result.json.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "rimelig-demo"  # noqa: S105 - the demo personas' published password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = "loadtest-only-" + "s" * 50

# Persona: the pages they use (names resolved below; "case", "child" take a visible id).
PERSONAS = {
    "radgiver@demo.no": ["home", "caseload", "case", "case_clock", "child", "inbox"],
    "radgiver2@demo.no": ["home", "caseload", "case", "case_clock", "child"],
    "styrer@demo.no": ["home", "unit_caseload", "case", "child"],
    "styrer2@demo.no": ["home", "unit_caseload", "case"],
    "spesialpedagog@demo.no": ["home", "case"],
    "barnehagekontoret@demo.no": ["home", "worklist", "case", "case_clock", "dashboard", "inbox"],
    "kommunalsjef@demo.no": ["home", "dashboard"],
    "admin@demo.no": ["home", "access_log"],
    "ppt-leder@demo.no": ["home", "dashboard"],
    "bergtun@demo.no": ["home", "worklist", "dashboard", "case"],
}
ROUTES = {
    "home": ("home", None),
    "caseload": ("referrals:caseload", None),
    "unit_caseload": ("referrals:unit_caseload", None),
    "case": ("referrals:case_detail", "case"),
    "case_clock": ("decisions:case_clock", "case"),
    "child": ("referrals:child_detail", "child"),
    "inbox": ("decisions:inbox", None),
    "worklist": ("decisions:worklist", None),
    "dashboard": ("decisions:dashboard", None),
    "access_log": ("referrals:access_log_search", None),
}


def plan() -> dict[str, dict[str, list[str]]]:
    """For each persona: page label -> the URLs it may fetch (ids it can see)."""
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from referrals.scoping import visible_children, visible_referrals
    from teams.models import User

    result: dict[str, dict[str, list[str]]] = {}
    for email, pages in PERSONAS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        cases = list(visible_referrals(user).order_by("?").values_list("pk", flat=True)[:30])
        children = list(visible_children(user).order_by("?").values_list("pk", flat=True)[:30])
        urls: dict[str, list[str]] = {}
        for page in pages:
            name, kind = ROUTES[page]
            try:
                if kind is None:
                    urls[page] = [reverse(name)]
                else:
                    ids = cases if kind == "case" else children
                    if ids:
                        urls[page] = [reverse(name, args=[pk]) for pk in ids]
            except NoReverseMatch:
                continue
        result[email] = urls
    return result


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/logg-inn/", timeout=30)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{base}/logg-inn/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed for {email}: {response.status_code}")
    return session


def start_server(port: int, env: dict) -> subprocess.Popen:
    bindir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bindir / "gunicorn"), "config.wsgi", "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/helse/", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--base-url")
    parser.add_argument("--port", type=int, default=8631)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0))
    args = parser.parse_args()

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY")
        if len(os.environ.get("SECRET_KEY", "")) >= 50
        else SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "ALLOW_SYNTHETIC_ID_NUMBERS": "1",
        "STATIC_ROOT": str(ROOT / "var" / "loadtest" / "static"),
        "LOG_FORMAT": "json",
    }
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "STATIC_ROOT")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    server = None
    if not args.base_url:
        manage = [sys.executable, "manage.py"]
        for command in (
            ["migrate", "--noinput"],
            ["seed_demo", "--force"],
            ["collectstatic", "--noinput"],
        ):
            subprocess.run(
                [*manage, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        server = start_server(args.port, env)
        base = f"http://127.0.0.1:{args.port}"
    else:
        base = args.base_url.rstrip("/")

    try:
        urls = plan()
        sessions = {email: login(base, email) for email in urls}
        samples: list[tuple[str, float, int]] = []
        failures: dict[str, int] = {}
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds
        emails = list(urls)

        def user(index: int) -> None:
            rng = random.Random(index)
            email = emails[index % len(emails)]
            session, pages = sessions[email], urls[email]
            time.sleep(rng.uniform(0, args.think[1]))  # ramp up
            while time.monotonic() < stop:
                page = rng.choice(list(pages))
                url = base + rng.choice(pages[page])
                started = time.monotonic()
                try:
                    status = session.get(url, timeout=30, allow_redirects=False).status_code
                except requests.RequestException:
                    status = 0
                with lock:
                    samples.append((page, time.monotonic() - started, status))
                    if status != 200:
                        failures[f"{email} {page} {status}"] = (
                            failures.get(f"{email} {page} {status}", 0) + 1
                        )
                time.sleep(rng.uniform(*args.think))

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 60)
    finally:
        if server:
            server.terminate()
            server.wait(30)

    report = {"users": args.users, "seconds": args.seconds, "requests": len(samples), "pages": {}}
    for page in sorted({p for p, _, _ in samples}):
        times = sorted(t for p, t, _ in samples if p == page)
        errors = sum(1 for p, _, s in samples if p == page and s != 200)
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        report["pages"][page] = {
            "count": len(times),
            "p50_ms": round(statistics.median(times) * 1000),
            "p95_ms": round(p95 * 1000),
            "max_ms": round(times[-1] * 1000),
            "errors": errors,
        }
    report["errors"] = sum(v["errors"] for v in report["pages"].values())
    report["failures"] = failures
    report["requests_per_second"] = round(len(samples) / args.seconds, 1)
    out = ROOT / "var" / "loadtest"
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps(report, indent=2))
    print(
        f"{args.users} users, {args.seconds} s, {len(samples)} requests "
        f"({report['requests_per_second']}/s), {report['errors']} errors"
    )
    print(f"{'page':<15}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    for page, row in report["pages"].items():
        print(
            f"{page:<15}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}{row['errors']:>8}"
        )
    for failure, count in sorted(failures.items()):
        print(f"  not 200: {failure} ×{count}")
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
