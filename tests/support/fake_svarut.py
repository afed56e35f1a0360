"""A local fake of KS Fiks SvarUt's ForsendelseRestServiceV1 (the calls documents/dispatch/
backends.py makes), for the dispatch tests: a threaded HTTP server that records what it got,
and on command refuses (500), hangs past the client's timeout, or answers slowly.

    with FakeSvarUt() as svarut:
        settings.SVARUT_URL = svarut.url
        svarut.refuse(1)          # the next sendForsendelse answers 500, nothing kept
        svarut.hang(1, seconds=3) # the next sendForsendelse is kept, then no answer for 3 s
        ...
        assert len(svarut.forsendelser) == 1

Basic auth is checked (USER / PASSWORD); a second sendForsendelse on one id is refused (409),
as a forsendelse id is used once."""

import base64
import email
import email.policy
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.processes import free_port

USER, PASSWORD = "solvik-ppt", "tjenestepassord"
API = "/tjenester/api/forsendelse/v1"


class FakeSvarUt:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.started: set[str] = set()  # ids from startNyForsendelse
        self.forsendelser: list[dict] = []  # each: id, forsendelse (the JSON), files
        self.calls: list[tuple[str, str]] = []
        self.statuses: dict[str, str] = {}  # id -> status, when not MOTTATT (e.g. AVVIST)
        self._refuse = 0
        self._hang = 0
        self._hang_seconds = 0.0
        self._delay = 0.0

    # commands

    def refuse(self, times: int = 1) -> None:
        """The next ``times`` sendForsendelse calls answer 500 and keep nothing."""
        self._refuse = times

    def hang(self, times: int = 1, seconds: float = 3.0) -> None:
        """The next ``times`` sendForsendelse calls keep the forsendelse, then answer only after
        ``seconds`` (past the client's timeout): it arrived, the sender does not know."""
        self._hang, self._hang_seconds = times, seconds

    def slow(self, seconds: float) -> None:
        """Every call waits ``seconds`` before it is handled."""
        self._delay = seconds

    def by_eksternref(self, ref: str) -> list[dict]:
        return [f for f in self.forsendelser if f["forsendelse"].get("eksternReferanse") == ref]

    # the server

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, request, method: str) -> None:
        path = request.path
        with self.lock:
            self.calls.append((method, path))
        if self._delay:
            time.sleep(self._delay)
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._answer(request, 401, {"message": "Unauthorized"})
        if not path.startswith(API + "/"):
            return self._answer(request, 404, {"message": "Not found"})
        route = path[len(API) :]
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if method == "POST" and route == "/startNyForsendelse":
            new_id = str(uuid.uuid4())
            with self.lock:
                self.started.add(new_id)
            return self._answer(request, 200, {"id": new_id})
        match = re.fullmatch(r"/([0-9a-f-]{36})/sendForsendelse", route)
        if method == "POST" and match:
            return self._send(request, match.group(1), body)
        match = re.fullmatch(r"/eksternref/([^/]+)", route)
        if method == "GET" and match:
            from urllib.parse import unquote

            found = self.by_eksternref(unquote(match.group(1)))
            return self._answer(request, 200, [{"id": f["id"]} for f in found])
        match = re.fullmatch(r"/([0-9a-f-]{36})/status", route)
        if method == "GET" and match:
            if not any(f["id"] == match.group(1) for f in self.forsendelser):
                return self._answer(request, 404, {"message": "Ukjent forsendelse"})
            return self._answer(
                request,
                200,
                {
                    "forsendelsesId": {"id": match.group(1)},
                    "status": self.statuses.get(match.group(1), "MOTTATT"),
                },
            )
        return self._answer(request, 404, {"message": "Not found"})

    def _send(self, request, forsendelse_id: str, body: bytes) -> None:
        with self.lock:
            if self._refuse > 0:
                self._refuse -= 1
                refuse = True
            else:
                refuse = False
        if refuse:
            return self._answer(request, 500, {"message": "Intern feil"})
        if forsendelse_id not in self.started:
            return self._answer(request, 404, {"message": "Ukjent forsendelses-id"})
        forsendelse, files = _parse(request.headers.get("Content-Type", ""), body)
        with self.lock:
            if any(f["id"] == forsendelse_id for f in self.forsendelser):
                return self._answer(request, 409, {"message": "Allerede sendt"})
            self.forsendelser.append(
                {"id": forsendelse_id, "forsendelse": forsendelse, "files": files}
            )
            hang = self._hang > 0
            if hang:
                self._hang -= 1
        if hang:
            time.sleep(self._hang_seconds)
        self._answer(request, 200, {"id": forsendelse_id})

    @staticmethod
    def _answer(request, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): the answer has nowhere to go


def _parse(content_type: str, body: bytes) -> tuple[dict, list[dict]]:
    """The multipart body: the "forsendelse" JSON part, then the files (name and bytes)."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.default
    )
    forsendelse, files = {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "forsendelse":
            forsendelse = json.loads(part.get_content())
        else:
            files.append({"filename": part.get_filename(), "data": part.get_payload(decode=True)})
    return forsendelse, files
