"""The ressursteam pages: teams, meetings, anonymous consultations, follow-up, system work,
the advisor's "Mitt arbeid", the director's counts and the services overview.

Each view fetches through teams.ressursteam_scoping on its first line (invisible is 404) and
writes through teams.ressursteam_services. Nothing here names a child: named consultations
are linked to (referrals' URLs), never read.
"""

from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.limits import parse_int
from core.views import FORM_METHODS, form_status, posted, run_form, with_once
from teams import hooks
from teams import ressursteam_scoping as scoping
from teams import ressursteam_services as services
from teams.ressursteam_forms import (
    AnonymousConsultationForm,
    FollowUpForm,
    MeetingForm,
    ServiceSearchForm,
    SystemWorkForm,
    TeamMemberForm,
)
from teams.ressursteam_models import (
    AnonymousConsultation,
    BtiLevel,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
)
from teams.scoping import visible_municipalities

LIST_LIMIT = 200
_posted = posted


def _require_team_role(user) -> None:
    if not scoping.can_see_teams(user):
        raise Http404


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def balance(*, system_work, unit_ids=None, advisor_id=None, today=None) -> list[dict]:
    """System work hours against individual cases worked on, per month for the last twelve
    months: {"month", "hours", "cases"} (cases None when no app supplies them). Two queries:
    the hours grouped in the database, the cases through teams.hooks."""
    today = today or timezone.localdate()
    start = _add_months(today.replace(day=1), -11)
    hours = dict(
        system_work.filter(worked_on__gte=start, worked_on__lte=today)
        .annotate(month=TruncMonth("worked_on"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .values_list("month", "hours")
    )
    cases = hooks.cases_worked(unit_ids=unit_ids, advisor_id=advisor_id, start=start, end=today)
    return [
        {
            "month": month,
            "hours": hours.get(month) or 0,
            "cases": None if cases is None else cases.get(month, 0),
        }
        for month in (_add_months(start, i) for i in range(12))
    ]


# --- teams and meetings --------------------------------------------------------------------------


@login_required
@require_safe
def team_list(request):
    """The ressursteam of every unit the user works with, with their last meeting and open
    follow-up (three queries whatever the number of units)."""
    _require_team_role(request.user)
    open_follow_ups = (
        FollowUp.objects.filter(meeting__unit=OuterRef("pk"), done_on__isnull=True)
        .values("meeting__unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = (
        scoping.team_units(request.user)
        .select_related("municipality", "area")
        .annotate(
            meeting_count=Count("meetings"),
            last_meeting=Max("meetings__held_on"),
            open_follow_ups=Coalesce(Subquery(open_follow_ups), 0),
        )
        .order_by(F("last_meeting").desc(nulls_last=True), "name")
    )
    recent = (
        scoping.visible_meetings(request.user)
        .select_related("unit")
        .annotate(consultation_count=Count("consultations"))
        .order_by("-held_on", "-pk")[:10]
    )
    return render(
        request,
        "teams/ressursteam/team_list.html",
        {"units": list(units[:LIST_LIMIT]), "recent": list(recent)},
    )


@login_required
@require_safe
def unit_team(request, pk):
    """One unit's ressursteam: members, meetings, open follow-up, and the balance between
    PPT's system work for the unit and its individual cases."""
    unit = scoping.get_team_unit(request.user, pk)
    meetings = (
        Meeting.objects.filter(unit=unit)
        .annotate(
            consultation_count=Count("consultations", distinct=True),
            follow_up_count=Count("follow_ups", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )
    follow_ups = (
        FollowUp.objects.filter(meeting__unit=unit, done_on__isnull=True)
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
    work = SystemWork.objects.filter(unit=unit)
    return render(
        request,
        "teams/ressursteam/unit_team.html",
        {
            "unit": unit,
            "members": list(unit.team_members.filter(active=True).select_related("user")),
            "meetings": list(meetings[:LIST_LIMIT]),
            "follow_ups": list(follow_ups[:LIST_LIMIT]),
            "recent_work": list(work.select_related("advisor").order_by("-worked_on", "-pk")[:10]),
            "balance": balance(system_work=work, unit_ids=[unit.pk]),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def meeting_new(request, pk):
    unit = scoping.get_team_unit(request.user, pk)
    form = MeetingForm(_posted(request), unit=unit, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(services.meeting_create, unit=unit),
            done=_("Møtet er registrert."),
            then=lambda meeting: reverse("teams:meeting_detail", args=[meeting.pk]),
        )
        if created:
            return created
    context = {"form": form, "unit": unit}
    return render(
        request, "teams/ressursteam/meeting_form.html", context, status=form_status(request, form)
    )


@login_required
@require_http_methods(FORM_METHODS)
def meeting_edit(request, pk):
    meeting = scoping.get_meeting_for_user(request.user, pk)
    form = MeetingForm(
        _posted(request),
        unit=meeting.unit,
        instance=Meeting(
            pk=meeting.pk,
            unit=meeting.unit,
            held_on=meeting.held_on,
            agenda=meeting.agenda,
            minutes=meeting.minutes,
            version=meeting.version,
        ),
    )
    changed, stale_message = None, ""
    if request.method == "POST" and form.is_valid():
        saved = run_form(
            request,
            form,
            partial(services.meeting_update, meeting_id=meeting.pk),
            done=_("Møtet er lagret."),
            then=lambda _meeting: reverse("teams:meeting_detail", args=[meeting.pk]),
            stale=services.MeetingChanged,
        )
        if saved:
            return saved
        if getattr(form, "stale", None) is not None:
            # Nothing saved: show what is saved now beside what the user wrote.
            changed = _meeting_differences(form.stale.current, form.cleaned_data)
            stale_message = form.stale.message
    return render(
        request,
        "teams/ressursteam/meeting_form.html",
        {
            "form": form,
            "unit": meeting.unit,
            "meeting": meeting,
            "changed": changed,
            "stale_message": stale_message,
        },
        status=form_status(request, form),
    )


def _meeting_differences(current: Meeting, yours: dict) -> list[tuple[str, str, str]]:
    """(label, saved now, what you wrote) for each field that differs."""
    rows = []
    for name in ("held_on", "agenda", "minutes"):
        saved, wrote = getattr(current, name), yours.get(name)
        if saved != wrote:
            if name == "held_on":
                saved, wrote = saved.strftime("%d.%m.%Y"), wrote.strftime("%d.%m.%Y")
            label = MeetingForm.base_fields[name].label
            rows.append((str(label), saved, wrote))
    return rows


@login_required
@require_safe
def meeting_detail(request, pk):
    meeting = scoping.get_meeting_for_user(request.user, pk)
    return render(
        request,
        "teams/ressursteam/meeting_detail.html",
        {
            "meeting": meeting,
            "unit": meeting.unit,
            "consultations": list(
                AnonymousConsultation.objects.filter(meeting=meeting)
                .select_related("created_by")
                .order_by("pk")
            ),
            "follow_ups": list(meeting.follow_ups.order_by("done_on", "due_on", "pk")),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def consultation_new(request, pk):
    """An anonymous consultation in a meeting (a named one is registered on the child)."""
    meeting = scoping.get_meeting_for_user(request.user, pk)
    form = with_once(AnonymousConsultationForm(_posted(request), unit_id=meeting.unit_id))
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(services.consultation_anonymous_create, meeting=meeting),
            done=_("Drøftingen er registrert."),
            then=lambda _consultation: reverse("teams:meeting_detail", args=[meeting.pk]),
        )
        if created:
            return created
    status = form_status(request, form)
    return render(
        request,
        "teams/ressursteam/consultation_form.html",
        {"form": form, "meeting": meeting, "bti_levels": BtiLevel.choices},
        status=status,
    )


@login_required
@require_http_methods(FORM_METHODS)
def follow_up_new(request, pk):
    meeting = scoping.get_meeting_for_user(request.user, pk)
    members = list(meeting.unit.team_members.filter(active=True))
    form = with_once(FollowUpForm(_posted(request), unit_id=meeting.unit_id, members=members))
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(services.follow_up_create, meeting=meeting),
            done=_("Oppfølgingspunktet er registrert."),
            then=lambda _follow_up: reverse("teams:meeting_detail", args=[meeting.pk]),
        )
        if created:
            return created
    context = {"form": form, "meeting": meeting}
    return render(
        request, "teams/ressursteam/follow_up_form.html", context, status=form_status(request, form)
    )


@login_required
@require_POST
def follow_up_done(request, pk):
    follow_up = scoping.get_follow_up_for_user(request.user, pk)
    done = request.POST.get("done") != "0"
    services.follow_up_set_done(follow_up_id=follow_up.pk, actor=request.user, done=done)
    messages.success(request, _("Markert som utført.") if done else _("Markert som ikke utført."))
    return redirect("teams:meeting_detail", pk=follow_up.meeting_id)


@login_required
@require_http_methods(FORM_METHODS)
def member_new(request, pk):
    unit = scoping.get_team_unit(request.user, pk)
    form = with_once(TeamMemberForm(_posted(request)))
    if request.method == "POST" and form.is_valid():
        added = run_form(
            request,
            form,
            partial(services.team_member_add, unit=unit),
            done=_("Medlemmet er lagt til."),
            then=lambda _member: reverse("teams:unit_team", args=[unit.pk]),
        )
        if added:
            return added
    context = {"form": form, "unit": unit}
    return render(
        request, "teams/ressursteam/member_form.html", context, status=form_status(request, form)
    )


# --- system work -------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def system_work_new(request):
    if not scoping.can_register_system_work(request.user):
        raise Http404
    units = scoping.system_work_units(request.user)
    initial = {"worked_on": timezone.localdate()}
    if unit_id := parse_int(request.GET.get("enhet", "")):
        initial["unit"] = unit_id
    form = with_once(SystemWorkForm(_posted(request), units=units, initial=initial))
    if request.method == "POST" and form.is_valid():
        registered = run_form(
            request,
            form,
            services.system_work_register,
            done=_("Systemarbeidet er registrert."),
            then=lambda work: reverse("teams:unit_team", args=[work.unit_id]),
        )
        if registered:
            return registered
    return render(
        request,
        "teams/ressursteam/system_work_form.html",
        {"form": form},
        status=form_status(request, form),
    )


@login_required
@require_safe
def my_work(request):
    """Mitt arbeid: the advisor's system work against the individual cases they worked on."""
    if not scoping.can_register_system_work(request.user):
        raise Http404
    work = SystemWork.objects.filter(advisor=request.user)
    rows = balance(system_work=work, advisor_id=request.user.pk)
    return render(
        request,
        "teams/ressursteam/my_work.html",
        {
            "balance": rows,
            "total_hours": sum(r["hours"] for r in rows),
            "total_cases_known": all(r["cases"] is not None for r in rows),
            "by_topic": list(
                work.filter(worked_on__gte=rows[0]["month"])
                .values("topic")
                .annotate(hours=Sum("hours"), n=Count("pk"))
                .order_by("topic")
            ),
            "topics": dict(SystemWork.Topic.choices),
            "recent": list(work.select_related("unit").order_by("-worked_on", "-pk")[:20]),
        },
    )


# --- the director's counts -----------------------------------------------------------------------


@login_required
@require_safe
def team_counts(request):
    """Counts only, for the director and the PPT leader: meetings, consultations by BTI level,
    follow-up done and open, system work hours, per area (no names, no texts)."""
    if not scoping.can_see_counts(request.user):
        raise Http404
    today = timezone.localdate()
    start = _add_months(today.replace(day=1), -11)
    units = scoping.count_units(request.user).values("pk")
    meetings = Meeting.objects.filter(unit__in=units, held_on__gte=start, held_on__lte=today)
    per_area = list(
        meetings.values("unit__area__name", "unit__municipality__name")
        .annotate(
            meetings=Count("pk", distinct=True),
            units=Count("unit", distinct=True),
        )
        .order_by("unit__municipality__name", "unit__area__name")
    )
    levels = dict(
        AnonymousConsultation.objects.filter(meeting__in=meetings.values("pk"))
        .values("bti_level")
        .annotate(n=Count("pk"))
        .values_list("bti_level", "n")
    )
    follow = FollowUp.objects.filter(meeting__in=meetings.values("pk")).aggregate(
        done=Count("pk", filter=Q(done_on__isnull=False)),
        open=Count("pk", filter=Q(done_on__isnull=True)),
        overdue=Count("pk", filter=Q(done_on__isnull=True, due_on__lt=today)),
    )
    hours = SystemWork.objects.filter(
        unit__in=units, worked_on__gte=start, worked_on__lte=today
    ).aggregate(hours=Sum("hours"), n=Count("pk"))
    return render(
        request,
        "teams/ressursteam/counts.html",
        {
            "start": start,
            "today": today,
            "per_area": per_area,
            "levels": [(label, levels.get(value, 0)) for value, label in BtiLevel.choices],
            "follow": follow,
            "hours": hours,
        },
    )


# --- the services overview -----------------------------------------------------------------------


@login_required
@require_safe
def service_list(request):
    """Tjenesteoversikt: every service of the user's municipalities, searchable; readable by
    every logged-in user with a role there (one query)."""
    form = ServiceSearchForm(request.GET or None)
    services_qs = Service.objects.filter(
        municipality__in=visible_municipalities(request.user).values("pk")
    ).select_related("municipality")
    if form.is_valid():
        q, age = form.cleaned_data["q"].strip(), form.cleaned_data["alder"]
        if q:
            services_qs = services_qs.filter(
                Q(name__icontains=q) | Q(offers__icontains=q) | Q(contact__icontains=q)
            )
        if age:
            services_qs = services_qs.filter(age_group__in=[age, Service.AgeGroup.BOTH])
    return render(
        request,
        "teams/services/service_list.html",
        {"form": form, "services": list(services_qs.order_by("municipality__name", "name"))},
    )
