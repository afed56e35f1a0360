"""The PP-leder's intake list (/inntak/): the received cases of the office's municipalities
that no advisor has yet, each with a select to assign it to one of the office's advisors.

The PP-leder reads cases through referrals.scoping (intake_referrals, get_referral_for_intake:
another office's case is a 404) and assigns through referrals.services.referral_assign with
the version they saw (a case assigned meanwhile is refused, a double click assigns once)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import once_token
from core.limits import page_number
from core.views import run_form, with_once
from referrals import services
from referrals.forms.intake import IntakeAssignForm, office_advisors
from referrals.scoping import (
    get_referral_for_intake,
    intake_referrals,
    is_ppt_leader,
    leader_office_ids,
)
from referrals.selectors import KeysFirstPaginator

PAGE_SIZE = 50


def _page(request, *, failed=None):
    cases = intake_referrals(request.user)
    page = KeysFirstPaginator(cases, PAGE_SIZE).get_page(page_number(request.GET.get("side")))
    advisors = list(
        office_advisors(leader_office_ids(request.user)).values_list("pk", "full_name", "email")
    )
    rows = [
        {
            "referral": r,
            # one token per row's form: a double click assigns once (core.views.run_form)
            "once": once_token(),
            "form": (failed or {}).get(r.pk),
        }
        for r in page
    ]
    return {
        "page": page,
        "rows": rows,
        "advisors": [(pk, name or email) for pk, name, email in advisors],
        "today": timezone.localdate(),
    }


@login_required
def ppt_intake(request):
    """The PP-leder's list; 403 for anyone else."""
    if not is_ppt_leader(request.user):
        raise PermissionDenied
    return render(request, "referrals/ppt_intake.html", _page(request))


@login_required
@require_POST
def ppt_intake_assign(request, pk):
    referral = get_referral_for_intake(request.user, pk)
    form = with_once(IntakeAssignForm(request.POST, ppt_office_ids=leader_office_ids(request.user)))
    if form.is_valid():
        assigned = run_form(
            request,
            form,
            partial(services.referral_assign, referral_id=referral.pk),
            done=lambda r: _assigned_message(request, r),
            then=lambda _result: reverse("referrals:ppt_intake"),
        )
        if assigned:
            return assigned
    context = _page(request, failed={referral.pk: form})
    context["error_case"] = referral
    context["error_form"] = form
    return render(request, "referrals/ppt_intake.html", context, status=422)


def _assigned_message(request, referral) -> None:
    messages.success(
        request,
        _("%(ref)s er tildelt %(name)s.")
        % {"ref": referral.reference, "name": referral.advisor.full_name or referral.advisor},
    )
