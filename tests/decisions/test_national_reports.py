"""The national reports (decisions/national_reports.py): BASIL on 15 December and GSI on
1 October, counted on a hand-built set of children whose expected numbers are written out
below, then the command's CSV and Excel and the director's page."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from decisions import national_reports as nr
from decisions.models import Decision
from referrals.access_log_models import AccessLogEntry
from referrals.models import Referral
from teams.models import Role, Unit
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory, RoleFactory, UnitFactory, UserFactory
from tests.support.factories_decisions import DecisionFactory

BASIL_DAY = date(2026, 12, 15)
GSI_DAY = date(2026, 10, 1)
TODAY = date(2027, 1, 5)  # reporting season: both counting days have passed


@pytest.fixture(autouse=True)
def _reporting_season():
    """Every test on 5.1.2027 (the clock ticking from noon): the default counting days are
    15.12.2026 and 1.10.2026, and a day more than a year ahead is refused."""
    with frozen_today(TODAY):
        yield


def vedtak(world, unit, born, *, child=None, closed_on=None, kind=None, **terms) -> Decision:
    """A case of a child (born ``born``) at ``unit`` with one vedtak; ``terms`` are the
    vedtak's fields (decided_on, starts_on, ends_on, outcome, hours_per_week, …). The case's
    kind: § 31 at a kindergarten, § 11-6 at a school, unless ``kind`` says."""
    child = child or ChildFactory(unit=unit, birth_date=born)
    if kind is None:
        kind = "oppl_11_6" if unit.kind == Unit.Kind.SCHOOL else "bhl_31"
    referral = ReferralFactory(
        child=child,
        unit=unit,
        kind=kind,
        created_by=world.advisor,
        status=Referral.Status.CLOSED if closed_on else Referral.Status.DECIDED,
        closed_on=closed_on,
    )
    terms.setdefault("decided_on", date(2026, 6, 1))
    if "hours_per_week" in terms and terms["hours_per_week"] is not None:
        terms["hours_per_week"] = Decimal(terms["hours_per_week"])
    return DecisionFactory(referral=referral, decided_by=world.office, **terms)


def later(world, first: Decision, **terms) -> Decision:
    """A second vedtak in the same case (a change, a continuation, an appeal's new vedtak):
    the first is marked superseded, as decisions.case_life does."""
    Decision.objects.filter(pk=first.pk).update(superseded=True)
    if "hours_per_week" in terms:
        terms["hours_per_week"] = Decimal(terms["hours_per_week"])
    return DecisionFactory(referral=first.referral, decided_by=world.office, **terms)


@pytest.fixture
def school_t(world):
    return UnitFactory(name="Skole T", area=world.south, kind=Unit.Kind.SCHOOL)


@pytest.fixture
def data(world, school_t):
    """The hand-built set. Kindergartens A and B, schools S and T (Solvik), and Bergtun's."""
    a, b, s, t = world.unit_a, world.unit_b, world.school, school_t
    # --- BASIL, counted on 15.12.2026 ---------------------------------------------------------
    # k1: born on the counting day three years before: 3 years old. Counted (A).
    vedtak(
        world,
        a,
        date(2023, 12, 15),
        starts_on=date(2026, 8, 15),
        ends_on=date(2027, 6, 30),
        hours_per_week="5.0",
        assistant=True,
    )
    # k2: turns 3 the day after: 2. Open-ended, no start date (from its vedtaksdato). Counted.
    vedtak(
        world,
        a,
        date(2023, 12, 16),
        hours_per_week="3.5",
        organisation="individual",
        competence="pedagogue",
    )
    # k3: expired the day before. Not counted.
    vedtak(world, a, date(2022, 5, 1), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 14))
    # k4: ends on the counting day: counted; organisation not stated.
    vedtak(
        world,
        a,
        date(2021, 1, 10),
        ends_on=BASIL_DAY,
        hours_per_week="2.0",
        organisation="",
        competence="speech_therapist",
    )
    # k5: an avslag. Not counted.
    vedtak(world, a, date(2022, 3, 3), refused=True, decided_on=date(2026, 9, 1))
    # k6: decided before, starts after the counting day. Not counted.
    vedtak(world, a, date(2022, 4, 4), decided_on=date(2026, 12, 1), starts_on=date(2027, 1, 5))
    # k7: decided after the counting day, period starting before it. Not counted.
    vedtak(world, a, date(2022, 4, 5), decided_on=date(2026, 12, 20), starts_on=date(2026, 12, 1))
    # k8: turns 6 on the counting day; two cases with a vedtak in force each: counted once,
    # with the newer (B, 6 hours, assistant).
    k8 = ChildFactory(unit=b, birth_date=date(2020, 12, 15))
    vedtak(world, a, None, child=k8, decided_on=date(2026, 3, 1), hours_per_week="4.0")
    vedtak(
        world, b, None, child=k8, decided_on=date(2026, 10, 1), hours_per_week="6.0", assistant=True
    )
    # k9: an endringsvedtak from 1.11 took over (7.5 hours). Counted with it.
    first = vedtak(
        world,
        b,
        date(2024, 1, 1),
        decided_on=date(2026, 5, 1),
        starts_on=date(2026, 8, 1),
        ends_on=date(2027, 7, 31),
        hours_per_week="3.0",
    )
    later(
        world,
        first,
        kind="change",
        decided_on=date(2026, 11, 1),
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 7, 31),
        hours_per_week="7.5",
    )
    # k10: turns 4 the day after: 3. A continuation decided on 1.12 starts 1.1: the old vedtak
    # (superseded today) was in force on the counting day and counts, with its 4 hours.
    first = vedtak(
        world,
        b,
        date(2022, 12, 16),
        decided_on=date(2026, 1, 10),
        starts_on=date(2026, 1, 15),
        ends_on=date(2026, 12, 31),
        hours_per_week="4.0",
    )
    later(
        world,
        first,
        kind="continuation",
        decided_on=date(2026, 12, 1),
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        hours_per_week="4.5",
    )
    # k11: case closed before the counting day (moved). Not counted.
    vedtak(world, b, date(2022, 2, 2), closed_on=date(2026, 11, 30))
    # k12: case closed after the counting day: counted (1 year old).
    vedtak(
        world,
        b,
        date(2025, 6, 1),
        closed_on=date(2026, 12, 20),
        hours_per_week="1.5",
        organisation="outside_group",
        competence="other",
    )
    # k13: partly granted: counted (5 years).
    vedtak(
        world,
        b,
        date(2021, 6, 1),
        outcome=Decision.Outcome.PARTLY,
        hours_per_week="10.0",
        organisation="inside_group",
        assistant=True,
    )
    # k14: granted, then an appeal's new vedtak decided after the counting day: the first
    # (superseded today) is what was in force. Counted (A, 4 years, 2 hours).
    first = vedtak(world, a, date(2022, 6, 1), decided_on=date(2026, 9, 1), hours_per_week="2.0")
    later(world, first, decided_on=date(2027, 1, 2), hours_per_week="9.0")
    # Bergtun's kindergarten: never in Solvik's report.
    vedtak(world, world.other_unit, date(2022, 1, 1))

    # --- GSI, counted on 1.10.2026 (school year 2026/27: trinn = 2021 − birth year) ------------
    # p1: born 31.12.2020: 1st trinn. Teacher hours.
    vedtak(
        world,
        s,
        date(2020, 12, 31),
        starts_on=date(2026, 8, 17),
        ends_on=date(2027, 6, 20),
        hours_per_week="3.0",
    )
    # p2: born 1.1.2020: 1st trinn. Teacher and assistant.
    vedtak(world, s, date(2020, 1, 1), hours_per_week="5.0", competence="pedagogue", assistant=True)
    # p3: 10th trinn; competence not stated: an assistant, no teacher hours.
    vedtak(world, s, date(2011, 3, 3), hours_per_week="4.0", competence="", assistant=True)
    # p11: 5th trinn, assistance only (no hours).
    vedtak(world, s, date(2016, 2, 2), hours_per_week=None, assistant=True)
    # p4: born 2010: "11th" trinn, outside 1–10. p5: born 2021 (early start): outside.
    vedtak(world, t, date(2010, 12, 31), hours_per_week="2.0")
    vedtak(world, t, date(2021, 1, 1), hours_per_week="1.0", competence="pedagogue")
    # p6: 6th trinn, two cases (S, then T): counted once, at T, 8 hours with an assistant.
    p6 = ChildFactory(unit=t, birth_date=date(2015, 5, 5))
    vedtak(world, s, None, child=p6, decided_on=date(2025, 8, 1), hours_per_week="2.0")
    vedtak(
        world, t, None, child=p6, decided_on=date(2026, 8, 20), hours_per_week="8.0", assistant=True
    )
    # p7: expired the day before. p8: starts the day after. p9: an avslag. Not counted.
    vedtak(world, t, date(2014, 1, 1), ends_on=date(2026, 9, 30))
    vedtak(world, s, date(2014, 1, 2), starts_on=date(2026, 10, 2))
    vedtak(world, s, date(2014, 1, 3), refused=True)
    # Bergtun's school.
    bergtun_school = UnitFactory(area=world.other_unit.area, kind=Unit.Kind.SCHOOL)
    vedtak(world, bergtun_school, date(2014, 1, 4))
    return world


