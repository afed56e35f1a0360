"""The case page, its transitions and the sakkyndig vurdering.

Each view fetches the case through referrals.scoping on line one; every change goes through
one service in referrals/services.py, which locks the row and checks the state again, so a
double click or a second tab gets a clear message and changes nothing.
"""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.views import form_status, run_form, with_once
from referrals import case_page, services
from referrals.access_log import access_log_view
from referrals.attachments import attachment_section
from referrals.forms import case as case_forms
from referrals.scoping import can_work_on_cases, get_referral_for_user
from referrals.services import StaleEdit


@login_required
def case_detail(request, pk):
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_detail_queryset(request.user)
    )
    access_log_view(request, referral)
    can_work = can_work_on_cases(request.user)
    actions = case_page.allowed_actions(referral, can_work=can_work)
    events, more_events = case_page.recent_events(referral)
    pauses, paused_days = case_page.pause_rows(referral)
    paused_per_kind = case_page.paused_days_per_kind(referral)
    header = case_page.header_context(request, referral)
    forms = {name: _transition_form(name, referral) for name in TRANSITIONS if name != "assign"}
    if actions.assign:
        forms["assign"] = _transition_form(
            "assign", referral, initial={"advisor": referral.advisor_id}
        )
    return render(
        request,
        "referrals/case_detail.html",
        {
            **header,
            "child": referral.child,
            "guardians": list(referral.child.guardians.all()),
            "consent": case_page.consent_summary(referral),
            "kind": case_page.kind_summary(referral),
            "report": case_page.report_sections(referral),
            "assessment": case_page.referral_assessment(referral),
            "pauses": pauses,
            "paused_days": paused_days,
            "paused_per_kind": paused_per_kind,
            **attachment_section(referral, can_edit=can_work),
            "timeline": case_page.timeline(events, limited=header["limited"]),
            "more_events": more_events,
            "timeline_limit": case_page.TIMELINE_LIMIT,
            "actions": actions,
            "action_forms": forms,
            "start_assessment_form": forms["start-assessment"],  # a key with a hyphen
            "correct_pause_form": forms["correct-pause"],
            # the ressursteam consultations the referral was started from (one query)
            "consultations": list(
                referral.consultations.select_related("meeting__unit").order_by("created_at")
            ),
        },
    )


@dataclass(frozen=True)
class Transition:
    form: type
    service: object
    title: str
    button: str
    done: str


TRANSITIONS = {
    "submit": Transition(
        case_forms.SubmitForm,
        services.referral_submit,
        _("Registrer mottatt"),
        _("Registrer mottatt"),
        _("Henvisningen er registrert som mottatt."),
    ),
    "start-assessment": Transition(
        case_forms.StartAssessmentForm,
        services.referral_start_assessment,
        _("Start utredning"),
        _("Start utredning"),
        _("Utredningen er startet."),
    ),
    "withdraw": Transition(
        case_forms.WithdrawForm,
        services.referral_withdraw,
        _("Trekk saken"),
        _("Trekk saken"),
        _("Saken er trukket."),
    ),
    "pause": Transition(
        case_forms.PauseForm,
        services.referral_pause,
        _("Sett saken på pause"),
        _("Sett på pause"),
        _("Saken står nå på pause."),
    ),
    "resume": Transition(
        case_forms.ResumeForm,
        services.referral_resume,
        _("Avslutt pausen"),
        _("Avslutt pausen"),
        _("Pausen er avsluttet."),
    ),
    "correct-pause": Transition(
        case_forms.PauseCorrectForm,
        services.pause_correct_end,
        _("Rett sluttdatoen for en pause"),
        _("Rett sluttdato"),
        _("Sluttdatoen er rettet."),
    ),
    "assign": Transition(
        case_forms.AssignForm,
        services.referral_assign,
        _("Tildel PP-rådgiver"),
        _("Tildel"),
        _("Saken er tildelt."),
    ),
}


