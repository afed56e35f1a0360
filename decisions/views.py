"""The kindergarten office's pages: the worklist of flagged cases, the inbox, and the decision
actions (foreløpig svar, vedtak, hjelp startet, klage). Cases are reached only through
referrals.scoping; writes go through decisions.services."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.limits import page_number
from core.views import form_status, posted, run_form, with_once
from decisions import case_life_selectors, delivery, forms, selectors, services
from decisions.flagging import digest_context
from decisions.worklist_filters import WorklistFilterForm
from referrals import case_kinds, case_page, caseload_columns, states
from referrals.access_log import access_log_view
from referrals.scoping import (
    can_decide,
    get_referral_for_decision,
    get_referral_for_user,
)
from referrals.selectors import KeysFirstPaginator
from teams.models import Role
from teams.scoping import has_role


def _office_only(user) -> None:
    if not has_role(user, Role.Kind.OFFICE):
        raise PermissionDenied


PAGE_SIZE = 25


def _worklist_item(referral, today) -> dict:
    """One case's row: its most urgent open deadline, the others beside it, the flag to
    acknowledge (the most urgent flag of the first flagged deadline) and whether the office
    can decide now."""
    deadlines = referral.open_deadlines
    flag = None
    for deadline in deadlines:
        flags = deadline.flags.all()
        if flags:
            flag = max(flags, key=lambda f: (f.level == "overdue", f.flagged_on, f.pk))
            break
    return {
        "referral": referral,
        "main": deadlines[0] if deadlines else None,
        "others": deadlines[1:],
        "flag": flag,
        "ready": referral.status == states.Status.ASSESSED,
        # issue 19: the case kind's short label ("Type"), its full label as the title
        "kind_short": caseload_columns.kind_short_label(referral.kind),
        "kind_label": referral.get_kind_display(),
    }


@login_required
def worklist(request):
    """The office's worklist: one row per case that needs it (a flagged deadline, or a
    finished assessment waiting for the vedtak), the most urgent first; filters by unit,
    area, advisor, deadline kind, barnehage/skole and case kind."""
    _office_only(request.user)
    today = timezone.localdate()
    choices = selectors.worklist_choices(request.user)
    form = WorklistFilterForm(request.GET, choices=choices)
    keys = form.narrow(selectors.worklist_case_keys(request.user, form.filters()))
    # The page's keys first (sort and LIMIT over the cases alone), then 25 cases' joins and
    # deadlines by key, without repeating the filters the keys came through.
    page = KeysFirstPaginator(keys, PAGE_SIZE, rows=selectors.worklist_case_rows()).get_page(
        request.GET.get("side")
    )
    items = [_worklist_item(r, today) for r in page]
    context = {"page": page, "items": items, "form": form, "query": form.query(), "today": today}
    template = "decisions/_worklist_rows.html" if request.htmx else "decisions/worklist.html"
    return render(request, template, context)


@login_required
@require_POST
def flag_acknowledge(request, pk):
    flag = get_object_or_404(selectors.flag_visible_to(request.user), pk=pk)
    if not can_decide(request.user, flag.deadline.referral):
        raise PermissionDenied
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        services.flag_acknowledge(
            flag_id=flag.pk, comment=form.cleaned_data["comment"], actor=request.user
        )
        messages.success(request, _("Flagget er kvittert ut."))
    else:
        messages.error(request, _("Skriv en kort kommentar om hva som gjøres."))
    return redirect("decisions:worklist")


def _action(
    request,
    pk,
    form_class,
    service,
    title,
    template="decisions/action_form.html",
    initial=None,
    then=None,
    form_kwargs=None,
    **extra,
):
    """Shared shape of the decision actions: scoped fetch, validate, call the service once
    (core.views.run_form: a domain error next to its field, 422), back to the case on success
    (or to ``then(result)``)."""
    referral = get_referral_for_decision(request.user, pk)
    if request.method == "GET":
        access_log_view(request, referral)
    form = with_once(form_class(posted(request), initial=initial, **(form_kwargs or {})))
    done = extra.pop("done", _("Registrert."))
    if request.method == "POST" and form.is_valid():
        registered = run_form(
            request,
            form,
            partial(service, referral_id=referral.pk),
            done=done,
            then=then or (lambda _result: reverse("referrals:case_detail", args=[referral.pk])),
        )
        if registered:
            return registered
    return render(
        request,
        template,
        {"referral": referral, "form": form, "title": title, **extra},
        status=form_status(request, form),
    )


@login_required
def provisional_reply_new(request, pk):
    return _action(
        request,
        pk,
        forms.ProvisionalReplyForm,
        services.provisional_reply_register,
        _("Registrer foreløpig svar"),
        done=_("Foreløpig svar er registrert."),
    )


@login_required
def decision_new(request, pk):
    referral = get_referral_for_decision(request.user, pk)
    assessment = getattr(referral, "assessment", None)
    # Start from the assessment's recommendation: a decision that follows it needs no reason.
    initial = {}
    if assessment is not None and assessment.is_completed:
        initial = {
            "outcome": "granted" if assessment.conclusion == "needs_help" else "refused",
            "hours_per_week": assessment.recommended_hours,
            "organisation": assessment.organisation,
            "competence": assessment.competence,
            "assistant": assessment.assistant_needed,
        }
    rule = case_kinds.rule(referral.kind)
    return _action(
        request,
        pk,
        forms.DecisionForm,
        services.decision_register,
        _("Registrer vedtak"),
        template="decisions/decision_form.html",
        initial=initial,
        form_kwargs={"rule": rule},
        assessment=assessment,
        rule=rule,
        decider=case_kinds.decider_label(rule, referral.municipality.school_decisions_by_rektor),
        done=_("Vedtaket er registrert."),
    )


@login_required
def decision_notified(request, pk):
    return _action(
        request,
        pk,
        forms.DecisionNotifiedForm,
        services.decision_notified_register,
        _("Registrer når foreldrene fikk vedtaket"),
        done=_("Datoen er registrert."),
    )


@login_required
def help_start(request, pk):
    return _action(
        request,
        pk,
        forms.HelpStartForm,
        services.help_start_register,
        _("Registrer at hjelpen har startet"),
        done=_("Hjelpen er registrert som startet."),
    )


@login_required
def appeal_new(request, pk):
    return _action(
        request,
        pk,
        forms.AppealForm,
        services.appeal_register,
        _("Registrer klage"),
        done=_("Klagen er registrert."),
    )


@login_required
def appeal_update(request, pk):
    appeal = get_object_or_404(selectors.appeal_visible_to(request.user), pk=pk)
    referral = get_referral_for_decision(request.user, appeal.decision.referral_id)
    if request.method == "GET":
        access_log_view(request, referral)
    initial = {
        "outcome": appeal.outcome,
        "sent_on": appeal.sent_on,
        "outcome_on": appeal.outcome_on,
    }
    form = with_once(forms.AppealUpdateForm(posted(request), initial=initial))
    if request.method == "POST" and form.is_valid():
        updated = run_form(
            request,
            form,
            partial(services.appeal_update, appeal_id=appeal.pk),
            done=_("Klagen er oppdatert."),
            then=lambda _appeal: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if updated:
            return updated
    return render(
        request,
        "decisions/action_form.html",
        {"referral": referral, "form": form, "title": _("Oppdater klage")},
        status=form_status(request, form),
    )


@login_required
def inbox(request):
    notes = selectors.notification_inbox(request.user)
    page = Paginator(notes, 30).get_page(page_number(request.GET.get("side")))
    # The office learns of a finished assessment at once, not only from the next digest.
    ready = None
    if has_role(request.user, Role.Kind.OFFICE):
        ready = selectors.worklist_case_keys(
            request.user, selectors.WorklistFilter(kind=selectors.READY)
        ).count()
    return render(request, "decisions/inbox.html", {"page": page, "ready": ready})


@login_required
def notification_detail(request, pk):
    note = get_object_or_404(selectors.notification_of(request.user), pk=pk)
    if note.read_at is None:
        services.notification_mark_read(notification_id=note.pk, actor=request.user)
    return render(
        request, "decisions/notification_detail.html", {"note": note, **digest_context(note)}
    )


@login_required
def case_clock(request, pk):
    """The case's clock and decisions: each deadline with its state, the provisional replies,
    the decisions with their appeal period, appeals, and the office's actions."""
    referral = get_referral_for_user(
        request.user,
        pk,
        queryset=case_page.case_queryset(request.user).prefetch_related("pauses__reason"),
    )
    access_log_view(request, referral)
    today = timezone.localdate()
    rows = selectors.case_clock_rows(referral)
    for decision in rows["decisions"]:
        decision.appeal_until = services.appeal_deadline(decision)
        decision.appeal_open = today <= decision.appeal_until
    current = next((d for d in rows["decisions"] if not d.superseded), None)
    return render(
        request,
        "decisions/case_clock.html",
        {
            **case_page.header_context(request, referral),
            **rows,
            "can_decide": can_decide(request.user, referral),
            "pauses": case_page.pause_rows(referral)[0],
            **case_life_selectors.case_life_context(request.user, referral),
            # issue 18: decided against delivered per month, one aggregate query
            "current": current,
            "months": delivery.month_rows(current, today),
        },
    )