def figures(world, report, day):
    units = list(Unit.objects.filter(municipality=world.municipality).order_by("name"))
    return nr.report_figures(report, municipality=world.municipality, units=units, day=day)


def counts(c: nr.Counts) -> tuple:
    return (c.children, c.assistant, c.teacher, c.hours)


def test_basil_counts_the_children_with_a_vedtak_in_force_on_15_december(data):
    world = data
    fig = figures(world, nr.BASIL, BASIL_DAY)
    # k1 k2 k4 k8 k9 k10 k12 k13 k14; hours 5 + 3.5 + 2 + 6 + 7.5 + 4 + 1.5 + 10 + 2
    assert (fig.total.children, fig.total.assistant, fig.total.hours) == (9, 3, Decimal("41.5"))
    a, b = fig.by_unit[world.unit_a.pk], fig.by_unit[world.unit_b.pk]
    assert (a.children, a.assistant, a.hours) == (4, 1, Decimal("12.5"))  # k1 k2 k4 k14
    assert (b.children, b.assistant, b.hours) == (5, 2, Decimal("29.0"))  # k8 k9 k10 k12 k13
    assert set(fig.by_unit) == {world.unit_a.pk, world.unit_b.pk}  # no school, no Bergtun
    ages = {band: c.children for band, c in fig.by_band.items()}
    assert ages == {1: 1, 2: 2, 3: 2, 4: 1, 5: 2, 6: 1}  # nobody 0 or older than 6
    assert {k: c.children for k, c in fig.by_organisation.items()} == {
        "group": 5,  # k1 k8 k9 k10 k14
        "individual": 1,  # k2
        "inside_group": 1,  # k13
        "outside_group": 1,  # k12
        "": 1,  # k4: not stated
    }
    assert {k: c.children for k, c in fig.by_competence.items()} == {
        "special_educator": 6,
        "pedagogue": 1,
        "speech_therapist": 1,
        "other": 1,
    }
    assert fig.by_band[2].hours == Decimal("11.0")  # k2 3.5 + k9 7.5 (the change's hours)
    assert fig.by_band[3].hours == Decimal("9.0")  # k1 5 + k10 4 (the old vedtak's hours)


