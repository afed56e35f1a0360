"""The demo's pupils (issue 19): every school of both municipalities has pupils on every trinn
1–10, each in a class of the trinn their birth year puts them on (opplæringslova § 2-1;
referrals.case_kinds.trinn_from_birth), with their guardians. demo/caseload.py makes most of them
with the rest of the children; this fills what a small run leaves empty (a trinn of a school
without a pupil) and gives a class to a pupil of an older demo database that has none.
Idempotent: a second run finds nothing to fill. Synthetic; never for production."""

import random
from collections.abc import Callable

from demo.caseload import _Seeder
from demo.organisation import DemoOrganisation
from demo.people import _make_family, _make_guardians
from referrals.case_kinds import trinn_from_birth
from referrals.models import Child, Guardian
from teams.models import Unit


def seed_pupils(
    org: DemoOrganisation, rng: random.Random, *, progress: Callable[[str], None] = print
) -> dict:
    seeder = _Seeder(org, rng, progress)
    schools = [u for u in seeder.units if u.kind == Unit.Kind.SCHOOL]
    pupils = list(
        Child.objects.filter(unit__in=schools).select_related("school_class").order_by("pk")
    )
    # A pupil without a class gets the one of the trinn their age gives (older demo data).
    classless = []
    for child in pupils:
        if child.school_class_id is None:
            trinn = min(10, max(1, trinn_from_birth(child.birth_date, seeder.today) or 1))
            child.school_class = org.classes[child.unit_id, f"{trinn}A"]
            classless.append(child)
    Child.objects.bulk_update(classless, ["school_class"])
    seeder.taken = set(
        Child.objects.filter(municipality__in=org.municipalities).values_list(
            "municipality_id", "id_number"
        )
    )
    filled = {(c.unit_id, c.school_class.trinn) for c in pupils}
    families = []
    for school in schools:
        for trinn in range(1, 11):
            if (school.pk, trinn) in filled:
                continue
            fam = _make_family(seeder, school, trinn=trinn)
            fam.guardians = _make_guardians(seeder, fam)
            families.append(fam)
    Child.objects.bulk_create([f.child for f in families])
    Guardian.objects.bulk_create([g for f in families for g in f.guardians])
    return {"classes_set": len(classless), "added": len(families)}
