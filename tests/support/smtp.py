"""A local SMTP server (aiosmtpd) that can refuse mail, for delivery tests."""

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


class Handler:
    def __init__(self, refuse: int = 0):
        self.refuse = refuse  # how many deliveries to refuse before accepting
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Midlertidig feil, prøv igjen"
        self.messages.append(envelope.content)
        return "250 OK"


class SMTPServer:
    def __init__(self, refuse: int = 0):
        self.handler = Handler(refuse)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