def test_a_vedtak_counts_from_its_start_to_its_end(data):
    world = data
    # 14.12: k3 (ends 14.12) is still in force, with the nine counted on the 15th.
    day_before = figures(world, nr.BASIL, date(2026, 12, 14))
    assert day_before.total.children == 10  # the nine and k3
    # 16.12: k4 (ended 15.12) is gone.
    day_after = figures(world, nr.BASIL, date(2026, 12, 16))
    assert day_after.total.children == 8
    # 5.1.2027: k6 has started; k10's continuation (from 1.1) took over with 4.5 hours; k14's
    # appeal vedtak (2.1) took over with 9 hours; k12's case is closed; k4 and k3 ended.
    january = figures(world, nr.BASIL, date(2027, 1, 5))
    assert january.total.children == 9  # k1 k2 k6 k7 k8 k9 k10 k13 k14
    # 5 + 3.5 + 5 (k6) + 5 (k7) + 6 + 7.5 + 4.5 (continuation) + 10 + 9 (appeal)
    assert january.total.hours == Decimal("55.5")


def test_gsi_counts_the_pupils_by_trinn_teacher_and_assistant_on_1_october(data, school_t):
    world = data
    fig = figures(world, nr.GSI, GSI_DAY)
    # p1 p2 p3 p11 (S), p4 p5 p6 (T); teacher: p1 p2 p4 p5 p6; assistant: p2 p3 p11 p6
    assert counts(fig.total) == (7, 4, 5, Decimal("23.0"))
    assert counts(fig.by_unit[world.school.pk]) == (4, 3, 2, Decimal("12.0"))
    assert counts(fig.by_unit[school_t.pk]) == (3, 1, 3, Decimal("11.0"))
    assert {band: c.children for band, c in fig.by_band.items()} == {
        1: 2,  # born 31.12.2020 and 1.1.2020
        5: 1,
        6: 1,
        10: 1,  # born 2011
        nr.OUTSIDE: 2,  # born 2010 ("11th") and 2021 (early start)
    }


