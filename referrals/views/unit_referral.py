"""The referral written by the kindergarten or school itself, PPT's arrivals, and the parents'
own request (issue 19, item 4).

- /henvisninger/ — the styrer's or rektor's own referrals (drafts, sent, received) and a start
  for a child or pupil of their unit; /henvisninger/ny/?barn=<pk> writes a new one;
  /henvisninger/<pk>/ edits the draft (optimistic locking) and shows its consent and state;
  /henvisninger/<pk>/samtykke/ records the parents' consent; /henvisninger/<pk>/send/ sends it.
- /saker/innkomne/ — PPT's arrivals (advisors and the PP-leder of the office serving the
  unit's municipality); /saker/<pk>/motta/ receives one (the clock starts).
- /barn/<pk>/foreldreanmodning/ — PPT registers the parents' own request with its date.

Every view fetches through referrals/unit_referral_selectors.py or referrals/scoping.py on its
first line (another unit's child or referral is a 404) and writes through
referrals/services/unit_referral.py.
"""

import copy
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.limits import page_number
from core.views import FORM_METHODS, form_status, posted, run_form, with_once
from referrals import services
from referrals.access_log import AccessLogEntry, access_log_record, access_log_view
from referrals.forms.registration import ConsentForm
from referrals.models import Consent
from referrals.scoping import get_child_for_user, registration_units
from referrals.services import StaleEdit
from referrals.services import unit_referral as unit_services
from referrals.unit_referral_forms import ParentsRequestForm, SendForm, UnitReferralForm
from referrals.unit_referral_selectors import (
    arrived_referrals,
    can_receive,
    get_arrived_referral_for_user,
    get_unit_child_for_user,
    get_unit_referral_for_user,
    unit_children,
    unit_referrals,
)
from referrals.views.registration import _stale_context
from teams.models import Role
from teams.scoping import has_role

PAGE_SIZE = 50
T = "referrals/unit_referral/"


def _require_unit_head(user) -> None:
    if not has_role(user, Role.Kind.UNIT_HEAD):
        raise PermissionDenied


