"""Which children and cases a user may see, built on teams.scoping: the only way views and
other apps reach a Referral or a Child.

- advisor: cases of the units in their areas (every unit their PPT office serves when not
  limited), and any case assigned to them;
- unit_head (styrer/rektor): children while they are at one of their units, and the cases
  referred from their units of those children; after a child moves, only the cases of their
  units that are still open, in a limited view (sees_child_in_full: no new unit, no full
  identity number, no guardians' contact details); closed cases of a moved child are 404;
- office (barnehagekontoret): every case of its municipality for its kind of unit;
- PP-leder (ppt_leader): every case of every municipality their PPT office serves, like an
  advisor without area limits, to distribute the received cases to the office's advisors
  (referrals/views/intake.py); they read cases, they do not work on them (can_work_on_cases);
- teacher (kontaktlærer/spesialpedagog at a school, issue 19): the pupils now in the classes
  they teach (Role.classes) and those pupils' cases referred from the school of that class,
  read-only (can_work_on_cases is False); nothing of another class (opplæringslova § 11-2:
  the teachers follow each pupil's benefit and tell the rektor; §§ 11-10 and 11-11: the
  school writes the pupil's IOP and årleg evaluering; personopplysningsloven, GDPR art. 5 (1)
  c: no more than their own pupils);
- director and admin: no names at all (the dashboard shows aggregates only);
- anyone else: nothing.

Invisible is 404 (no existence leak); visible but not allowed to act is 403.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.sql import EqualsAny, Ids, IdsAndSubquery  # noqa: F401 (EqualsAny: dashboard)
from referrals import case_kinds, states
from referrals.models import Child, Guardian, Referral
from teams.models import Role, SchoolClass
from teams.scoping import has_role, taught_class_ids, user_roles, visible_units

CASE_ROLES = (Role.Kind.ADVISOR, Role.Kind.PPT_LEADER, Role.Kind.UNIT_HEAD, Role.Kind.OFFICE)
# The roles whose case units carry no need-to-know limit: every case of those units, open or
# closed, wherever the child is now.
FULL_CASE_ROLES = (Role.Kind.ADVISOR, Role.Kind.PPT_LEADER, Role.Kind.OFFICE)
# The roles that read children and cases: the case roles and the school's teachers (their
# classes' pupils only, _taught_q). The caseload stays the case roles' (CASE_ROLES).
READ_ROLES = (*CASE_ROLES, Role.Kind.TEACHER)


def _case_units(user):
    return visible_units(user, roles=CASE_ROLES)


def headed_unit_ids(user) -> list[int]:
    """The units the user heads (styrer/rektor), from the roles read once per request: no
    query."""
    ids: set[int] = set()
    for role in user_roles(user):
        if role.kind == Role.Kind.UNIT_HEAD:
            ids.update(role.unit_ids)
    return sorted(ids)


def visible_case_q(user, *, unit: str = "unit_id", advisor: str = "advisor") -> Q:
    """visible_referrals' condition, for the case itself or for a row that carries a copy of
    its case's unit (decisions.Deadline and Decision, kept by a trigger): ``unit`` and
    ``advisor`` name the fields on that row; what comes before ``advisor`` in its name leads
    to the case (``referral__advisor``: ``referral__status``). Only for a user with a case
    role.

    The units are ``unit = ANY(ARRAY(SELECT id …))``: the unit ids as one array computed first
    (an InitPlan), so PostgreSQL can look them up in an index, also as one arm of an OR with
    the advisor's own cases (a BitmapOr over referral_open_unit and referral_open_advisor).
    ``IN (SELECT …)`` under an OR became a hashed subplan tested on every case of the archive:
    a sequential scan (bench/plans, the caseload at 100,000 cases: 60 ms → 0.7 ms).

    A styrer's units are an arm of their own (_headed_q): need-to-know after a child moves.
    Users without the unit_head role get exactly the condition they had before; a teacher's
    classes are one more arm (_taught_q), added only for a user with the teacher's role."""
    case = advisor.removesuffix("advisor")
    class_ids = taught_class_ids(user)
    if class_ids and not has_role(user, *CASE_ROLES):  # a teacher only
        return _taught_q(class_ids, unit=unit, case=case)
    if not has_role(user, Role.Kind.UNIT_HEAD):
        q = Q(EqualsAny(F(unit), ArraySubquery(_case_units(user).order_by().values("pk"))))
    else:
        q = _headed_q(headed_unit_ids(user), unit=unit, case=case)
        if has_role(user, *FULL_CASE_ROLES):  # a styrer who is also an advisor or the office
            full_units = visible_units(user, roles=FULL_CASE_ROLES).order_by().values("pk")
            q |= Q(EqualsAny(F(unit), ArraySubquery(full_units)))
    if has_role(user, Role.Kind.ADVISOR):
        q |= Q(**{advisor: user})
    if class_ids:
        q |= _taught_q(class_ids, unit=unit, case=case)
    return q


