"""Every write of the ressursteam: one small transactional function per action.

The views fetch the unit or the meeting through teams.ressursteam_scoping and hand the form's
``cleaned_data`` here. Texts that must stay anonymous are checked again here (teams.anonymity),
so no other caller (a script, a future API) can store an identity number or a child's name
in teams.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError as TeamError  # noqa: F401 (the one domain error)
from core.limits import date_bound_error, planned_latest
from teams.anonymity import anonymity_errors
from teams.ressursteam_models import (
    AnonymousConsultation,
    FollowUp,
    Meeting,
    SystemWork,
    TeamMember,
)


def _date_check(value: date | None, *, field: str, latest=None) -> None:
    """core.limits' bound as a domain error, for every caller (not only the forms)."""
    if message := date_bound_error(value, latest=latest):
        raise TeamError(message, field=field)


def _require_anonymous(values: dict, *, unit_id: int) -> None:
    errors = anonymity_errors(values, unit_id=unit_id)
    if errors:
        field, message = next(iter(errors.items()))
        raise TeamError(message, field=field)


@transaction.atomic
def meeting_create(*, unit, actor, held_on: date, agenda: str = "", minutes: str = "") -> Meeting:
    _date_check(held_on, field="held_on", latest=planned_latest())  # a meeting may be planned
    _require_anonymous({"agenda": agenda, "minutes": minutes}, unit_id=unit.pk)
    if Meeting.objects.filter(unit=unit, held_on=held_on).exists():
        raise TeamError(_("Teamet har allerede et møte denne dagen."), field="held_on")
    return Meeting.objects.create(
        unit=unit, held_on=held_on, agenda=agenda, minutes=minutes, created_by=actor
    )


class MeetingChanged(TeamError):
    """Someone saved the meeting after the form was opened: nothing is saved; ``current`` is
    the meeting as it is now."""

    def __init__(self, current: Meeting):
        super().__init__(
            _(
                "Møtet ble endret av noen andre mens du redigerte. Ingenting er lagret. Se det "
                "som er lagret nå, og lagre på nytt hvis du fortsatt vil gjøre din endring."
            )
        )
        self.current = current


@transaction.atomic
def meeting_update(
    *, meeting_id: int, version: int, actor, held_on: date, agenda: str, minutes: str
) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.version != version:
        raise MeetingChanged(meeting)
    _date_check(held_on, field="held_on", latest=planned_latest())
    _require_anonymous({"agenda": agenda, "minutes": minutes}, unit_id=meeting.unit_id)
    clash = Meeting.objects.filter(unit_id=meeting.unit_id, held_on=held_on).exclude(pk=meeting.pk)
    if clash.exists():
        raise TeamError(_("Teamet har allerede et møte denne dagen."), field="held_on")
    meeting.held_on, meeting.agenda, meeting.minutes = held_on, agenda, minutes
    meeting.version += 1
    meeting.save(update_fields=["held_on", "agenda", "minutes", "version"])
    return meeting


@transaction.atomic
def consultation_anonymous_create(*, meeting, actor, **values) -> AnonymousConsultation:
    """A concern discussed without the child's identity (the BTI level says how many services
    it needs)."""
    _require_anonymous(
        {k: values.get(k, "") for k in ("question", "tried", "advice", "follow_up")},
        unit_id=meeting.unit_id,
    )
    return AnonymousConsultation.objects.create(meeting=meeting, created_by=actor, **values)


@transaction.atomic
def follow_up_create(*, meeting, actor, description: str, responsible: str, due_on) -> FollowUp:
    _date_check(due_on, field="due_on", latest=planned_latest())
    _require_anonymous(
        {"description": description, "responsible": responsible}, unit_id=meeting.unit_id
    )
    return FollowUp.objects.create(
        meeting=meeting, description=description, responsible=responsible, due_on=due_on
    )


@transaction.atomic
def follow_up_set_done(*, follow_up_id: int, actor, done: bool) -> FollowUp:
    """Mark done (today) or not done; a repeated click changes nothing."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up_id)
    if done and follow_up.done_on is None:
        follow_up.done_on = timezone.localdate()
    elif not done:
        follow_up.done_on = None
    follow_up.save(update_fields=["done_on"])
    return follow_up


@transaction.atomic
def team_member_add(*, unit, actor, name: str, service: str, service_other: str = ""):
    member, created = TeamMember.objects.get_or_create(
        unit=unit,
        name=name.strip(),
        service=service,
        defaults={"service_other": service_other},
    )
    if not created:
        raise TeamError(_("Personen er allerede med i teamet."), field="name")
    return member


@transaction.atomic
def system_work_register(
    *, actor, unit, worked_on: date, hours, topic: str, description: str = ""
) -> SystemWork:
    _date_check(worked_on, field="worked_on")
    if worked_on > timezone.localdate():
        raise TeamError(_("Datoen kan ikke være i fremtiden."), field="worked_on")
    _require_anonymous({"description": description}, unit_id=unit.pk)
    return SystemWork.objects.create(
        unit=unit,
        advisor=actor,
        worked_on=worked_on,
        hours=hours,
        topic=topic,
        description=description,
    )
