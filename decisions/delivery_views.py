"""Help delivered against help decided (issue 18): the caseload of those who give the help
(the spesialpedagog, the styrer), a vedtak's delivery page with its week form and weeks, the
correction of a week, and the office's etterlevering. Vedtak are reached only through
decisions.selectors (the delivery scoping); writes go through decisions.delivery."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.limits import page_number
from core.views import form_status, posted, run_form, with_once
from decisions import delivery, selectors
from decisions.delivery_forms import DeliveryWeekForm, MakeupForm
from referrals.access_log import access_log_view, access_log_views_record
from referrals.scoping import can_decide
from referrals.services.base import StaleEdit
from teams.models import Role
from teams.scoping import has_role

GIVERS = (Role.Kind.SPECIAL_EDUCATOR, Role.Kind.UNIT_HEAD)
PER_PAGE = 50


@login_required
def my_vedtak(request):
    """ "Mine vedtak / Hjelp som gis": the running vedtak the user gives help under."""
    vedtak = selectors.delivery_caseload(request.user)
    if not has_role(request.user, *GIVERS):
        raise PermissionDenied
    # A municipality's spesialpedagog may give help under thousands of vedtak: 50 a page, read
    # in index order with one more to tell whether there is a next page (no count: counting a
    # large municipality's running vedtak by their cases' status read every case, bench/).
    number = page_number(request.GET.get("side"))
    rows = list(vedtak[(number - 1) * PER_PAGE : number * PER_PAGE + 1])
    page = {"number": number, "previous": number - 1, "next": number + 1}
    page["has_next"], rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    shares = delivery.recent_shares(rows, timezone.localdate())
    access_log_views_record(request, [d.referral for d in rows], object_type="referral")
    items = [{"decision": d, "share": shares[d.pk]} for d in rows]
    return render(request, "decisions/delivery/my_vedtak.html", {"items": items, "page": page})


def _page(request, decision, *, week_form=None, makeup_form=None, status=200):
    today = timezone.localdate()
    can_register = selectors.can_register_delivery(request.user, decision)
    can_makeup = can_decide(request.user, decision.referral)
    if week_form is None and can_register:
        week_form = with_once(DeliveryWeekForm())
    if makeup_form is None and can_makeup:
        makeup_form = with_once(MakeupForm())
    context = {
        "decision": decision,
        "referral": decision.referral,
        "period": delivery.delivery_period(decision),
        "weeks": list(selectors.delivery_weeks(decision)),
        "makeups": list(selectors.makeups_of(decision)),
        "balance": delivery.owed_balance(decision),
        "months": delivery.month_rows(decision, today),
        "share": delivery.recent_shares([decision], today)[decision.pk],
        "week_form": week_form if can_register else None,
        "makeup_form": makeup_form if can_makeup else None,
        "can_register": can_register,
    }
    return render(request, "decisions/delivery/page.html", context, status=status)


@login_required
def delivery_page(request, pk):
    """A vedtak's help delivered: the week form (those who give the help), the weeks, the
    month table and the owed hours; the office records etterlevering."""
    decision = selectors.delivery_decision_for(request.user, pk)
    if request.method == "GET":
        access_log_view(request, decision.referral)
        return _page(request, decision)
    if not selectors.can_register_delivery(request.user, decision):
        raise PermissionDenied
    form = with_once(DeliveryWeekForm(posted(request)))
    if form.is_valid():
        done = run_form(
            request,
            form,
            partial(delivery.delivery_week_register, decision_id=decision.pk),
            done=_("Uken er registrert."),
            then=lambda _week: reverse("decisions:delivery_page", args=[decision.pk]),
        )
        if done:
            return done
    return _page(request, decision, week_form=form, status=form_status(request, form))


@login_required
def delivery_week_edit(request, pk):
    """Correct a registered week (?uke=<id>); an edit started before someone else's is
    refused with what is saved now."""
    decision = selectors.delivery_decision_for(request.user, pk)
    try:
        week_id = int(request.GET.get("uke", ""))
    except ValueError:
        raise Http404 from None
    week = selectors.delivery_week_for(request.user, week_id)
    if week.decision_id != decision.pk:
        raise Http404
    if request.method == "GET":
        access_log_view(request, decision.referral)
    form = DeliveryWeekForm(posted(request), instance=week)
    if request.method == "POST" and form.is_valid():
        done = run_form(
            request,
            form,
            partial(delivery.delivery_week_update, week_id=week.pk),
            done=_("Uken er endret."),
            then=lambda _week: reverse("decisions:delivery_page", args=[decision.pk]),
            stale=StaleEdit,
        )
        if done:
            return done
    return render(
        request,
        "decisions/delivery/week_edit.html",
        {"decision": decision, "referral": decision.referral, "week": week, "form": form},
        status=form_status(request, form),
    )


@login_required
def makeup_new(request, pk):
    """The office's etterlevering (POST from the delivery page)."""
    decision = selectors.delivery_decision_for(request.user, pk)
    if not can_decide(request.user, decision.referral):
        raise PermissionDenied
    if request.method == "GET":
        access_log_view(request, decision.referral)
        return _page(request, decision)
    form = with_once(MakeupForm(posted(request)))
    if form.is_valid():
        done = run_form(
            request,
            form,
            partial(delivery.makeup_register, decision_id=decision.pk),
            done=_("Etterleveringen er registrert."),
            then=lambda _m: reverse("decisions:delivery_page", args=[decision.pk]),
        )
        if done:
            return done
    return _page(request, decision, makeup_form=form, status=form_status(request, form))