def _taught_q(class_ids: list[int], *, unit: str = "unit_id", case: str = "") -> Q:
    """A teacher's cases: of a pupil now in one of their classes, referred from the school
    of that class (not the pupil's old kindergarten case, nor another school's)."""
    ids = Ids(class_ids)
    pupils = Child.objects.filter(EqualsAny(F("school_class_id"), ids)).values("pk")
    schools = SchoolClass.objects.filter(EqualsAny(F("pk"), ids)).values("unit_id")
    return Q(**{f"{unit}__in": schools}) & Q(**{f"{case}child_id__in": pupils})


def _headed_q(unit_ids: list[int], *, unit: str = "unit_id", case: str = "") -> Q:
    """A styrer's cases: referred from one of their units, and either still open or of a
    child who is still at one of their units. A child who moved on takes their closed cases
    along: the old kindergarten has no further need to know (personopplysningsloven, the
    principle of data minimisation, GDPR art. 5 (1) c)."""
    ids = Ids(unit_ids)
    children_here = Child.objects.filter(EqualsAny(F("unit_id"), ids)).values("pk")
    return Q(EqualsAny(F(unit), ids)) & (
        Q(**{f"{case}status__in": states.OPEN}) | Q(**{f"{case}child_id__in": children_here})
    )


@dataclass
class CaseScope:
    """visible_referrals(user) with the user's case units read once, as ids: the caseload's
    scope and its unit filter's choices from one query (case_scope).

    The ids go to PostgreSQL as a literal array: it hashes a constant array (an advisor's 200
    units), where it tests ``unit_id = ANY(ARRAY(SELECT …))`` element by element, and it sees
    how many units there are when it plans.
    """

    user: object
    unit_choices: list[tuple[int, str]]
    unit_ids: list[int] = field(init=False)
    # The units the user heads (a styrer's cases are limited after a child moves) and those
    # reached through their other case roles. Both empty for a user who heads no unit.
    headed_ids: list[int] = field(init=False)
    full_ids: list[int] = field(init=False)

    def __post_init__(self):
        self.unit_ids = [pk for pk, _name in self.unit_choices]
        self.headed_ids = headed_unit_ids(self.user)
        self.full_ids = []
        if self.headed_ids and has_role(self.user, *FULL_CASE_ROLES):
            # A styrer who is also an advisor or the office (rare): one more query.
            self.full_ids = list(
                visible_units(self.user, roles=FULL_CASE_ROLES).values_list("pk", flat=True)
            )

    def _ids(self):
        return Ids(self.unit_ids)

    def referrals(self) -> QuerySet[Referral]:
        class_ids = taught_class_ids(self.user)
        if not has_role(self.user, *CASE_ROLES):
            if class_ids:  # a teacher only: their classes' pupils' cases
                return Referral.objects.filter(_taught_q(class_ids))
            return Referral.objects.none()
        if self.headed_ids:
            # No empty arm for a plain styrer: an OR with an empty array still costs the plan.
            q = _headed_q(self.headed_ids)
            if self.full_ids:
                q |= Q(EqualsAny(F("unit_id"), Ids(self.full_ids)))
        else:  # the hot path (advisors, the office): unchanged
            q = Q(EqualsAny(F("unit_id"), self._ids()))
        if has_role(self.user, Role.Kind.ADVISOR):
            q |= Q(advisor=self.user)
        if class_ids:  # a teacher who also holds a case role (rare); nobody else
            q |= _taught_q(class_ids)
        return Referral.objects.filter(q)

    def open_only(self, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        """``queryset`` (from referrals()) narrowed to the cases not closed or withdrawn (a
        running vedtak, "Hjelpen er i gang", is live work and stays in the list).

        For an advisor it also says, redundantly, that the unit is one of theirs or one of
        their own open cases': one index condition instead of an OR, so that PostgreSQL reads
        the list's keys, count and sort columns from referral_open_unit alone (an index-only
        scan) instead of a BitmapOr and a visit to every case's row (bench/: 4.5 → 2.3 ms at
        1,000,000 cases)."""
        queryset = queryset.filter(status__in=states.NOT_CLOSED)
        if has_role(self.user, Role.Kind.ADVISOR):
            own_units = (
                Referral.objects.filter(status__in=states.NOT_CLOSED, advisor_id=self.user.pk)
                .order_by()
                .values("unit_id")
            )
            queryset = queryset.filter(
                EqualsAny(F("unit_id"), IdsAndSubquery(self._ids(), ArraySubquery(own_units)))
            )
        return queryset


def case_scope(user) -> CaseScope:
    """The user's case units (pk, name by name) in one query, and the cases they see."""
    return CaseScope(user, list(_case_units(user).order_by("name").values_list("pk", "name")))


def visible_referrals(user) -> QuerySet[Referral]:
    if not has_role(user, *READ_ROLES):
        return Referral.objects.none()
    return Referral.objects.filter(visible_case_q(user))


def municipality_referrals(municipality_id: int) -> QuerySet[Referral]:
    """Every case of one municipality: what an API client of that municipality reads (api/, issue
    21; a system, not a person, so no role narrows it). Its other municipalities' cases are
    outside, and the API answers them with a 404 like a page does."""
    return Referral.objects.filter(municipality_id=municipality_id)


def visible_children(user) -> QuerySet[Child]:
    class_ids = taught_class_ids(user)
    taught = Q(EqualsAny(F("school_class_id"), Ids(class_ids)))  # a teacher's pupils
    if not has_role(user, *CASE_ROLES):
        return Child.objects.filter(taught) if class_ids else Child.objects.none()
    q = Q(unit__in=_case_units(user).values("pk")) | Q(
        pk__in=visible_referrals(user).values("child_id")
    )
    return Child.objects.filter(q | taught if class_ids else q)


def can_work_on_cases(user) -> bool:
    """PP-rådgivere register children, referrals, consent and assessments."""
    return has_role(user, Role.Kind.ADVISOR)


def is_ppt_leader(user) -> bool:
    """The PP-leder distributes the office's received cases to its advisors."""
    return has_role(user, Role.Kind.PPT_LEADER)


# The PP-leder's intake: cases PPT has received (the referral submitted, waiting for the
# parents' consent or with the clock running) before the assessment is finished.
INTAKE_STATUSES = (states.Status.AWAITING_CONSENT, states.Status.RECEIVED, states.Status.ASSESSING)


def intake_referrals(user) -> QuerySet[Referral]:
    """The PP-leder's intake: the received cases nobody is assigned to (INTAKE_STATUSES), of
    the units of the municipalities their PPT office serves (teams.scoping gives the role
    those units)."""
    if not is_ppt_leader(user):
        return Referral.objects.none()
    units = visible_units(user, roles=(Role.Kind.PPT_LEADER,)).order_by().values("pk")
    return (
        Referral.objects.filter(
            EqualsAny(F("unit_id"), ArraySubquery(units)),
            advisor__isnull=True,
            status__in=INTAKE_STATUSES,
        )
        .select_related("child", "unit__area", "municipality")
        .order_by("received_on", "pk")  # the longest waiting first
    )


def leader_office_ids(user) -> list[int]:
    """The PPT offices the user leads (from the roles read once per request: no query)."""
    return sorted(
        {r.ppt_office_id for r in user_roles(user) if r.kind == Role.Kind.PPT_LEADER} - {None}
    )


def get_referral_for_intake(user, pk) -> Referral:
    """A case of the PP-leder's intake scope (else 404), for the assign form."""
    if not is_ppt_leader(user):
        raise PermissionDenied
    units = visible_units(user, roles=(Role.Kind.PPT_LEADER,)).order_by().values("pk")
    return get_object_or_404(
        Referral.objects.filter(EqualsAny(F("unit_id"), ArraySubquery(units))), pk=pk
    )


def registration_units(user):
    """Units an advisor may register a child or a referral in."""
    return visible_units(user, roles=(Role.Kind.ADVISOR,))


def get_referral_for_user(user, pk, *, write: bool = False, queryset=None) -> Referral:
    referral = get_object_or_404(
        queryset if queryset is not None else visible_referrals(user), pk=pk
    )
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return referral


def get_child_for_user(user, pk, *, write: bool = False) -> Child:
    child = get_object_or_404(visible_children(user), pk=pk)
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return child


def sees_child_in_full(user, child: Child) -> bool:
    """False when the user sees ``child`` only as the styrer of a unit the child has left
    (through a case of theirs that is still open): the page then shows the case without the
    child's new unit, with the identity number masked and without the guardians' addresses,
    telephone numbers and e-mail. No query unless the styrer also holds an advisor's or the
    office's role."""
    if not has_role(user, Role.Kind.UNIT_HEAD):
        return True
    if child.unit_id is not None and child.unit_id in headed_unit_ids(user):
        return True
    if not has_role(user, *FULL_CASE_ROLES):
        return False
    full_units = visible_units(user, roles=FULL_CASE_ROLES).values("pk")
    through_cases = Referral.objects.filter(
        Q(unit__in=full_units) | Q(advisor=user), child_id=child.pk
    )
    return (child.unit_id is not None and full_units.filter(pk=child.unit_id).exists()) or (
        through_cases.exists()
    )


def get_guardian_for_user(user, pk, *, write: bool = False) -> Guardian:
    """A guardian is visible exactly when their child is."""
    guardian = get_object_or_404(
        Guardian.objects.select_related("child"),
        pk=pk,
        child__in=visible_children(user).values("pk"),
    )
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return guardian


def can_decide(user, referral: Referral) -> bool:
    """Who makes the case's vedtak (and its foreløpig svar, klage, hjelp startet), by its kind
    (referrals/case_kinds.py DecidedBy): a kindergarten kind's, the municipality's office for
    kindergartens (or for every kind of unit); a school kind's (opplæringslova chapter 11,
    "kommunen"), the rektor of the case's unit where the municipality has delegated it
    (teams.Municipality.school_decisions_by_rektor), else its office for schools (or for every
    kind of unit). No query beyond the case's municipality (joined by
    get_referral_for_decision)."""
    rule = case_kinds.rule(referral.kind)
    roles = user_roles(user)
    delegated = rule.decided_by == case_kinds.DecidedBy.RECTOR_WHERE_DELEGATED
    if delegated and referral.municipality.school_decisions_by_rektor:
        return any(
            role.kind == Role.Kind.UNIT_HEAD and referral.unit_id in role.unit_ids for role in roles
        )
    return any(
        role.kind == Role.Kind.OFFICE
        and role.municipality_id == referral.municipality_id
        and role.unit_kind in ("", rule.unit_kind)
        for role in roles
    )


def get_referral_for_decision(user, pk) -> Referral:
    """A case the user may see (else 404) and decide on (else 403)."""
    referral = get_object_or_404(
        visible_referrals(user).select_related("unit", "child", "municipality"), pk=pk
    )
    if not can_decide(user, referral):
        raise PermissionDenied
    return referral


# --- named consultations (referrals/consultations_models.py) ------------------------------------


def visible_consultations(user):
    """Named consultations are visible exactly when their child is (the advisor's areas, the
    styrer's own units, the office); the director sees none, only counts."""
    from referrals.models import NamedConsultation

    return NamedConsultation.objects.filter(child__in=visible_children(user).values("pk"))


def get_consultation_for_user(user, pk, *, write: bool = False):
    consultation = get_object_or_404(
        visible_consultations(user).select_related(
            "child", "meeting", "meeting__unit", "consent", "consent__guardian", "created_by"
        ),
        pk=pk,
    )
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return consultation
