"""Registering children, guardians, referrals and consent (PP-rådgivere write; the styrer of
the child's unit and the office may look).

Each view fetches what it shows through referrals/scoping.py on its first line and writes
through referrals/services.py; forms only validate. The identity number stays in POST bodies
and on the child's own pages: every redirect names the child or the case by pk.
"""

import copy
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.views import FORM_METHODS, add_error, form_status, posted, run_form, with_once
from referrals import case_kinds, case_page, registration_requests, services
from referrals.access_log import AccessLogEntry, access_log_record, access_log_view
from referrals.forms.registration import (
    ChildForm,
    ChildNewForm,
    ConsentForm,
    ConsentWithdrawForm,
    GuardianForm,
    ReferralForm,
)
from referrals.models import Referral
from referrals.scoping import (
    can_work_on_cases,
    get_child_for_user,
    get_guardian_for_user,
    get_referral_for_user,
    registration_units,
    sees_child_in_full,
    visible_children,
    visible_referrals,
)
from referrals.services import CaseError, OpenReferralExists, StaleEdit

_posted = posted


# --- helpers -----------------------------------------------------------------------------------


def _save_edit(request, form, context, save, *, done, then):
    """POST of an optimistic-locked edit form (core.views.run_form): a stale edit shows the
    other person's changes and refills the fields the user did not change with what is saved
    now; a domain error lands next to its field (also TransitionError: a closed case is not
    edited). Returns the redirect, or None when the form is shown again."""
    saved = run_form(
        request,
        form,
        save,
        done=done,
        then=lambda _result: reverse(then[0], args=[then[1]]),
        stale=StaleEdit,
    )
    if getattr(form, "stale", None) is not None:
        context.update(_stale_context(form.stale, form))
    return saved


def stale_current(exc: StaleEdit, form) -> list[tuple]:
    """Where what is saved now differs from what the user typed: (label, saved, yours). Shown
    when the journal has nothing to say (a child or guardian without cases is not journalled)."""
    model = type(exc.current)
    return [
        (
            case_page.field_label(model, name),
            case_page.value_display(model, name, getattr(exc.current, name)),
            case_page.value_display(model, name, value),
        )
        for name, value in form.values().items()
        if getattr(exc.current, name) != value
    ]


def _stale_context(exc: StaleEdit, form) -> dict:
    events = case_page.stale_events(exc.events)
    return {
        "stale_events": events,
        "stale_current": [] if events else stale_current(exc, form),
        "stale": True,
    }


def _age(birth_date) -> int:
    today = timezone.localdate()
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# --- children ----------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def child_new(request):
    if not can_work_on_cases(request.user):
        raise PermissionDenied
    form = ChildNewForm(_posted(request), units=registration_units(request.user))
    if request.method == "POST" and form.is_valid():
        if not registration_requests.lookup_allowed(request.user):
            return _too_many_lookups(request, form, "referrals/child_new.html", {"form": form})
        # Not run_form: the answer has three shapes (new, found and visible, found elsewhere:
        # a registration request), and a repeated post only finds the child again.
        try:
            child, created = services.child_find_or_register(
                actor=request.user, **form.cleaned_data
            )
        except CaseError as exc:
            add_error(form, exc)
        else:
            if created:
                messages.success(request, _("Barnet er registrert."))
                return redirect("referrals:child_detail", pk=child.pk)
            if visible_children(request.user).filter(pk=child.pk).exists():
                messages.info(
                    request, _("Barnet er allerede registrert i kommunen. Her er barnets side.")
                )
                return redirect("referrals:child_detail", pk=child.pk)
            return _registration_request(request, child, form.cleaned_data["unit"])
    return render(
        request, "referrals/child_new.html", {"form": form}, status=form_status(request, form)
    )


def _registration_request(request, child, unit):
    """A number of a child the advisor may not see: confirm nothing (no name, not that the
    child exists), log the attempt under the child, and pass the request to the PPT leaders
    (referrals/registration_requests.py says why)."""
    row = access_log_record(
        request,
        action=AccessLogEntry.Action.DENIED,
        object_type=AccessLogEntry.ObjectType.CHILD,
        object_id=child.pk,
        child_id=child.pk,
        status=200,
    )
    registration_requests.registration_request_send(actor=request.user, unit=unit, log_id=row.pk)
    messages.info(
        request,
        _(
            "Barnet kan ikke registreres herfra. Henvendelsen er sendt til PPT-leder, som tar "
            "kontakt med deg."
        ),
    )
    # A fresh form: the number typed is not echoed back.
    form = ChildNewForm(units=registration_units(request.user))
    return render(request, "referrals/child_new.html", {"form": form})


