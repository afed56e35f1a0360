"""Pages of the case's life after the vedtak: the annual report (written by the unit that gives
the help), and the office's renewal, endringsvedtak, closing and reopening. Cases are reached
only through referrals.scoping; writes go through decisions/case_life.py."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import form_status, posted, run_form, with_once
from decisions import case_life, case_life_forms, case_life_selectors
from decisions.views import _action
from referrals import case_page
from referrals.access_log import access_log_view
from referrals.scoping import get_referral_for_decision, get_referral_for_user
from referrals.services import StaleEdit

REPORT_TEMPLATE = "decisions/case_life/annual_report.html"


def _back(referral):
    return lambda _result: reverse("decisions:case_clock", args=[referral.pk])


@login_required
def annual_report(request, pk):
    """The case's annual report (barnehageloven § 32 third paragraph), written by the styrer of
    the case's unit or a spesialpedagog: the draft if there is one, else a new one; saved as a
    draft or submitted. Submitted reports are read on the case clock tab."""
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_queryset(request.user)
    )
    if not case_life_selectors.can_write_annual_report(request.user, referral):
        raise PermissionDenied
    if request.method == "GET":
        access_log_view(request, referral)
    draft = case_life_selectors.annual_report_draft(referral)
    initial = None
    if draft is not None:
        initial = {
            "period_from": draft.period_from,
            "period_to": draft.period_to,
            "help_given": draft.help_given,
            "development": draft.development,
            "report_version": draft.version,
        }
    form = with_once(case_life_forms.AnnualReportForm(posted(request), initial=initial))
    if request.method == "POST" and form.is_valid():
        done = run_form(
            request,
            form,
            partial(
                case_life.annual_report_save,
                referral_id=referral.pk,
                report_id=draft.pk if draft else None,
            ),
            done=_("Årsrapporten er lagret."),
            then=_back(referral),
            stale=StaleEdit,
        )
        if done:
            return done
    context = {
        **case_page.header_context(request, referral),
        "form": form,
        "report": draft,
        "stale": getattr(form, "stale", None),
    }
    return render(request, REPORT_TEMPLATE, context, status=form_status(request, form))


@login_required
def renewal_start(request, pk):
    return _action(
        request,
        pk,
        case_life_forms.RenewalForm,
        case_life.renewal_start,
        _("Start fornyelse: ny sakkyndig vurdering"),
        template="decisions/case_life/renewal_form.html",
        done=_("Fornyelsen er startet som en ny sak."),
    )


def _terms_initial(referral) -> dict:
    decision = referral.decisions.filter(superseded=False).first()
    if decision is None:
        return {}
    return {
        "changes_id": decision.pk,
        "hours_per_week": decision.hours_per_week,
        "organisation": decision.organisation,
        "competence": decision.competence,
        "assistant": decision.assistant,
        "starts_on": decision.starts_on,
        "ends_on": decision.ends_on,
        "deviation_reason": decision.deviation_reason,
    }


@login_required
def decision_continue(request, pk):
    referral = get_referral_for_decision(request.user, pk)
    initial = {
        k: v for k, v in _terms_initial(referral).items() if k not in ("starts_on", "ends_on")
    }
    return _action(
        request,
        pk,
        case_life_forms.DecisionContinueForm,
        case_life.decision_continue,
        _("Vedtak om videreføring"),
        initial=initial,
        done=_("Vedtaket om videreføring er registrert."),
    )


@login_required
def decision_change(request, pk):
    referral = get_referral_for_decision(request.user, pk)
    return _action(
        request,
        pk,
        case_life_forms.DecisionChangeForm,
        case_life.decision_change,
        _("Endringsvedtak"),
        initial=_terms_initial(referral),
        done=_("Endringsvedtaket er registrert."),
    )


@login_required
def case_close(request, pk):
    return _action(
        request,
        pk,
        case_life_forms.CloseForm,
        case_life.case_close,
        _("Avslutt saken"),
        done=_("Saken er avsluttet."),
    )


@login_required
def case_reopen(request, pk):
    """A new case linked to the closed one; the office lands on the new case."""
    return _action(
        request,
        pk,
        case_life_forms.ReopenForm,
        case_life.case_reopen,
        _("Gjenåpne som ny sak"),
        done=_("Saken er gjenåpnet som en ny sak."),
        then=lambda new: reverse("referrals:case_detail", args=[new.pk]),
    )