def test_gsi_counts_chapter_11_vedtak_only_and_splits_them_by_kind(data, school_t):
    world = data
    # q1: § 11-4 personal assistance only, 5th trinn by birth year: counted, no teacher hours.
    vedtak(world, world.school, date(2016, 4, 4), kind="oppl_11_4", hours_per_week=None)
    # q2: in class 5A (born 2019: 2nd trinn by birth year; the class wins: 5th), a § 11-6
    # vedtak with 2 hours and a newer § 11-5 one: counted once, with the § 11-6 vedtak's hours.
    q2 = ChildFactory(unit=world.school, birth_date=date(2019, 6, 1), school_class=world.class_5a)
    vedtak(world, world.school, None, child=q2, decided_on=date(2026, 8, 1), hours_per_week="2.0")
    vedtak(
        world,
        world.school,
        None,
        child=q2,
        kind="oppl_11_5",
        decided_on=date(2026, 9, 1),
        hours_per_week=None,
    )
    # A § 31 case at a school (no chapter 11 vedtak): not counted in GSI, nor in BASIL.
    vedtak(world, world.school, date(2015, 1, 1), kind="bhl_31", hours_per_week="6.0")
    fig = figures(world, nr.GSI, GSI_DAY)
    # the seven of test_gsi_counts_… and q1, q2; teacher hours: the five and q2
    assert counts(fig.total) == (9, 4, 6, Decimal("25.0"))
    assert fig.total.by_kind == {"oppl_11_6": 8, "oppl_11_4": 1, "oppl_11_5": 1}
    assert fig.by_band[5].children == 3  # p11, q1 (by birth year) and q2 (by class)
    assert 2 not in fig.by_band
    assert figures(world, nr.BASIL, BASIL_DAY).total.children == 9  # not at a kindergarten
    tables = nr.report_tables(fig, suppress=False)
    assert tables[0].columns[-3:] == [
        "opplæringslova § 11-6 (tilleggstall)",
        "opplæringslova § 11-4 (tilleggstall)",
        "opplæringslova § 11-5 (tilleggstall)",
    ]
    # Suppressed: the one § 11-4 pupil is "<5", and so is the total of the column.
    hidden = nr.report_tables(fig, suppress=True)[0].rows[-1].cells
    assert [c.text for c in hidden[-3:]] == ["8", "<5", "<5"]


def test_basil_counts_item_6a_and_tegnsprak_beside_it(data):
    world = data
    # § 38 tegnspråk only: not in 6A, in its own supplementary column. § 37: in neither.
    vedtak(world, world.unit_a, date(2022, 2, 1), kind="bhl_38", hours_per_week=None)
    vedtak(world, world.unit_a, date(2022, 3, 1), kind="bhl_37", hours_per_week=None)
    fig = figures(world, nr.BASIL, BASIL_DAY)
    assert (fig.total.children, fig.total.hours) == (9, Decimal("41.5"))  # as before
    assert fig.total.by_kind == {"bhl_38": 1}
    assert fig.by_unit[world.unit_a.pk].children == 4
    assert fig.by_unit[world.unit_a.pk].by_kind == {"bhl_38": 1}
    table = nr.report_tables(fig, suppress=False)[0]
    assert table.columns[-1] == "barnehageloven § 38 (tilleggstall)"
    definitions = {str(term): str(text) for term, text in nr.DEFINITIONS[nr.BASIL]}
    assert "Ikke en del av BASIL 6A" in definitions["Tegnspråkopplæring (tilleggstall)"]
    gsi = {str(term): str(text) for term, text in nr.DEFINITIONS[nr.GSI]}
    assert "GSI etter 2024 er ikke kontrollert" in gsi["Etter vedtakstype (tilleggstall)"]


