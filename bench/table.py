"""The README's table from bench/results/*.json: `python bench/table.py`."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# (label, key in the JSON's detail, how to show it, target at 1,000,000)
ROWS = [
    ("advisor's caseload, p50 / p95", "caseload", "page", "p50 < 15 ms"),
    ("advisor's caseload, queries", "caseload", "queries", "≤ 10"),
    ("advisor's caseload, Python CPU per request", "caseload", "cpu", ""),
    ("styrer's caseload, p50 / p95 (queries)", "unit_caseload", "page_q", ""),
    ("case page, p50 / p95 (queries)", "case", "page_q", "p50 < 20 ms, ≤ 15 queries"),
    ("office's worklist, p50 / p95 (queries)", "worklist", "page_q", ""),
    ("director's dashboard, p50 / p95 (queries)", "dashboard", "page_q", "p95 < 300 ms"),
    ("… of which decisions.dashboard alone, p50 / p95", "dashboard_figures", "page", ""),
    ("caseload throughput, gunicorn 2 workers, 8 connections", "throughput", "rps", "≥ 150/s"),
    ("caseload's best SQL (EXPLAIN ANALYZE)", "caseload_sql_ms", "ms", ""),
    ("morning job, 0.5 % of deadlines due", "flagging", "flag", "< 2 s"),
    ("morning job, none due", "flagging", "idle", "< 50 ms, ≤ 1.5 × 100,000"),
]


def _range(stats: dict, unit: str = "ms") -> str:
    return f"{stats['median']:g} {unit} ({stats['min']:g}–{stats['max']:g})"


def cell(detail: dict, key: str, how: str) -> str:
    value = detail.get("pages", {}).get(key) or detail.get(key)
    if value is None:
        return "–"
    if how == "page":
        return f"{value['p50_ms']['median']:g} / {value['p95_ms']['median']:g} ms"
    if how == "page_q":
        return (
            f"{value['p50_ms']['median']:g} / {value['p95_ms']['median']:g} ms ({value['queries']})"
        )
    if how == "queries":
        return str(value["queries"])
    if how == "cpu":
        return f"{value['python_cpu_p50_ms']:g} ms"
    if how == "rps":
        return f"{_range(value['rps'], '/s')}, {value['errors']} errors"
    if how == "ms":
        return _range(value)
    if how == "flag":
        return f"{_range(value['due'], 's')}, {value['flags_created']:,} flags"
    if how == "idle":
        return _range(value["idle_ms"])
    raise ValueError(how)


def main() -> None:
    files = sorted(RESULTS.glob("*.json"), key=lambda p: int(p.stem))
    results = [json.loads(p.read_text()) for p in files]
    header = ["", *(f"{r['scale']:,} referrals" for r in results), "target at 1,000,000"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, key, how, target in ROWS:
        cells = [cell(r["detail"], key, how) for r in results]
        print(f"| {label} | " + " | ".join(cells) + f" | {target} |")


if __name__ == "__main__":
    main()
