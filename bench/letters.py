"""Letters' speed (issue 20): one letter's render (PDF/A included) p50/p95, and a batch of 200
foreløpig svar made and finalised by one real Celery worker (--pool=solo), from the moment the
task is queued to the batch's row saying finished.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.letters [--cases 200] [--renders 40]

Uses its own database (BENCH_LETTERS_DATABASE_URL, default rimelig_bench_letters), dropped,
created and migrated on every run.
Prints the figures and writes them to bench/results/letters.json."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rimelig_bench_letters"


def _fresh_database(url: str) -> None:
    """Drop and create the bench's own database: the tests' factories number their rows from
    1 in every process, so a second run's rows would clash with the first's."""
    from urllib.parse import urlparse

    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _setup(url: str) -> None:
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _world():
    """A municipality with a kindergarten, its office, an advisor and a letterhead (the tests'
    factories: the bench is no product code)."""
    from types import SimpleNamespace

    from documents.models import Letterhead
    from teams.models import Role, Unit
    from tests.factories import (
        AreaFactory,
        MunicipalityFactory,
        PPTOfficeFactory,
        RoleFactory,
        UnitFactory,
        UserFactory,
    )

    tag = uuid.uuid4().hex[:6]
    municipality = MunicipalityFactory(name=f"Bench {tag}")
    unit = UnitFactory(area=AreaFactory(municipality=municipality), kind=Unit.Kind.KINDERGARTEN)
    ppt = PPTOfficeFactory(municipalities=[municipality])
    advisor = UserFactory(email=f"advisor-{tag}@bench.no")
    RoleFactory(user=advisor, kind=Role.Kind.ADVISOR, ppt_office=ppt)
    office = UserFactory(email=f"office-{tag}@bench.no")
    RoleFactory(
        user=office,
        kind=Role.Kind.OFFICE,
        municipality=municipality,
        unit_kind=Unit.Kind.KINDERGARTEN,
    )
    Letterhead.objects.create(
        municipality=municipality,
        name=f"{municipality.name} kommune",
        department="Barnehagekontoret",
        address="Rådhusgata 1",
        postal="9999 Bench",
        org_number="999888777",
        signatory="Kari Nordmann",
        signatory_title="Barnehagesjef",
    )
    return SimpleNamespace(advisor=advisor, office=office, unit_a=unit)


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def render_figures(world, renders: int) -> dict:
    """One foreløpig svar rendered to PDF/A ``renders`` times (after one warm-up)."""
    from documents import letter_services, pdf
    from documents.letters import collect
    from tests.builders import case_at

    case = case_at("received", world=world)
    draft = letter_services.create_draft(
        actor=world.office, referral_id=case.pk, kind="provisional_reply"
    )
    draft = letter_services.update_texts(
        actor=world.office,
        document_id=draft.pk,
        version=draft.version,
        texts={"reason": "Saken er til sakkyndig vurdering.", "expected_on": "2027-01-15"},
    )
    pdf.render_pdf(draft, facts=collect(draft))  # warm-up: fonts, templates
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        pdf.render_pdf(draft, facts=collect(draft))
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    letter_services.finalise(actor=world.office, document_id=draft.pk)
    finalise_ms = (time.perf_counter() - started) * 1000
    return {
        "renders": renders,
        "render_p50_ms": round(statistics.median(times), 1),
        "render_p95_ms": round(_percentile(times, 0.95), 1),
        "render_max_ms": round(max(times), 1),
        "finalise_one_ms": round(finalise_ms, 1),
    }


def batch_figures(world, cases: int, url: str) -> dict:
    """``cases`` foreløpig svar, finalised, by one solo worker on its own queue."""
    from documents import batch as batches
    from documents.batch_tasks import run_letter_batch
    from documents.models import Document, LetterBatch
    from tests.builders import case_at

    started = time.perf_counter()
    ids = [case_at("received", world=world).pk for _ in range(cases)]
    built_s = time.perf_counter() - started
    batch = batches.letter_batch_start(
        world.office, "provisional_reply", ids, finalise=True, send=False
    )
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool=solo",
         "-Q", queue, "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker's start is not the batch's time
        started = time.perf_counter()
        run_letter_batch.apply_async(
            args=[batch.pk, True, {"reason": "Saken er til sakkyndig vurdering."}], queue=queue
        )
        while True:
            batch.refresh_from_db()
            if batch.status == LetterBatch.Status.FINISHED:
                break
            if time.perf_counter() - started > 600:
                raise SystemExit("the batch did not finish in 10 minutes")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    finals = Document.objects.filter(pk__in=[r["document"] for r in batch.results], status="final")
    return {
        "cases": cases,
        "cases_built_s": round(built_s, 1),
        "batch_s": round(elapsed, 1),
        "per_letter_ms": round(1000 * elapsed / cases, 1),
        "done": batch.done,
        "failed": batch.failed,
        "final_letters": finals.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    url = os.environ.get("BENCH_LETTERS_DATABASE_URL", DEFAULT_URL)
    _setup(url)
    world = _world()
    figures = {"render": render_figures(world, args.renders)}
    print(json.dumps(figures["render"]), flush=True)
    figures["batch"] = batch_figures(world, args.cases, url)
    print(json.dumps(figures["batch"]), flush=True)
    out = ROOT / "bench" / "results" / "letters.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