def _child_pk(value) -> int | None:
    """?barn= strictly: ASCII digits, at most 18 of them (a bigint), else None (a 404)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


# --- the unit's own referrals -------------------------------------------------------------------


@login_required
@require_safe
def unit_referral_list(request):
    _require_unit_head(request.user)
    page = Paginator(unit_referrals(request.user), PAGE_SIZE).get_page(
        page_number(request.GET.get("side"))
    )
    children = list(
        unit_children(request.user).only(
            "pk", "first_name", "last_name", "unit__name", "school_class__name"
        )
    )
    return render(request, T + "list.html", {"page": page, "children": children})


@login_required
@require_http_methods(FORM_METHODS)
def unit_referral_new(request):
    _require_unit_head(request.user)
    pk = _child_pk(request.GET.get("barn"))
    try:
        child = get_unit_child_for_user(request.user, pk)
    except Http404:
        # Not a child of the user's units: a refusal in the log under the child named.
        access_log_record(
            request,
            action=AccessLogEntry.Action.DENIED,
            object_type=AccessLogEntry.ObjectType.CHILD,
            object_id=pk,
            child_id=pk,
            status=404,
        )
        raise
    if request.method == "GET":
        access_log_view(request, child)
    form = UnitReferralForm(posted(request), unit_kind=child.unit.kind)
    context = {"form": form, "child": child}
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(unit_services.unit_referral_create, child_id=child.pk),
            done=_("Henvisningen er lagret som utkast."),
            then=lambda referral: reverse("referrals:unit_referral_edit", args=[referral.pk]),
        )
        if created:
            return created
    error = getattr(form, "domain_error", None)
    if isinstance(error, services.OpenReferralExists):
        context["open_referral"] = error.referral
    return render(request, T + "form.html", context, status=form_status(request, form))


def _page_context(referral) -> dict:
    consents = [
        c
        for c in referral.consents.select_related("guardian").order_by("given_on", "pk")
        if c.withdrawn_on is None and c.purpose == Consent.Purpose.ASSESSMENT
    ]
    return {
        "referral": referral,
        "child": referral.child,
        "consents": consents,
        "has_consent": services.assessment_consent_given(referral),
        "is_draft": referral.status == referral.Status.DRAFT and referral.sent_on is None,
    }


@login_required
@require_http_methods(FORM_METHODS)
def unit_referral_edit(request, pk):
    _require_unit_head(request.user)
    referral = get_unit_referral_for_user(request.user, pk)
    if request.method == "GET":
        access_log_view(request, referral)
    form = UnitReferralForm(
        posted(request), instance=copy.copy(referral), unit_kind=referral.unit.kind
    )
    context = {"form": form, **_page_context(referral)}
    if request.method == "POST" and form.is_valid():
        saved = run_form(
            request,
            form,
            partial(unit_services.unit_referral_update, referral_id=referral.pk),
            done=_("Henvisningen er lagret."),
            then=lambda _r: reverse("referrals:unit_referral_edit", args=[referral.pk]),
            stale=StaleEdit,
        )
        if saved:
            return saved
        if getattr(form, "stale", None) is not None:
            context.update(_stale_context(form.stale, form))
    return render(request, T + "page.html", context, status=form_status(request, form))


@login_required
@require_http_methods(FORM_METHODS)
def unit_referral_consent(request, pk):
    _require_unit_head(request.user)
    referral = get_unit_referral_for_user(request.user, pk)
    if request.method == "GET":
        access_log_view(request, referral)
    guardians = referral.child.guardians.order_by("pk")
    form = with_once(ConsentForm(posted(request), guardians=guardians))
    # The referral asks for the assessment: that is what the parents consent to here.
    del form.fields["purpose"]
    if request.method == "POST" and form.is_valid():
        registered = run_form(
            request,
            form,
            partial(_consent_register, referral_id=referral.pk),
            done=_("Samtykket er registrert."),
            then=lambda _c: reverse("referrals:unit_referral_edit", args=[referral.pk]),
        )
        if registered:
            return registered
    context = {**_page_context(referral), "form": form, "has_guardians": guardians.exists()}
    return render(request, T + "consent.html", context, status=form_status(request, form))


def _consent_register(*, referral_id, guardian, given_on, actor):
    return services.consent_register(
        referral_id=referral_id,
        guardian_id=guardian.pk,
        purpose=Consent.Purpose.ASSESSMENT,
        given_on=given_on,
        actor=actor,
    )


@login_required
@require_POST
def unit_referral_send(request, pk):
    _require_unit_head(request.user)
    referral = get_unit_referral_for_user(request.user, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        sent = run_form(
            request,
            form,
            partial(unit_services.unit_referral_send, referral_id=referral.pk),
            done=_("Henvisningen er sendt til PPT."),
            then=lambda _r: reverse("referrals:unit_referral_edit", args=[referral.pk]),
            stale=StaleEdit,
        )
        if sent:
            return sent
    # Refused: the page again with the reason at the top and the form as it is saved.
    page_form = UnitReferralForm(instance=copy.copy(referral), unit_kind=referral.unit.kind)
    context = {"form": page_form, "send_form": form, **_page_context(referral)}
    if getattr(form, "stale", None) is not None:
        context["send_stale"] = True
    return render(request, T + "page.html", context, status=409 if "send_stale" in context else 422)


# --- PPT's arrivals -----------------------------------------------------------------------------


@login_required
@require_safe
def arrived_list(request):
    if not can_receive(request.user):
        raise PermissionDenied
    page = Paginator(arrived_referrals(request.user), PAGE_SIZE).get_page(
        page_number(request.GET.get("side"))
    )
    context = {"page": page, "is_leader": has_role(request.user, Role.Kind.PPT_LEADER)}
    return render(request, T + "arrived.html", context)


@login_required
@require_POST
def referral_receive(request, pk):
    if not can_receive(request.user):
        raise PermissionDenied
    referral = get_arrived_referral_for_user(request.user, pk)
    try:
        received = unit_services.unit_referral_receive(referral_id=referral.pk, actor=request.user)
    except services.CaseError as exc:
        messages.info(request, exc.message)
        return redirect("referrals:arrived_list")
    if received.t0:
        text = _("%(ref)s er mottatt, og fristene løper fra %(t0)s.") % {
            "ref": received.reference,
            "t0": received.t0.strftime("%d.%m.%Y"),
        }
    else:
        text = _("%(ref)s er mottatt. Fristene løper når samtykket er registrert.") % {
            "ref": received.reference
        }
    messages.success(request, text)
    return redirect("referrals:arrived_list")


# --- the parents' own request -------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def parents_request_new(request, pk):
    child = get_child_for_user(request.user, pk, write=True)
    if request.method == "GET":
        access_log_view(request, child)
    form = with_once(
        ParentsRequestForm(
            posted(request),
            initial={"unit": child.unit_id},
            units=registration_units(request.user),
            municipality_id=child.municipality_id,
        )
    )
    context = {"form": form, "child": child}
    if request.method == "POST" and form.is_valid():
        created = run_form(
            request,
            form,
            partial(unit_services.parents_request_register, child_id=child.pk),
            done=_("Foreldrenes anmodning er registrert som mottatt."),
            then=lambda referral: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if created:
            return created
    error = getattr(form, "domain_error", None)
    if isinstance(error, services.OpenReferralExists):
        context["open_referral"] = error.referral
    return render(request, T + "parents_request.html", context, status=form_status(request, form))
