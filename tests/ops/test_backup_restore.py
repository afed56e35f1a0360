"""The backup drill: `make backup` of the test database, `make restore` into a scratch
database, and every row, every trigger (the access log's append-only ones above all) in place."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from referrals.access_log import access_log_record
from tests.decisions.conftest import received_case
from tests.support.processes import database_url

ROOT = Path(__file__).resolve().parents[2]


def _counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def _triggers(cursor) -> set[tuple[str, str]]:
    cursor.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal"
    )
    return set(cursor.fetchall())


def _make(target: str, url: str, backup: Path) -> str:
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        ["make", "-s", target, f"BACKUP_FILE={backup}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_make_backup_and_restore_bring_back_every_row_and_the_access_log_triggers(
    world, tmp_path, rf
):
    case = received_case(world)
    request = rf.get(f"/saker/{case.pk}/")
    request.user = world.office
    access_log_record(request, action="view", object_type="referral", object_id=case.pk)
    source = database_url()
    with connection.cursor() as cursor:
        before = _counts(cursor)
        triggers = _triggers(cursor)
    assert before["referrals_referral"] >= 1
    assert ("referrals_accesslogentry", "referrals_accesslog_no_update") in triggers

    backup = tmp_path / "rimelig.dump"
    assert "Backup:" in _make("backup", source, backup)
    assert backup.stat().st_size > 0

    scratch = f"rimelig_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(source.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        target = source.rsplit("/", 1)[0] + "/" + scratch
        assert "Restored" in _make("restore", target, backup)
        restored = psycopg2.connect(target)
        try:
            with restored.cursor() as cursor:
                assert _counts(cursor) == before
                assert _triggers(cursor) == triggers
                # The append-only trigger works in the restored database, not just exists.
                assert before["referrals_accesslogentry"] >= 1
                with pytest.raises(psycopg2.Error, match="append-only"):
                    cursor.execute("UPDATE referrals_accesslogentry SET path = 'x'")
        finally:
            restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()