def test_the_trinn_follows_the_school_year_not_the_calendar_year(data, school_t):
    # 15.3.2027 is in the school year that began in August 2026: the same trinn as 1.10.2026.
    # (p1's vedtak has ended by then: 20.6.2027 is later, so it still counts.)
    spring = figures(data, nr.GSI, date(2027, 3, 15))
    assert spring.by_band[1].children == 2
    assert nr.school_year_start(date(2027, 3, 15)) == 2026
    assert nr.school_year_start(date(2026, 8, 1)) == 2026
    assert nr.school_year_start(date(2026, 7, 31)) == 2025


def test_the_default_counting_day_is_the_round_the_municipality_is_working_on():
    assert nr.default_day(nr.BASIL, date(2026, 12, 6)) == date(2026, 12, 15)
    assert nr.default_day(nr.BASIL, date(2027, 1, 5)) == date(2026, 12, 15)
    assert nr.default_day(nr.BASIL, date(2027, 6, 1)) == date(2026, 12, 15)
    assert nr.default_day(nr.BASIL, date(2027, 11, 20)) == date(2027, 12, 15)
    assert nr.default_day(nr.GSI, date(2026, 12, 6)) == date(2026, 10, 1)
    assert nr.default_day(nr.GSI, date(2026, 9, 5)) == date(2026, 10, 1)
    assert nr.default_day(nr.GSI, date(2026, 5, 5)) == date(2025, 10, 1)


def test_each_report_names_its_law_and_every_figure_has_a_definition():
    assert nr.REPORTS[nr.BASIL].law == "barnehageloven § 31"
    assert nr.REPORTS[nr.GSI].law == "opplæringslova kapittel 11 (§§ 11-4, 11-5 og 11-6)"
    assert nr.REPORTS[nr.BASIL].kinds == ("bhl_31",)
    assert nr.REPORTS[nr.GSI].kinds == ("oppl_11_6", "oppl_11_4", "oppl_11_5")
    basil = {str(term): str(text) for term, text in nr.DEFINITIONS[nr.BASIL]}
    assert "barnehageloven § 31" in basil["Barn med vedtak (BASIL 6A)"]
    assert "ikke kontrollert mot feltene i BASIL" in basil["Tilleggstall"]
    gsi = {str(term): str(text) for term, text in nr.DEFINITIONS[nr.GSI]}
    assert "S − (Å + 6) + 1" in gsi["Trinn"]
    for definitions in nr.DEFINITIONS.values():
        assert all(str(term) and len(str(text)) > 20 for term, text in definitions)


def test_the_tables_suppress_small_counts_only_when_asked(data):
    fig = figures(data, nr.BASIL, BASIL_DAY)
    exact = nr.report_tables(fig, suppress=False)
    units = exact[0]
    assert [r.label for r in units.rows] == ["Barnehage A", "Barnehage B", "Alle"]
    assert [c.text for c in units.rows[0].cells] == ["4", "1", "12,5", "0"]
    hidden = nr.report_tables(fig, suppress=True)[0]
    # A's 4 is small; B's 5 is hidden too, or 9 − 5 would give A away; the hours with them.
    # With an assistant: 1, 2 and 3, all small.
    assert [c.text for c in hidden.rows[0].cells] == ["<5", "<5", "⋯", "0"]
    assert [c.text for c in hidden.rows[1].cells] == ["⋯", "<5", "⋯", "0"]
    assert [c.text for c in hidden.rows[2].cells] == ["9", "<5", "41,5", "0"]