def _too_many_lookups(request, form, template, context):
    access_log_record(
        request,
        action=AccessLogEntry.Action.DENIED,
        object_type=AccessLogEntry.ObjectType.CHILD,
        status=429,
    )
    form.add_error(
        None,
        _(
            "Du har slått opp mange fødselsnumre den siste timen (høyst %(n)s i timen). "
            "Vent litt og prøv igjen, eller kontakt PPT-leder."
        )
        % {"n": registration_requests.LOOKUPS_PER_HOUR},
    )
    return render(request, template, context, status=429)


@login_required
@require_safe
def child_detail(request, pk):
    child = get_child_for_user(request.user, pk)
    access_log_view(request, child)
    # A styrer of the unit the child left sees the child through an open case only, without
    # the new unit, the full identity number or the guardians' contact details.
    limited = not sees_child_in_full(request.user, child)
    referrals = (
        visible_referrals(request.user)
        .filter(child=child)
        .select_related("unit", "advisor")
        .order_by("-created_at")
    )
    return render(
        request,
        "referrals/child_detail.html",
        {
            "child": child,
            "unit": None if limited else child.unit,
            "limited": limited,
            "age": _age(child.birth_date),
            "guardians": list(child.guardians.all()),
            "referrals": list(referrals),
            # consents to a named discussion in the ressursteam (one query)
            "consultation_consents": list(
                child.consultation_consents.select_related("guardian").order_by("given_on", "pk")
            ),
            "can_write": can_work_on_cases(request.user),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def child_edit(request, pk):
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    form = ChildForm(
        _posted(request), instance=copy.copy(child), units=registration_units(request.user)
    )
    context = {"form": form, "child": child}
    if request.method == "POST" and form.is_valid():
        # A new identity number is looked up in the municipality (the service refuses one
        # that another child has): counted like a registration's lookup.
        new_number = form.cleaned_data.get("id_number", child.id_number) != child.id_number
        if new_number and not registration_requests.lookup_allowed(request.user):
            return _too_many_lookups(request, form, "referrals/child_form.html", context)
        saved = _save_edit(
            request,
            form,
            context,
            partial(services.child_update, child_id=child.pk),
            done=_("Opplysningene om barnet er lagret."),
            then=("referrals:child_detail", child.pk),
        )
        if saved:
            return saved
    return render(request, "referrals/child_form.html", context, status=form_status(request, form))


# --- guardians ---------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def guardian_new(request, pk):
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    form = GuardianForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        added = run_form(
            request,
            form,
            partial(services.guardian_add, child_id=child.pk),
            done=_("Foresatt er lagt til."),
            then=lambda _guardian: reverse("referrals:child_detail", args=[child.pk]),
        )
        if added:
            return added
    context = {"form": form, "child": child}
    return render(
        request, "referrals/guardian_form.html", context, status=form_status(request, form)
    )


@login_required
@require_http_methods(FORM_METHODS)
def guardian_edit(request, pk):
    guardian = get_guardian_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, guardian)
    form = GuardianForm(_posted(request), instance=copy.copy(guardian))
    context = {"form": form, "child": guardian.child, "guardian": guardian}
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            request,
            form,
            context,
            partial(services.guardian_update, guardian_id=guardian.pk),
            done=_("Opplysningene om den foresatte er lagret."),
            then=("referrals:child_detail", guardian.child_id),
        )
        if saved:
            return saved
    return render(
        request, "referrals/guardian_form.html", context, status=form_status(request, form)
    )


# --- referrals ---------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def referral_new(request, pk):
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    form = ReferralForm(
        _posted(request),
        initial={"unit": child.unit_id},
        units=registration_units(request.user),
        municipality_id=child.municipality_id,
        unit_kind=child.unit.kind if child.unit_id else "",
    )
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(services.referral_create, child_id=child.pk),
            done=_("Henvisningen er opprettet som utkast."),
            then=lambda referral: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if created:
            return created
    error = getattr(form, "domain_error", None)
    context = {"form": form, "child": child}
    if isinstance(error, OpenReferralExists):
        context["open_referral"] = error.referral  # the page links to it
    return render(
        request, "referrals/referral_form.html", context, status=form_status(request, form)
    )


