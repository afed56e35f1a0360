"""Named consultations: choosing the child from a meeting, registering the guardians' consent
to a named discussion, the consultation itself, its page, and starting a referral from it.

Each view fetches through referrals.scoping (children, consultations) or
teams.ressursteam_scoping (meetings) on its first line and logs every read of a child's record
in the access log (referrals.access_log), like the other child pages.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.limits import parse_int
from core.views import FORM_METHODS, form_status, posted, run_form, with_once
from referrals import consultations
from referrals.access_log import (
    AccessLogEntry,
    access_log_record,
    access_log_view,
    access_log_views_record,
)
from referrals.consultations_forms import (
    ConsultationConsentForm,
    NamedConsultationForm,
    PickChildForm,
)
from referrals.forms.registration import ConsentWithdrawForm, ReferralForm
from referrals.scoping import (
    can_work_on_cases,
    get_child_for_user,
    get_consultation_for_user,
    registration_units,
    visible_children,
    visible_consultations,
)
from teams.ressursteam_scoping import get_meeting_for_user, visible_meetings

_posted = posted


def _log_consultations(request, rows) -> None:
    """One access-log row per named consultation shown in a list, in one INSERT."""
    access_log_views_record(request, rows, object_type=AccessLogEntry.ObjectType.CONSULTATION)


def _meeting_param(request):
    return parse_int(request.GET.get("mote", ""))


@login_required
@require_http_methods(FORM_METHODS)
def meeting_named(request, pk):
    """A meeting's named consultations (each read is logged), and for the advisor the choice
    of the child to discuss next."""
    meeting = get_meeting_for_user(request.user, pk)
    rows = list(
        visible_consultations(request.user)
        .filter(meeting=meeting)
        .select_related("child", "referral")
        .order_by("pk")
    )
    if rows:
        _log_consultations(request, rows)
    form = None
    if can_work_on_cases(request.user):
        children = visible_children(request.user).filter(unit_id=meeting.unit_id)
        form = PickChildForm(_posted(request), children=children)
        if request.method == "POST" and form.is_valid():
            url = reverse("referrals:consultation_new", args=[form.cleaned_data["barn"].pk])
            return redirect(f"{url}?mote={meeting.pk}")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "referrals/consultations/meeting_named.html",
        {"meeting": meeting, "rows": rows, "form": form},
        status=form_status(request, form) if form is not None else 200,
    )


def _consultation_consent_register(*, child_id, guardian, **values):
    return consultations.consultation_consent_register(
        child_id=child_id, guardian_id=guardian.pk, **values
    )


@login_required
@require_http_methods(FORM_METHODS)
def consultation_consent_new(request, pk):
    """Samtykke til drøfting: a guardian agrees that the child is discussed by name."""
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    guardians = list(child.guardians.all())
    form = with_once(
        ConsultationConsentForm(
            _posted(request),
            guardians=child.guardians.all(),
            initial={"given_on": timezone.localdate()},
        )
    )
    meeting_id = _meeting_param(request)
    if request.method == "POST" and form.is_valid():
        url = reverse("referrals:consultation_new", args=[child.pk])
        registered = run_form(
            request,
            form,
            partial(_consultation_consent_register, child_id=child.pk),
            done=_("Samtykket til drøfting er registrert."),
            then=lambda _consent: f"{url}?mote={meeting_id}" if meeting_id else url,
        )
        if registered:
            return registered
    return render(
        request,
        "referrals/consultations/consent_form.html",
        {"form": form, "child": child, "meeting_id": meeting_id, "has_guardians": bool(guardians)},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM_METHODS)
def consultation_consent_withdraw(request, pk, consent_pk):
    """A guardian withdraws the consent to a named discussion (from the child's page)."""
    child = get_child_for_user(request.user, pk, write=True)
    consent = get_object_or_404(
        child.consultation_consents.select_related("guardian"), pk=consent_pk
    )
    if request.method == "GET":
        access_log_view(request, child)
    form = with_once(ConsentWithdrawForm(_posted(request)))
    if consent.withdrawn_on is not None and request.method == "GET":
        messages.info(request, _("Samtykket er allerede trukket."))
        return redirect("referrals:child_detail", pk=child.pk)
    if request.method == "POST" and form.is_valid():
        withdrawn = run_form(
            request,
            form,
            partial(consultations.consultation_consent_withdraw, consent_id=consent.pk),
            done=_("Samtykket til drøfting er trukket."),
            then=lambda _none: reverse("referrals:child_detail", args=[child.pk]),
        )
        if withdrawn:
            return withdrawn
    return render(
        request,
        "referrals/consultations/consent_withdraw.html",
        {"form": form, "child": child, "consent": consent},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM_METHODS)
def consultation_new(request, pk):
    """A named consultation: refused without a standing consent to a named discussion."""
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    meetings = visible_meetings(request.user).filter(unit__municipality_id=child.municipality_id)
    if child.unit_id:
        meetings = meetings.filter(unit_id=child.unit_id)
    form = with_once(
        NamedConsultationForm(
            _posted(request), meetings=meetings, initial={"meeting": _meeting_param(request)}
        )
    )
    consent = consultations.standing_consent(child.pk)
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(consultations.consultation_named_create, child_id=child.pk),
            done=_("Drøftingen med navn er registrert."),
            then=lambda consultation: reverse(
                "referrals:consultation_detail", args=[consultation.pk]
            ),
        )
        if created:
            return created
    return render(
        request,
        "referrals/consultations/consultation_form.html",
        {
            "form": form,
            "child": child,
            "consent": consent,
            "meeting_id": _meeting_param(request),
        },
        status=form_status(request, form),
    )


@login_required
@require_http_methods(["GET"])
def consultation_detail(request, pk):
    consultation = get_consultation_for_user(request.user, pk)
    access_log_record(
        request,
        action=AccessLogEntry.Action.VIEW,
        object_type=AccessLogEntry.ObjectType.CONSULTATION,
        object_id=consultation.pk,
        child_id=consultation.child_id,
    )
    return render(
        request,
        "referrals/consultations/consultation_detail.html",
        {
            "c": consultation,
            "child": consultation.child,
            "can_write": can_work_on_cases(request.user),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def consultation_referral(request, pk):
    """Start a referral from a named consultation: the referral form, filled in with the
    question and what has been tried (and the advice given), in the meeting's unit."""
    consultation = get_consultation_for_user(request.user, pk, write=True)
    child = consultation.child
    if request.method == "GET":
        access_log_view(request, child)
    if consultation.referral_id:
        messages.info(request, _("Det er allerede startet en henvisning fra denne drøftingen."))
        return redirect("referrals:case_detail", pk=consultation.referral_id)
    tried = consultation.tried
    if consultation.advice:
        tried = f"{tried}\n\n" + _("Råd fra ressursteamet %(date)s: %(advice)s") % {
            "date": consultation.meeting.held_on.strftime("%d.%m.%Y"),
            "advice": consultation.advice,
        }
    form = ReferralForm(
        _posted(request),
        initial={
            "unit": consultation.meeting.unit_id,
            "concern": consultation.question,
            "tried": tried.strip(),
        },
        units=registration_units(request.user),
        municipality_id=child.municipality_id,
    )
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(consultations.consultation_referral_create, consultation_id=consultation.pk),
            done=_("Henvisningen er opprettet som utkast, med det som ble drøftet."),
            then=lambda referral: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if created:
            return created
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "child": child, "from_consultation": consultation},
        status=form_status(request, form),
    )
