"""Pages of the school's IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11). Every
object is fetched through decisions/school_selectors.py (a 404 outside the user's scope, a 403
for a reader who may not write); writes go through decisions/school_services.py."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.limits import page_number
from core.views import add_error, form_status, posted, run_form
from decisions import school_forms, school_selectors, school_services
from decisions.school_models import AnnualEvaluation, Iop
from referrals.access_log import AccessLogEntry, access_log_views_record
from referrals.services import StaleEdit

LIST_PAGE = 50


def _post_action(request, service, *, done: str, then, back: str, **kwargs):
    """Call a one-click service (create, finalise, a new version): its domain error as a
    message on the page it came from."""
    try:
        result = service(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(then(result))


def _iop_url(iop) -> str:
    return reverse("decisions:iop_detail", args=[iop.pk])


def _evaluation_url(evaluation) -> str:
    return reverse("decisions:evaluation_detail", args=[evaluation.pk])


@login_required
def iop_case(request, pk):
    """The case's IOPs and evaluations; POST starts a draft IOP (or opens the one begun)."""
    write = request.method == "POST"
    referral = school_selectors.get_case_for_school_plans(request.user, pk, write=write)
    if write:
        return _post_action(
            request,
            school_services.iop_create,
            referral_id=referral.pk,
            done=_("Utkast til IOP er klart."),
            then=_iop_url,
            back=request.path,
        )
    can_write = school_services.can_write_iop(request.user, referral)
    context = {
        "referral": referral,
        "iops": school_selectors.case_iops(referral),
        "decision": school_services.iop_decision(referral),
        "can_write": can_write,
    }
    return render(request, "decisions/school/iop_case.html", context)


@login_required
def iop_detail(request, pk):
    """The IOP: a draft with its form for the school, else read-only."""
    iop = school_selectors.get_iop_for_user(request.user, pk, write=request.method == "POST")
    can_write = school_services.can_write_iop(request.user, iop.referral)
    form = None
    if can_write and iop.status == Iop.Status.DRAFT:
        initial = school_forms.iop_initial(iop)
        rows = sum(1 for key in initial if key.startswith("subject_")) + 2
        form = school_forms.IopForm(posted(request), initial=initial, rows=rows)
        if request.method == "POST" and form.is_valid():
            done = run_form(
                request,
                form,
                lambda **values: school_services.iop_update(iop_id=iop.pk, **values),
                done=_("IOP-en er lagret."),
                then=_iop_url,
                stale=StaleEdit,
            )
            if done:
                return done
    elif request.method == "POST":
        messages.error(request, _("IOP-en er ferdig og kan ikke endres. Lag en ny versjon."))
        return redirect(_iop_url(iop))
    context = {
        "iop": iop,
        "referral": iop.referral,
        "subjects": list(iop.subjects.all()),
        "evaluations": list(iop.evaluations.all()),
        "form": form,
        "stale": getattr(form, "stale", None),
        "can_write": can_write,
        "replaced_by": Iop.objects.filter(replaces=iop).first(),
    }
    if form is not None and context["stale"] is not None:
        form.data = form.data.copy()
        form.data["version"] = str(context["stale"].current.version)
    status = form_status(request, form) if form is not None else 200
    return render(request, "decisions/school/iop_detail.html", context, status=status)


@login_required
@require_POST
def iop_finalise(request, pk):
    iop = school_selectors.get_iop_for_user(request.user, pk, write=True)
    return _post_action(
        request,
        school_services.iop_finalise,
        iop_id=iop.pk,
        done=_("IOP-en er ferdig og kan gjøres tilgjengelig for eleven og foreldrene."),
        then=_iop_url,
        back=_iop_url(iop),
    )


@login_required
@require_POST
def iop_new_version(request, pk):
    iop = school_selectors.get_iop_for_user(request.user, pk, write=True)
    return _post_action(
        request,
        school_services.iop_new_version,
        iop_id=iop.pk,
        done=_("En ny versjon av IOP-en er laget som utkast."),
        then=_iop_url,
        back=_iop_url(iop),
    )


@login_required
@require_POST
def evaluation_new(request, pk):
    iop = school_selectors.get_iop_for_user(request.user, pk, write=True)
    return _post_action(
        request,
        school_services.evaluation_create,
        iop_id=iop.pk,
        done=_("Utkast til årleg evaluering er klart."),
        then=_evaluation_url,
        back=_iop_url(iop),
    )


@login_required
def evaluation_detail(request, pk):
    evaluation = school_selectors.get_evaluation_for_user(
        request.user, pk, write=request.method == "POST"
    )
    can_write = school_services.can_write_iop(request.user, evaluation.referral)
    form = None
    if can_write and evaluation.status == AnnualEvaluation.Status.DRAFT:
        initial = {
            "teaching_given": evaluation.teaching_given,
            "development": evaluation.development,
            "version": evaluation.version,
        }
        form = school_forms.EvaluationForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            done = run_form(
                request,
                form,
                lambda **values: school_services.evaluation_update(
                    evaluation_id=evaluation.pk, **values
                ),
                done=_("Evalueringen er lagret."),
                then=_evaluation_url,
                stale=StaleEdit,
            )
            if done:
                return done
    elif request.method == "POST":
        messages.error(request, _("Evalueringen er gjort tilgjengelig og kan ikke endres."))
        return redirect(_evaluation_url(evaluation))
    stale = getattr(form, "stale", None)
    if stale is not None:
        form.data = form.data.copy()
        form.data["version"] = str(stale.current.version)
    context = {
        "evaluation": evaluation,
        "iop": evaluation.iop,
        "referral": evaluation.referral,
        "form": form,
        "stale": stale,
        "can_write": can_write,
        "share_form": school_forms.ShareForm() if form is not None else None,
    }
    status = form_status(request, form) if form is not None else 200
    return render(request, "decisions/school/evaluation_detail.html", context, status=status)


@login_required
def evaluation_share(request, pk):
    """Record the day the evaluation was made available to the pupil and the parents."""
    evaluation = school_selectors.get_evaluation_for_user(request.user, pk, write=True)
    form = school_forms.ShareForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            school_services.evaluation_share(
                evaluation_id=evaluation.pk,
                actor=request.user,
                shared_on=form.cleaned_data["shared_on"],
            )
        except DomainError as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Evalueringen er registrert som gjort tilgjengelig."))
            return redirect(_evaluation_url(evaluation))
    context = {"evaluation": evaluation, "referral": evaluation.referral, "form": form}
    return render(
        request,
        "decisions/school/evaluation_share.html",
        context,
        status=form_status(request, form),
    )


@login_required
def iop_list(request):
    """The school's IOPs (the rektor's and the teacher's pupils; PPT's and the office's
    scope), with the school year, the status and the latest evaluation's status: a fixed
    number of queries whatever the page holds."""
    paginator = Paginator(school_selectors.iop_list(request.user), LIST_PAGE)
    page = paginator.get_page(page_number(request.GET.get("side")))
    rows = list(page.object_list)
    access_log_views_record(
        request,
        [SimpleNamespace(pk=r.pk, child_id=r.referral.child_id) for r in rows],
        object_type=AccessLogEntry.ObjectType.IOP,
    )
    evaluation_labels = dict(AnnualEvaluation.Status.choices)
    for row in rows:
        row.evaluation_label = evaluation_labels.get(row.evaluation_status, "")
    return render(request, "decisions/school/iop_list.html", {"page": page, "rows": rows})