# --- the command -------------------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_command_writes_the_exact_basil_as_csv(data):
    out = io.StringIO()
    call_command(
        "national_report",
        "basil",
        "--date",
        "2026-12-15",
        "--municipality",
        "9901",
        "--format",
        "csv",
        stdout=out,
    )
    rows = _rows(out.getvalue())
    assert rows[0] == ["BASIL – barn med vedtak om spesialpedagogisk hjelp"]
    assert ["Tellingsdag: 15.12.2026"] in rows
    assert ["Barnehage A", "4", "1", "12,5", "0"] in rows  # unsuppressed
    assert ["Barnehage B", "5", "2", "29", "0"] in rows
    assert ["3 år", "2", "1", "9", "0"] in rows
    assert ["Ikke oppgitt", "1", "0", "2", "0"] in rows  # organisation not stated (k4)
    assert any(r and r[0] == "Tilleggstall" for r in rows)  # the definitions, last


def test_the_command_writes_gsi_as_excel(data, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "gsi.xlsx"
    call_command(
        "national_report",
        "gsi",
        "--date",
        "2026-10-01",
        "--municipality",
        "Solvik",
        "--format",
        "xlsx",
        "--out",
        str(path),
        stderr=io.StringIO(),
    )
    book = load_workbook(path)
    assert book.sheetnames == ["enheter", "trinn", "organisering", "kompetanse", "definisjoner"]
    units = [[c.value for c in row] for row in book["enheter"].iter_rows()]
    assert ["Alle", 7, 5, 4, 23, 7, 0, 0] in units
    trinn = [[c.value for c in row] for row in book["trinn"].iter_rows()]
    assert ["Utenfor 1.–10.", 2, 2, 0, 3, 2, 0, 0] in trinn


def test_the_command_prints_a_table_and_can_suppress(data):
    out = io.StringIO()
    call_command(
        "national_report", "basil", "--municipality", "Solvik", "--prikket", stdout=out
    )  # the default counting day: 15.12.2026
    text = out.getvalue()
    assert "Tellingsdag: 15.12.2026" in text
    assert "<5" in text and "Definisjoner" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "15.12.2026"], "ÅÅÅÅ-MM-DD"),
        (["--date", "2026-02-30"], "finnes ikke"),
        (["--date", "1999-12-15"], "før 01.01.2000"),
        (["--date", "2030-12-15"], "etter"),
        (["--municipality", "Atlantis"], "Fant ingen kommune «Atlantis»"),
        (["--municipality", "4242"], "Fant ingen kommune"),
        ([], "Velg kommune"),  # two municipalities: which one?
        (["--municipality", "9901", "--format", "xlsx"], "--out"),
    ],
)
def test_the_command_refuses_bad_input_in_norwegian(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("national_report", "basil", *args, stdout=io.StringIO())


def test_the_exports_cannot_run_a_formula(world):
    world.unit_a.name = '=HYPERLINK("http://x")'
    world.unit_a.save(update_fields=["name"])
    vedtak(world, world.unit_a, date(2022, 1, 1))
    out = io.StringIO()
    call_command(
        "national_report", "basil", "--municipality", "9901", "--format", "csv", stdout=out
    )
    assert ['\'=HYPERLINK("http://x")', "1", "0", "5", "0"] in _rows(out.getvalue())


# --- the director's page -----------------------------------------------------------------------

URL = "decisions:national_report"


@pytest.fixture
def director(client, world):
    client.force_login(world.director)
    return client


def test_the_director_sees_basil_suppressed_with_its_definitions(data, director):
    response = director.get(reverse(URL))
    assert response.status_code == 200
    text = response.text
    assert "BASIL – barn med vedtak om spesialpedagogisk hjelp" in text
    assert "tellingsdag 15.12.2026" in text
    assert "Slik er tallene telt" in text and "barnehageloven § 31" in text
    tables = response.context["tables"]
    assert [c.text for c in tables[0].rows[-1].cells] == ["9", "<5", "41,5", "0"]
    assert tables[0].rows[0].cells[0].text == "<5"  # Barnehage A's 4
    assert "Testesen" not in text  # no child's name on the page
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.child_id) == ("view", "report", None)


def test_the_director_chooses_gsi_and_a_day(data, director):
    response = director.get(reverse(URL), {"rapport": "gsi", "dato": "2026-10-01"})
    assert response.status_code == 200
    assert [c.text for c in response.context["tables"][0].rows[-1].cells] == [
        "7",
        "5",
        "<5",
        "23",
        "7",  # § 11-6 (supplementary)
        "0",  # § 11-4
        "0",  # § 11-5
    ]