@login_required
@require_http_methods(FORM_METHODS)
def referral_edit(request, pk):
    referral = get_referral_for_user(
        request.user,
        pk,
        write=True,
        queryset=visible_referrals(request.user).select_related("child", "unit"),
    )
    if request.method == "GET":
        access_log_view(request, referral)
    form = ReferralForm(
        _posted(request),
        instance=copy.copy(referral),
        units=registration_units(request.user),
        municipality_id=referral.municipality_id,
        unit_kind=referral.unit.kind,
    )
    context = {"form": form, "child": referral.child, "referral": referral}
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            request,
            form,
            context,
            partial(services.referral_update, referral_id=referral.pk),
            done=_("Henvisningen er lagret."),
            then=("referrals:case_detail", referral.pk),
        )
        if saved:
            return saved
    return render(
        request, "referrals/referral_form.html", context, status=form_status(request, form)
    )


# --- consent -----------------------------------------------------------------------------------


def _consent_page(request, referral, form, **extra):
    consents = referral.consents.select_related("guardian").order_by("given_on", "pk")
    return render(
        request,
        "referrals/consent_form.html",
        {
            "referral": referral,
            "child": referral.child,
            "form": form,
            "consents": list(consents),
            **extra,
        },
        status=form_status(request, form),
    )


def _consent_register(*, referral_id, guardian, given_by_pupil=False, **values):
    return services.consent_register(
        referral_id=referral_id,
        guardian_id=guardian.pk if guardian is not None else None,
        given_by_pupil=bool(given_by_pupil),
        **values,
    )


def _consent_registered(request, referral, _consent) -> None:
    referral.refresh_from_db(fields=["status", "t0"])
    message = _("Samtykket er registrert.")
    if referral.status == Referral.Status.RECEIVED and referral.t0:
        message += " " + _("Saken er mottatt, og fristene løper fra %(t0)s.") % {
            "t0": referral.t0.strftime("%d.%m.%Y")
        }
    messages.success(request, message)


@login_required
@require_http_methods(FORM_METHODS)
def consent_new(request, pk):
    referral = get_referral_for_user(
        request.user,
        pk,
        write=True,
        queryset=visible_referrals(request.user).select_related("child"),
    )
    if request.method == "GET":
        access_log_view(request, referral)
    guardians = referral.child.guardians.order_by("pk")
    pupil_may_consent = services.pupil_may_consent(referral)
    form = with_once(
        ConsentForm(_posted(request), guardians=guardians, pupil_may_consent=pupil_may_consent)
    )
    if request.method == "POST" and form.is_valid():
        registered = run_form(
            request,
            form,
            partial(_consent_register, referral_id=referral.pk),
            done=partial(_consent_registered, request, referral),
            then=lambda _consent: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if registered:
            return registered
    return _consent_page(
        request,
        referral,
        form,
        has_guardians=pupil_may_consent or guardians.exists(),
        rule=case_kinds.rule(referral.kind),
    )


def _consent_withdrawn(request, referral, was_open, _consent) -> None:
    referral.refresh_from_db(fields=["status"])
    if was_open and referral.status == Referral.Status.WITHDRAWN:
        messages.warning(
            request,
            _(
                "Samtykket er trukket. Saken er stoppet, fordi ingen med foreldreansvar som "
                "barnet bor hos lenger samtykker til sakkyndig vurdering."
            ),
        )
    else:
        messages.success(request, _("Samtykket er trukket."))


@login_required
@require_http_methods(FORM_METHODS)
def consent_withdraw(request, pk, consent_pk):
    referral = get_referral_for_user(
        request.user,
        pk,
        write=True,
        queryset=visible_referrals(request.user).select_related("child"),
    )
    consent = get_object_or_404(referral.consents.select_related("guardian"), pk=consent_pk)
    if request.method == "GET":
        access_log_view(request, referral)
    form = with_once(ConsentWithdrawForm(_posted(request)))
    if request.method == "POST" and form.is_valid():
        withdrawn = run_form(
            request,
            form,
            partial(services.consent_withdraw, consent_id=consent.pk),
            done=partial(_consent_withdrawn, request, referral, referral.is_open),
            then=lambda _consent: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if withdrawn:
            return withdrawn
    return _consent_page(request, referral, form, consent=consent, withdraw=True)
