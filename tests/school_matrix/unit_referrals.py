"""Access matrix entries of issue 19: unit_referrals (see tests/school_matrix/__init__.py).

The unit's own referral pages are the styrer's and rektor's (another unit's head: 404;
anyone without the role: 403 before any lookup); PPT's arrivals are the advisors' and the
PP-leder's of the office serving the municipality (another office: 404); the parents' own
request is registered by an advisor (like referrals:referral_new)."""

from datetime import date

from referrals.models import Consent
from referrals.services import consent_register
from referrals.services.unit_referral import unit_referral_create, unit_referral_send
from tests.factories import ChildFactory, GuardianFactory

OK = {200}
ROLE_403 = {"advisor": {403}, "office": {403}, "director": {403}, "outsider": {403}}

MAIN: dict = {
    "referrals:unit_referral_list": (
        "get",
        {},
        {**ROLE_403, "styrer_a": OK, "styrer_b": OK},
    ),
    # Without ?barn= no child is named: a 404 for a unit head (tests/referrals/
    # test_unit_referrals.py covers a child of their own unit and of another).
    "referrals:unit_referral_new": (
        "get",
        {},
        {**ROLE_403, "styrer_a": {404}, "styrer_b": {404}},
    ),
    "referrals:unit_referral_edit": (
        "get",
        {"pk": "unit_referral_kg"},
        {**ROLE_403, "styrer_a": OK, "styrer_b": {404}},
    ),
    "referrals:unit_referral_consent": (
        "get",
        {"pk": "unit_referral_kg"},
        {**ROLE_403, "styrer_a": OK, "styrer_b": {404}},
    ),
    # A POST without the version: the form's message (422), nothing sent.
    "referrals:unit_referral_send": (
        "post",
        {"pk": "unit_referral_kg"},
        {**ROLE_403, "styrer_a": {422}, "styrer_b": {404}},
    ),
    "referrals:arrived_list": (
        "get",
        {},
        {
            "advisor": OK,
            "outsider": OK,  # their own office's list (empty)
            "styrer_a": {403},
            "styrer_b": {403},
            "office": {403},
            "director": {403},
        },
    ),
    # The advisor receives it (and a second post finds it received: a redirect again).
    "referrals:referral_receive": (
        "post",
        {"pk": "arrived_kg"},
        {
            "advisor": {302},
            "outsider": {404},
            "styrer_a": {403},
            "styrer_b": {403},
            "office": {403},
            "director": {403},
        },
    ),
    "referrals:parents_request_new": (
        "get",
        {"pk": "child"},
        {
            "advisor": OK,
            "styrer_a": {403},
            "styrer_b": {404},
            "office": {403},
            "director": {404},
            "outsider": {404},
        },
    ),
}

SCHOOL_403 = {"teacher": {403}, "school_office": {403}}
SCHOOL: dict = {
    "referrals:unit_referral_list": ("get", {}, {**SCHOOL_403, "rektor_a": OK, "rektor_b": OK}),
    "referrals:unit_referral_new": (
        "get",
        {},
        {**SCHOOL_403, "rektor_a": {404}, "rektor_b": {404}},
    ),
    "referrals:unit_referral_edit": (
        "get",
        {"pk": "unit_referral_school"},
        {**SCHOOL_403, "rektor_a": OK, "rektor_b": {404}},
    ),
    "referrals:unit_referral_consent": (
        "get",
        {"pk": "unit_referral_school"},
        {**SCHOOL_403, "rektor_a": OK, "rektor_b": {404}},
    ),
    "referrals:unit_referral_send": (
        "post",
        {"pk": "unit_referral_school"},
        {**SCHOOL_403, "rektor_a": {422}, "rektor_b": {404}},
    ),
    "referrals:arrived_list": (
        "get",
        {},
        dict.fromkeys(["rektor_a", "rektor_b", "teacher", "school_office"], {403}),
    ),
    "referrals:referral_receive": (
        "post",
        {"pk": "arrived_school"},
        dict.fromkeys(["rektor_a", "rektor_b", "teacher", "school_office"], {403}),
    ),
    # Registered by PPT: the rektor and the school office see the pupil, may not register
    # (403); the other school's rektor and a teacher of another class do not see the pupil.
    "referrals:parents_request_new": (
        "get",
        {"pk": "unitref_pupil"},
        {"rektor_a": {403}, "rektor_b": {404}, "teacher": {404}, "school_office": {403}},
    ),
}

# The PP-leder personas of tests/test_access_matrix.py (LEADER_PERSONAS).
LEADER: dict = {
    "referrals:unit_referral_list": dict.fromkeys(["ppt_leader", "other_ppt_leader"], {403}),
    "referrals:unit_referral_new": dict.fromkeys(["ppt_leader", "other_ppt_leader"], {403}),
    "referrals:unit_referral_edit": dict.fromkeys(["ppt_leader", "other_ppt_leader"], {403}),
    "referrals:unit_referral_consent": dict.fromkeys(["ppt_leader", "other_ppt_leader"], {403}),
    "referrals:unit_referral_send": dict.fromkeys(["ppt_leader", "other_ppt_leader"], {403}),
    "referrals:arrived_list": dict.fromkeys(["ppt_leader", "other_ppt_leader"], OK),
    "referrals:referral_receive": {"ppt_leader": {302}, "other_ppt_leader": {404}},
    "referrals:parents_request_new": {"ppt_leader": {403}, "other_ppt_leader": {404}},
}


def _unit_referral(world, *, unit, head, kind, sent=False, school_class=None):
    child = ChildFactory(unit=unit, school_class=school_class)
    guardian = GuardianFactory(child=child)
    referral = unit_referral_create(actor=head, child_id=child.pk, kind=kind, concern="Språk")
    if sent:
        consent_register(
            referral_id=referral.pk,
            guardian_id=guardian.pk,
            purpose=Consent.Purpose.ASSESSMENT,
            given_on=date(2026, 9, 1),
            actor=head,
        )
        referral.refresh_from_db()
        referral = unit_referral_send(referral_id=referral.pk, version=referral.version, actor=head)
    return referral


def objects(world) -> dict:
    kg = _unit_referral(world, unit=world.unit_a, head=world.styrer_a, kind="bhl_31")
    school = _unit_referral(
        world, unit=world.school, head=world.rektor_a, kind="oppl_11_6", school_class=world.class_5b
    )
    arrived_kg = _unit_referral(
        world, unit=world.unit_a, head=world.styrer_a, kind="bhl_31", sent=True
    )
    arrived_school = _unit_referral(
        world,
        unit=world.school,
        head=world.rektor_a,
        kind="oppl_11_6",
        sent=True,
        school_class=world.class_5b,
    )
    pupil = ChildFactory(unit=world.school, school_class=world.class_5b)
    GuardianFactory(child=pupil)
    return {
        "unit_referral_kg": kg.pk,
        "unit_referral_school": school.pk,
        "arrived_kg": arrived_kg.pk,
        "arrived_school": arrived_school.pk,
        "unitref_pupil": pupil.pk,
    }