def test_the_kindergarten_office_counts_only_its_kind_of_unit(data, client):
    client.force_login(data.office)  # the office for kindergartens
    basil = client.get(reverse(URL), {"rapport": "basil"})
    gsi = client.get(reverse(URL), {"rapport": "gsi"})
    assert basil.context["figures"].total.children == 9
    assert gsi.status_code == 200
    assert gsi.context["figures"].total.children == 0 and gsi.context["figures"].units == []
    assert "Du har ingen enheter av denne typen" in gsi.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"dato": "2026-13-45"}, "dato", "Oppgi en gyldig dato"),
        ({"dato": "1999-12-15"}, "dato", "før 01.01.2000"),
        ({"dato": "2030-12-15"}, "dato", "etter"),
        ({"rapport": "kostra"}, "rapport", "gyldig valg"),
        ({"kommune": "abc"}, "kommune", "gyldig valg"),
    ],
)
def test_bad_input_is_a_422_with_the_message_at_the_field(world, director, params, field, message):
    response = director.get(reverse(URL), params)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'aria-describedby="id_{field}_error"' in response.text
    assert not AccessLogEntry.objects.exists()


def test_another_municipality_is_a_404(world, director):
    assert director.get(reverse(URL), {"kommune": world.other_municipality.pk}).status_code == 404
    export = reverse("decisions:national_report_export", args=["csv"])
    assert director.get(export, {"kommune": world.other_municipality.pk}).status_code == 404


def test_bergtuns_director_sees_only_bergtun(data, client):
    other = UserFactory(email="dag@bergtun.no")
    RoleFactory(user=other, kind=Role.Kind.DIRECTOR, municipality=data.other_municipality)
    client.force_login(other)
    response = client.get(reverse(URL))
    assert client.get(reverse(URL), {"kommune": data.municipality.pk}).status_code == 404
    assert response.context["figures"].total.children == 1
    assert response.context["figures"].municipality == data.other_municipality


@pytest.mark.parametrize("persona", ["advisor", "styrer_a", "special_educator", "admin"])
def test_people_without_the_directors_or_offices_role_get_403(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(URL)).status_code == 403
    assert client.get(reverse("decisions:national_report_export", args=["csv"])).status_code == 403


def test_the_downloads_are_suppressed_like_the_page_and_logged_as_an_export(data, director):
    from openpyxl import load_workbook

    params = {"rapport": "basil", "dato": "2026-12-15"}
    page = director.get(reverse(URL), params)
    csv_response = director.get(page.context["downloads"]["csv"])
    xlsx = director.get(reverse("decisions:national_report_export", args=["xlsx"]), params)
    assert (
        director.get(reverse("decisions:national_report_export", args=["pdf"])).status_code == 404
    )
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="rimelig-basil-9901-2026-12-15.csv"'
    )
    rows = _rows(csv_response.content.decode())
    assert ["Barnehage A", "<5", "<5", "⋯", "0"] in rows
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = [[c.value for c in row] for row in book["enheter"].iter_rows()]
    assert ["Barnehage A", "<5", "<5", "⋯", 0] in sheet
    assert ["Alle", 9, "<5", 41.5, 0] in sheet
    actions = list(AccessLogEntry.objects.order_by("pk").values_list("action", "object_type"))
    assert actions == [("view", "report"), ("export", "report"), ("export", "report")]


def test_the_dashboard_links_to_the_national_reports(world, director):
    response = director.get(reverse("decisions:dashboard"))
    assert reverse(URL) in response.text


def test_the_page_runs_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    client.force_login(world.director)

    def load(n):
        for i in range(n):
            vedtak(world, world.unit_a if i % 2 else world.unit_b, date(2022, 1, 1 + i % 28))
        # session, user, roles; the units the director oversees (with their municipality);
        # the report (one query); the access log's row.
        with django_assert_num_queries(6):
            response = client.get(reverse(URL), {"dato": "2026-12-15"})
        assert response.status_code == 200
        return response.context["figures"].total.children

    assert load(1) == 1
    assert load(29) == 30
