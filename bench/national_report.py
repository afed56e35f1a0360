"""The national reports (issue 21) for the largest municipality: BASIL and GSI counted by
decisions/national_reports.py (the one query and the suppressed tables, as the director's page
makes them), then the page itself through Django's test client as kommunalsjef@demo.no (Solvik,
the largest municipality of bench/generate.py at national scale; with fewer than about 15,000
referrals another municipality holds more, and the figures are timed for that one). Target: under 2 s at 1,000,000 referrals.

Called by bench/run.py (``--only national_report``); writes the query's EXPLAIN (ANALYZE,
BUFFERS) to bench/plans/<scale>/national_report_<report>.txt. The counting day is each report's
default for the archive's "today" (bench_marker), so the vedtak in force are the generated ones.
"""

import statistics
import time
from pathlib import Path


def _largest_municipality():
    from django.db.models import Count

    from teams.models import Municipality

    return (
        Municipality.objects.annotate(n=Count("referrals"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _today():
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as c:
        c.execute("SELECT to_regclass('bench_marker') IS NOT NULL")
        if c.fetchone()[0]:
            c.execute("SELECT today FROM bench_marker ORDER BY generated_at DESC LIMIT 1")
            row = c.fetchone()
            if row and row[0]:
                return row[0]
    return timezone.localdate()


def _explain(report: str, params: dict, path: Path) -> None:
    from django.db import connection

    from decisions import national_reports as nr

    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + nr._SQL, params)
        path.write_text("\n".join(row[0] for row in c.fetchall()) + "\n")


def national_report(args, plans_dir: Path) -> dict:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from decisions import national_reports as nr
    from teams.models import Municipality, Unit, User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    municipality = Municipality.objects.get(pk=_largest_municipality())
    units = list(Unit.objects.filter(municipality=municipality).order_by("name", "pk"))
    today = _today()
    result = {"municipality": municipality.name, "units": len(units), "today": str(today)}
    # The page as kommunalsjef@demo.no sees it: Solvik's director (the largest municipality at
    # national scale; in a small archive another may hold more cases).
    director = User.objects.get(email="kommunalsjef@demo.no")
    client = Client()
    client.force_login(director)
    home = director.roles.filter(kind="director").values_list("municipality", flat=True).first()
    result["page_municipality"] = Municipality.objects.get(pk=home).name
    runs = max(args.runs, 3) * 5
    for report in (nr.BASIL, nr.GSI):
        day = nr.default_day(report, today)

        def once(report=report, day=day):
            fig = nr.report_figures(report, municipality=municipality, units=units, day=day)
            nr.report_tables(fig, suppress=True)
            return fig

        fig = once()  # warm
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            once()
            timings.append((time.perf_counter() - started) * 1000)
        spec = nr.REPORTS[report]
        params = {
            "municipality": municipality.pk,
            "units": [u.pk for u in units if u.kind == spec.unit_kind],
            "day": day,
            "report": report,
            "school_year": nr.school_year_start(day),
            "band_min": spec.bands[0],
            "band_max": spec.bands[-1],
            # issue 19: the report's case kinds and its per-kind split (report_figures' params)
            "kinds": [str(k) for k in spec.kinds],
            "first": str(spec.kinds[0]),
            "all_kinds": sorted({str(k) for k in (*spec.kinds, *spec.split)}),
            **{
                f"k{i + 1}": (str(spec.split[i]) if i < len(spec.split) else None) for i in range(3)
            },
        }
        _explain(report, params, plans_dir / f"national_report_{report}.txt")
        entry = {
            "day": str(day),
            "counted": fig.total.children,
            "hours": float(fig.total.hours),
            "units": len(fig.units),
            "p50_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
        }
        url = reverse("decisions:national_report")
        query = {"rapport": report, "dato": day.isoformat(), "kommune": home}
        assert client.get(url, query).status_code == 200
        page = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url, query)
            page.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        entry["page_p50_ms"] = round(statistics.median(page), 1)
        result[report] = entry
        print(
            f"  {report.upper()} {day}: {entry['counted']:,} counted in {entry['units']} units, "
            f"figures + tables p50 {entry['p50_ms']} ms (max {entry['max_ms']}), "
            f"page p50 {entry.get('page_p50_ms')} ms",
            flush=True,
        )
    return result
