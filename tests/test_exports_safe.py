"""Exports cannot run (issue 16, deliverable 7): a unit, area or advisor named like a formula
comes out of every CSV and Excel download of the dashboard as inert text (core/exports.py),
and numbers stay numbers."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import FORMULA_STARTERS, spreadsheet_value
from decisions import dashboard
from decisions.dashboard import Cell, Row, Table
from decisions.dashboard.systemwork import SYSTEMWORK_SLUGS
from decisions.dashboard.views import _csv, _xlsx
from decisions.models import Deadline
from referrals.models import Referral
from teams.models import Role
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
HYPERLINK = '=HYPERLINK("http://x","klikk")'
# A CSV cell that is a number in Norwegian Excel's format (a negative one included).
NUMBER = re.compile(r"^-?\d+(,\d+)?$")


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def leader(world):
    """A PP-leder: the one role whose dashboard has every table, the per-advisor one too."""
    user = UserFactory(email="lise@test.no", full_name="Lise Leder")
    RoleFactory(user=user, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    return user


@pytest.fixture
def hostile(world):
    """Units, areas and advisors named as formulas, each with an overdue case, so that every
    name shows up in a table."""
    names = {
        world.unit_a: HYPERLINK,
        world.unit_b: "+1",
        world.school: "@SUM(A1)",
        world.north: "-2",
        world.south: "\t=1+1",
    }
    for obj, name in names.items():
        obj.name = name
        obj.save(update_fields=["name"])
    world.advisor.full_name = "＝cmd|' /C calc'!A0"
    world.advisor.save(update_fields=["full_name"])
    world.advisor_south.full_name = "\x01=2+2"
    world.advisor_south.save(update_fields=["full_name"])
    advisors = {world.unit_a: world.advisor, world.unit_b: world.advisor_south}
    for unit in (world.unit_a, world.unit_b, world.school):
        case = ReferralFactory(
            child=ChildFactory(unit=unit),
            unit=unit,
            created_by=world.advisor,
            status=Referral.Status.RECEIVED,
            received_on=date(2026, 9, 1),
            consent_on=date(2026, 9, 1),
            t0=date(2026, 9, 1),
            advisor=advisors.get(unit),
        )
        due = date(2026, 10, 1)
        Deadline.objects.create(
            referral=case,
            kind="provisional_reply",
            due_on=due,
            warning_days=14,
            warn_on=due - timedelta(days=14),
        )
    return names


def _export(client, table, fmt):
    response = client.get(reverse("decisions:dashboard_export", args=[table, fmt]))
    assert response.status_code == 200, (table, fmt)
    return response


def _slugs(user):
    return [*dashboard.table_slugs(user), *SYSTEMWORK_SLUGS]


def test_every_csv_export_writes_formula_names_as_text(client, world, leader, hostile):
    client.force_login(leader)
    written = []
    for slug in _slugs(leader):
        body = _export(client, slug, "csv").content.decode("utf-8")
        for row in csv.reader(io.StringIO(body[1:]), delimiter=";"):
            for value in row:
                assert NUMBER.match(value) or not value.startswith(FORMULA_STARTERS), (slug, value)
                written.append(value)
    # The names are there, escaped, not dropped.
    for name in (HYPERLINK, "+1", "@SUM(A1)", "-2", "\t=1+1", "＝cmd|' /C calc'!A0"):
        assert "'" + name in written, name
    assert "'=2+2" in written  # the control character in front of "=" is gone


def test_every_excel_export_writes_formula_names_as_string_cells(client, world, leader, hostile):
    client.force_login(leader)
    values = []
    for slug in [*_slugs(leader), "alle"]:
        book = load_workbook(io.BytesIO(_export(client, slug, "xlsx").content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (slug, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert cell.data_type == "s"
                        assert not cell.value.startswith(FORMULA_STARTERS), (slug, cell.value)
                    values.append(cell.value)
    assert "'" + HYPERLINK in values and "'@SUM(A1)" in values and "'-2" in values
    assert "'=2+2" in values
    assert any(type(v) is int for v in values)  # counts (shown ones) stay numbers


def test_numbers_stay_numbers_and_only_text_is_escaped():
    assert spreadsheet_value(-2) == -2
    assert spreadsheet_value(-2.5) == -2.5
    assert spreadsheet_value("-2") == "'-2"
    assert spreadsheet_value("Barnehage A") == "Barnehage A"
    assert spreadsheet_value("Sum - alle") == "Sum - alle"
    assert spreadsheet_value("<5") == "<5"
    for starter in FORMULA_STARTERS:
        assert spreadsheet_value(f"{starter}1+1") == f"'{starter}1+1"
    assert spreadsheet_value("\x00\x1f=1") == "'=1"
    assert spreadsheet_value(" =1+1") == "' =1+1"
    assert spreadsheet_value("\u3000\n＝1") == "'\u3000\n＝1"
    assert spreadsheet_value(" Nord") == " Nord"
    table = Table(
        "t",
        "=title",
        ["=col", "n"],
        [Row("=row", [Cell(-3)]), Row("days", [Cell(-2.5, kind="days")])],
        note="#N/A",
    )
    rows = list(csv.reader(io.StringIO(_csv(table)[1:]), delimiter=";"))
    assert rows == [["'=col", "n"], ["'=row", "-3"], ["days", "-2,5"]]
    sheet = load_workbook(io.BytesIO(_xlsx([table], ["@heading"])))["t"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert set(cells) >= {"'=title", "'@heading", "'=col", "'=row", -3, -2.5, "#N/A"}
    assert cells[-3].data_type == "n" and cells["#N/A"].data_type == "s"
