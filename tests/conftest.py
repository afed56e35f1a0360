"""Personas shared by the suite (STYLE.md): one municipality with two areas, a PPT office
serving it, units A (area north) and B (area south), and one person per role; plus a person
of another municipality who must see nothing of the first."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from teams.models import Role, SchoolClass, Unit
from tests.factories import (
    AreaFactory,
    MunicipalityFactory,
    PPTOfficeFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)

PASSWORD = "riktig-passord-123"
OSLO = ZoneInfo("Europe/Oslo")


def frozen_today(day: date):
    """The wall clock set to noon of `day` in Europe/Oslo (ticking), so a page built from "today"
    shows the same dates whatever day the suite runs. Use as a context manager or fixture body:
    ``with frozen_today(TODAY): ...``."""
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=OSLO), tick=True)


@dataclass
class World:
    municipality: object
    other_municipality: object
    north: object
    south: object
    unit_a: object
    unit_b: object
    school: object
    other_unit: object
    office_ppt: object
    advisor: object
    advisor_south: object
    styrer_a: object
    styrer_b: object
    office: object
    director: object
    admin: object
    special_educator: object
    outsider: object
    no_roles: object
    # Issue 19: a second school (area south), classes, a rektor per school, a kontaktlærer of
    # class 5A at school S, and the municipality's school office (decides where the rektor
    # does not).
    school_b: object = None
    class_5a: object = None
    class_5b: object = None
    class_b: object = None
    rektor_a: object = None
    rektor_b: object = None
    teacher: object = None
    school_office: object = None


@pytest.fixture
def world(db) -> World:
    municipality = MunicipalityFactory(name="Solvik", number="9901")
    other = MunicipalityFactory(name="Bergtun", number="9902")
    north = AreaFactory(municipality=municipality, name="Nord")
    south = AreaFactory(municipality=municipality, name="Sør")
    other_area = AreaFactory(municipality=other, name="Sentrum")
    unit_a = UnitFactory(name="Barnehage A", area=north)
    unit_b = UnitFactory(name="Barnehage B", area=south)
    school = UnitFactory(name="Skole S", area=north, kind=Unit.Kind.SCHOOL)
    other_unit = UnitFactory(name="Bergtun barnehage", area=other_area)
    school_b = UnitFactory(name="Skole T", area=south, kind=Unit.Kind.SCHOOL)
    class_5a = SchoolClass.objects.create(unit=school, trinn=5, name="5A")
    class_5b = SchoolClass.objects.create(unit=school, trinn=5, name="5B")
    class_b = SchoolClass.objects.create(unit=school_b, trinn=8, name="8A")
    ppt = PPTOfficeFactory(name="PPT Solvik", municipalities=[municipality])
    other_ppt = PPTOfficeFactory(name="PPT Bergtun", municipalities=[other])

    def person(email, kind, **attach):
        user = UserFactory(email=email, full_name=email.split("@")[0].title())
        RoleFactory(user=user, kind=kind, **attach)
        return user

    return World(
        municipality=municipality,
        other_municipality=other,
        north=north,
        south=south,
        unit_a=unit_a,
        unit_b=unit_b,
        school=school,
        other_unit=other_unit,
        office_ppt=ppt,
        advisor=person("alice@test.no", Role.Kind.ADVISOR, ppt_office=ppt),
        advisor_south=person("arne@test.no", Role.Kind.ADVISOR, ppt_office=ppt, areas=[south]),
        styrer_a=person("bob@test.no", Role.Kind.UNIT_HEAD, units=[unit_a]),
        styrer_b=person("berit@test.no", Role.Kind.UNIT_HEAD, units=[unit_b]),
        office=person(
            "charlie@test.no",
            Role.Kind.OFFICE,
            municipality=municipality,
            unit_kind=Unit.Kind.KINDERGARTEN,
        ),
        director=person("dina@test.no", Role.Kind.DIRECTOR, municipality=municipality),
        admin=person("adam@test.no", Role.Kind.ADMIN, municipality=municipality),
        special_educator=person(
            "sara@test.no", Role.Kind.SPECIAL_EDUCATOR, municipality=municipality
        ),
        outsider=person("olga@test.no", Role.Kind.ADVISOR, ppt_office=other_ppt),
        no_roles=UserFactory(email="nobody@test.no", full_name="Nobody"),
        school_b=school_b,
        class_5a=class_5a,
        class_5b=class_5b,
        class_b=class_b,
        rektor_a=person("rita@test.no", Role.Kind.UNIT_HEAD, units=[school]),
        rektor_b=person("rolf@test.no", Role.Kind.UNIT_HEAD, units=[school_b]),
        teacher=person("tora@test.no", Role.Kind.TEACHER, units=[school], classes=[class_5a]),
        school_office=person(
            "sofie@test.no",
            Role.Kind.OFFICE,
            municipality=municipality,
            unit_kind=Unit.Kind.SCHOOL,
        ),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing passwords with PBKDF2 costs ~1 s per user on this machine; tests don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    import os
    import time

    config._rimelig_started = time.time()
    # RIMELIG_TODAY=YYYY-MM-DD runs the suite as if it were that day (ticking from noon, Oslo):
    # .ci/run runs the date-sensitive tests again on a Saturday, on 31 December and on
    # 29 February, so no test passes only on the day it was written.
    today = os.environ.get("RIMELIG_TODAY")
    if today:
        config._rimelig_travel = frozen_today(date.fromisoformat(today))
        config._rimelig_travel.start()


def pytest_report_header(config):
    import os

    if os.environ.get("RIMELIG_TODAY"):
        return f"RIMELIG_TODAY={os.environ['RIMELIG_TODAY']}: the clock starts at noon that day"
    return None


def pytest_terminal_summary(terminalreporter, config):
    """The fault suite's figures (tests/faults/, written to var/faults/*.json) in the output."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "var" / "faults"
    started = getattr(config, "_rimelig_started", 0)
    files = sorted(p for p in folder.glob("*.json") if p.stat().st_mtime >= started)
    if files:
        terminalreporter.section("fault suite figures (var/faults/)")
        for path in files:
            figures = json.loads(path.read_text())
            terminalreporter.write_line(f"{path.stem}: {json.dumps(figures, sort_keys=True)}")
