"""Structured logs: one JSON object per line and per event (deploy/README.md "Logs").

Each line carries the time, level, logger, message and, where known, the request id (set by
ops.middleware.RequestIdMiddleware, or carried into a Celery task by the task's headers),
the signed-in user's id and the task's name and id. Only ids: never a name, an e-mail
address or an identity number (the app logs none; a message is as written by the code).

LOG_FORMAT=json (the default when DEBUG is off) or text (the default when DEBUG is on).
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)
task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)

# Attributes every LogRecord has; anything else passed with extra={...} is emitted too.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_CONTEXT = ("request_id", "user_id", "task_name", "task_id")


class ContextFilter(logging.Filter):
    """Copies the request id, user id and task onto every record (for both formats)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = user_id.get()
        current = task.get()
        if current and not getattr(record, "task_id", None):
            record.task_name, record.task_id = current
        return True


class ExceptionsOnly(logging.Filter):
    """django.request: keep the lines with a traceback; the plain "Not Found: /x" lines
    repeat the request line (and its status) that ops.middleware already wrote."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT:
            value = getattr(record, key, None)
            if value not in (None, ""):
                entry[key] = value
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _CONTEXT and not key.startswith("_"):
                entry[key] = value if isinstance(value, (int, float, bool, str)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def config(fmt: str, level: str) -> dict:
    """The LOGGING dict for settings (and gunicorn's logconfig_dict)."""
    formatter = {"()": "core.logging.JsonFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "core.logging.ContextFilter"},
            "exceptions_only": {"()": "core.logging.ExceptionsOnly"},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # The request line comes from ops.middleware (one per request, with its id); the
            # server's own 4xx/5xx lines would repeat it.
            # Django's own console handler (DEBUG only) would print every line twice.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.request": {"level": "WARNING", "filters": ["exceptions_only"]},
            "django.server": {"level": "WARNING"},
            # Gunicorn's error log through the same handler; its access log is off.
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            # WeasyPrint logs every rendering step at INFO (a line per letter's stylesheet).
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