def _transition_form(action, referral, **kwargs):
    # Action-specific ids: several of these forms share the case page (two "reason" fields).
    scoped = action in ("assign", "pause")  # choices of the case's municipality only
    extra = {"municipality_id": referral.municipality_id} if scoped else {}
    if action == "correct-pause":  # the case's own pauses (the case page's prefetch)
        extra = {"pauses": case_page.case_pauses(referral)}
    return with_once(TRANSITIONS[action].form(auto_id=f"id_{action}_%s", **extra, **kwargs))


@require_POST
@login_required
def case_transition(request, pk, action):
    referral = get_referral_for_user(
        request.user, pk, write=True, queryset=case_page.case_queryset(request.user)
    )
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise Http404
    form = _transition_form(action, referral, data=request.POST)
    if form.is_valid():
        # A second tab (the case has moved on) gets the service's message on the form (422);
        # a double click gets what the first click did (the form's one-time token).
        moved = run_form(
            request,
            form,
            partial(spec.service, referral_id=referral.pk),
            done=spec.done,
            then=lambda _result: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if moved:
            return moved
    return render(
        request,
        "referrals/transition_form.html",
        {
            **case_page.header_context(request, referral),
            "form": form,
            "action": action,
            "spec": spec,
        },
        status=422,
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_edit(request, pk):
    referral = get_referral_for_user(
        request.user, pk, write=True, queryset=case_page.case_queryset(request.user)
    )
    if referral.status != referral.Status.ASSESSING:
        messages.warning(
            request,
            _("Den sakkyndige vurderingen kan bare skrives mens saken har status «%(s)s».")
            % {"s": referral.Status.ASSESSING.label},
        )
        return redirect("referrals:case_detail", pk=referral.pk)
    assessment = case_page.referral_assessment(referral)
    if request.method != "POST":
        access_log_view(request, referral)
        form = case_forms.AssessmentForm(
            instance=assessment, initial={"version": assessment.version}, kind=referral.kind
        )
        return _assessment_page(request, referral, form)
    form = case_forms.AssessmentForm(request.POST, instance=assessment, kind=referral.kind)
    if not form.is_valid():
        return _assessment_page(request, referral, form)
    complete = "complete" in request.POST

    def save(*, actor, version, **_cleaned):
        return services.assessment_save(
            referral_id=referral.pk,
            version=version,
            actor=actor,
            complete=complete,
            completed_on=form.cleaned_data["completed_on"],
            **form.service_values(),
        )

    saved = run_form(
        request,
        form,
        save,
        done=_("Den sakkyndige vurderingen er ferdigstilt.")
        if complete
        else _("Utkastet er lagret."),
        then=lambda _assessment: reverse(
            "referrals:case_detail" if complete else "referrals:assessment_edit", args=[referral.pk]
        ),
        stale=StaleEdit,
        # Completing with § 34 content missing: the service rolled the draft back too.
        missing=_("Må fylles ut før vurderingen kan ferdigstilles."),
    )
    if saved:
        return saved
    stale = getattr(form, "stale", None)
    if stale is not None:
        form = _with_version(request.POST, assessment, stale.current.version)
        form.stale = stale
        return _assessment_page(request, referral, form, stale=case_page.stale_events(stale.events))
    return _assessment_page(request, referral, form)


def _assessment_page(request, referral, form, *, stale=None):
    context = {
        **case_page.header_context(request, referral),
        "form": form,
        "rule": form.rule,
        "stale": stale is not None,
        "stale_events": stale or [],
    }
    return render(
        request, "referrals/assessment_form.html", context, status=form_status(request, form)
    )


def _with_version(data, assessment, version):
    """The user's input again, now naming the current version so a deliberate re-submit
    overwrites what the other person saved."""
    data = data.copy()
    data["version"] = version
    form = case_forms.AssessmentForm(data, instance=assessment, kind=assessment.referral.kind)
    form.is_valid()
    return form
