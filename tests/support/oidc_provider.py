"""A tiny OpenID Connect provider for the tests: real HTTP on 127.0.0.1, RS256 id tokens.

Serves /authorize (redirects back with a code and the state), /token (an id_token signed with
`signing_key`, carrying the nonce from /authorize, plus an access token), /userinfo (`claims`)
and /jwks (the public half of `published_key`). A test breaks it on purpose by signing with
another key, making it slow (`delay`), or stopping it.
"""

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "rimelig-test"
CLIENT_SECRET = "test-secret-not-real"
KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(key: rsa.RSAPrivateKey, kid: str = KID) -> dict:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
    }


class MockProvider:
    def __init__(self, key: rsa.RSAPrivateKey):
        self.published_key = key
        self.signing_key = key
        self.claims: dict = {"sub": "user-1", "email": "", "email_verified": True}
        self.delay = 0.0  # seconds to wait before answering /token
        self.codes: dict[str, str | None] = {}  # code -> nonce
        self.access_tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.running = False

    def url(self, path: str) -> str:
        return self.base + path

    def settings(self) -> dict:
        """The OIDC_* settings Rimelig needs to use this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.url("/authorize"),
            "OIDC_OP_TOKEN_ENDPOINT": self.url("/token"),
            "OIDC_OP_USER_ENDPOINT": self.url("/userinfo"),
            "OIDC_OP_JWKS_ENDPOINT": self.url("/jwks"),
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email",
            "OIDC_CREATE_USER": False,
            "OIDC_TIMEOUT": 2,
        }

    def start(self) -> "MockProvider":
        self._thread.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self._server.shutdown()
            self._server.server_close()
            self.running = False

    def _id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            "iss": self.base,
            "sub": self.claims.get("sub", "user-1"),
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
        }
        if nonce is not None:
            payload["nonce"] = nonce
        return jwt.encode(payload, self.signing_key, algorithm="RS256", headers={"kid": KID})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query.get("nonce")
                    back = urlencode({"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{back}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.access_tokens:
                        return self._json(401, {"error": "invalid_token"})
                    self._json(200, provider.claims)
                elif parts.path == "/jwks":
                    self._json(200, {"keys": [public_jwk(provider.published_key)]})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                if provider.delay:
                    time.sleep(provider.delay)
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json(401, {"error": "invalid_client"})
                if form.get("code") not in provider.codes:
                    return self._json(400, {"error": "invalid_grant"})
                nonce = provider.codes.pop(form["code"])
                access_token = secrets.token_urlsafe(16)
                provider.access_tokens.add(access_token)
                self._json(
                    200,
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider._id_token(nonce),
                    },
                )

        return Handler
