"""The fault suite's data, written by `manage.py shell` into its own database: one
municipality, a kindergarten, USERS advisors who log in, OFFICE office users (one digest each
per flagging day) and CASES cases whose provisional-reply deadline is in its warning window
from 16.11.2026. The cases' assessment deadlines are the first advisor's (decisions.flagging
FLAG_OWNERS, barnehageloven § 34): one digest more, hers."""

import json
from types import SimpleNamespace

from teams.models import Role, Unit
from tests.decisions.conftest import received_case
from tests.factories import (
    AreaFactory,
    MunicipalityFactory,
    PPTOfficeFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)

USERS = 4
OFFICE = 40
CASES = 5


def run(password: str) -> None:
    municipality = MunicipalityFactory(name="Feilvik", number="9951")
    area = AreaFactory(municipality=municipality, name="Sentrum")
    unit = UnitFactory(name="Feilvik barnehage", area=area)
    ppt = PPTOfficeFactory(name="PPT Feilvik", municipalities=[municipality])
    advisors = []
    for n in range(USERS):
        user = UserFactory(
            email=f"radgiver{n}@feil.test", full_name=f"Rådgiver {n}", password=password
        )
        RoleFactory(user=user, kind=Role.Kind.ADVISOR, ppt_office=ppt)
        advisors.append(user)
    offices = []
    for n in range(OFFICE):
        user = UserFactory(email=f"kontor{n:02d}@feil.test", full_name=f"Kontor {n}", password=None)
        RoleFactory(
            user=user,
            kind=Role.Kind.OFFICE,
            municipality=municipality,
            unit_kind=Unit.Kind.KINDERGARTEN,
        )
        offices.append(user.email)
    world = SimpleNamespace(unit_a=unit, advisor=advisors[0])
    cases = [received_case(world) for _ in range(CASES)]
    print(
        json.dumps(
            {
                "advisors": [u.email for u in advisors],
                "offices": offices,
                "digest_recipients": [*offices, advisors[0].email],
                "children": [c.child_id for c in cases],
            }
        )
    )
