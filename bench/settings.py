"""Production settings (config.settings with DEBUG off) for the benchmarks, with plain static
file storage: the pages are measured without collectstatic's manifest (no static file is
requested)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
