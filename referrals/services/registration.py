"""Children, guardians and referrals: registering and editing them (one open referral per child)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from referrals import case_kinds, states
from referrals.idnumber import IdNumberError, parse_id_number
from referrals.models import (
    Child,
    Guardian,
    Referral,
)
from referrals.services.base import (
    CaseError,
    S,
    TransitionError,
    _announce,
    _edit,
    _events_since,
    _lock_referral,
    case_event_record,
)


def parse_child_id_number(value: str):
    """Validate an identity number as the municipality's settings allow (raises CaseError)."""
    try:
        return parse_id_number(value, allow_synthetic=settings.ALLOW_SYNTHETIC_ID_NUMBERS)
    except IdNumberError as exc:
        raise CaseError(str(exc.message), field="id_number") from None


def child_find(*, municipality, id_number: str) -> Child | None:
    parsed = parse_child_id_number(id_number)
    return Child.objects.filter(municipality=municipality, id_number=parsed.number).first()


def child_find_or_register(
    *,
    actor,
    unit,
    id_number: str,
    first_name: str,
    last_name: str,
    sex: str,
    mother_tongue: str = "norsk",
    needs_interpreter: bool = False,
) -> tuple[Child, bool]:
    """A child already registered in the municipality is found, not registered twice."""
    parsed = parse_child_id_number(id_number)
    existing = Child.objects.filter(
        municipality=unit.municipality_id, id_number=parsed.number
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            child = Child.objects.create(
                municipality_id=unit.municipality_id,
                unit=unit,
                id_number=parsed.number,
                birth_date=parsed.birth_date,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                sex=sex,
                mother_tongue=mother_tongue or "norsk",
                needs_interpreter=needs_interpreter,
            )
    except IntegrityError:  # registered by someone else a moment ago
        return Child.objects.get(municipality=unit.municipality_id, id_number=parsed.number), False
    return child, True


@transaction.atomic
def child_update(*, child_id: int, version: int, actor, **values) -> Child:
    child = Child.objects.select_for_update().get(pk=child_id)
    if "id_number" in values:
        parsed = parse_child_id_number(values["id_number"])
        values["id_number"], values["birth_date"] = parsed.number, parsed.birth_date
        clash = Child.objects.filter(municipality=child.municipality_id, id_number=parsed.number)
        if clash.exclude(pk=child.pk).exists():
            raise CaseError(
                _("Et annet barn i kommunen har dette fødselsnummeret."), field="id_number"
            )
    changes = _edit(
        child,
        version=version,
        values=values,
        referral=None,
        actor=actor,
        action="child.updated",
        stale_events=_events_since("child", child.pk),
    )
    if changes:
        # The journal never holds an identity number: note only that it changed.
        safe = {
            k: (["…", "…"] if k in {"id_number", "birth_date"} else v) for k, v in changes.items()
        }
        for ref in child.referrals.all():
            case_event_record(
                referral=ref,
                actor=actor,
                action="child.updated",
                detail={
                    "changes": safe,
                    "version": child.version,
                    "object": "child",
                    "object_id": child.pk,
                },
            )
    return child


@transaction.atomic
def guardian_add(*, child_id: int, actor, **values) -> Guardian:
    child = Child.objects.select_for_update().get(pk=child_id)
    guardian = Guardian.objects.create(child=child, **values)
    for ref in child.referrals.all():
        case_event_record(
            referral=ref, actor=actor, action="guardian.added", detail={"guardian": guardian.name}
        )
    return guardian


@transaction.atomic
def guardian_update(*, guardian_id: int, version: int, actor, **values) -> Guardian:
    guardian = Guardian.objects.select_for_update().get(pk=guardian_id)
    changes = _edit(
        guardian,
        version=version,
        values=values,
        referral=None,
        actor=actor,
        action="guardian.updated",
        stale_events=_events_since("guardian", guardian.pk),
    )
    if changes:
        for ref in guardian.child.referrals.all():
            case_event_record(
                referral=ref,
                actor=actor,
                action="guardian.updated",
                detail={
                    "changes": changes,
                    "version": guardian.version,
                    "object": "guardian",
                    "object_id": guardian.pk,
                },
            )
            _announce(ref, "guardian.updated")
    return guardian


# --- the referral ----------------------------------------------------------------------------


def referral_kind_error(kind: str, unit_kind: str) -> str | None:
    """A case kind belongs to one kind of unit (referrals/case_kinds.py: barnehageloven's kinds
    to a kindergarten, opplæringslova chapter 11's to a school); the refusal, or None."""
    if kind not in case_kinds.RULES:
        return _("Velg en gyldig type sak.")
    rule = case_kinds.rule(kind)
    if rule.unit_kind != unit_kind:
        return _("En sak etter %(basis)s hører til en %(unit)s, ikke denne enheten.") % {
            "basis": rule.legal_basis,
            "unit": str(case_kinds.UnitKind(rule.unit_kind).label).lower(),
        }
    return None


def referral_kind_check(kind: str, unit) -> None:
    if message := referral_kind_error(kind, unit.kind):
        raise CaseError(message, field="kind")


@transaction.atomic
def referral_create(*, actor, child_id: int, unit, **values) -> Referral:
    child = Child.objects.select_for_update().get(pk=child_id)
    if child.municipality_id != unit.municipality_id:
        raise CaseError(_("Enheten hører til en annen kommune enn barnet."), field="unit")
    referral_kind_check(values.setdefault("kind", default_kind(unit)), unit)
    refuse_second_open_referral(child, kind=values["kind"])
    referral = Referral.objects.create(
        child=child, unit=unit, municipality_id=unit.municipality_id, created_by=actor, **values
    )
    case_event_record(referral=referral, actor=actor, action="referral.created", to_status=S.DRAFT)
    _announce(referral, "referral.created")
    return referral


def default_kind(unit) -> str:
    """The first kind of the unit's kind (barnehageloven § 31, opplæringslova § 11-6): what a
    caller that names no kind gets."""
    return case_kinds.kinds_for_unit(unit.kind)[0].value


class OpenReferralExists(CaseError):
    """The child already has an open case: a second one would split its history and clocks."""

    def __init__(self, referral: Referral):
        super().__init__(_("Barnet har allerede en åpen henvisning. Fortsett i den."))
        self.referral = referral


def refuse_second_open_referral(child: Child, *, kind: str | None = None) -> None:
    """One open case per child (of ``kind``, when given: a pupil may need individuelt
    tilrettelagd opplæring and personleg assistanse at once, opplæringslova §§ 11-6, 11-4 and
    § 11-7 first paragraph, each its own vedtak). The caller holds the child's row lock, so two
    quick posts cannot both pass this check."""
    open_referrals = child.referrals.filter(status__in=Referral.OPEN_STATUSES)
    if kind is not None:
        open_referrals = open_referrals.filter(kind=kind)
    open_referral = open_referrals.first()
    if open_referral is not None:
        raise OpenReferralExists(open_referral)


@transaction.atomic
def referral_update(*, referral_id: int, version: int, actor, **values) -> Referral:
    referral = _lock_referral(referral_id)
    if not states.allowed("update_referral", referral.status):
        raise TransitionError(_("En avsluttet eller trukket sak kan ikke endres."))
    if "unit" in values and values["unit"].municipality_id != referral.municipality_id:
        raise CaseError(_("Enheten hører til en annen kommune enn saken."), field="unit")
    if "unit" in values or "kind" in values:
        referral_kind_check(values.get("kind", referral.kind), values.get("unit", referral.unit))
    changes = _edit(
        referral,
        version=version,
        values=values,
        referral=referral,
        actor=actor,
        action="referral.updated",
        stale_events=_events_since("referral", referral.pk),
    )
    if changes:
        _announce(referral, "referral.updated")
    return referral
