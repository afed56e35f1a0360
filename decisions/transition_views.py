"""The move from kindergarten to school (issue 19): the advisor of a § 31 case with a running
vedtak moves the child to a school and class; the § 31 case closes and the school case opens
(decisions/transition.py). The case is reached only through referrals.scoping."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import form_status, posted, run_form, with_once
from decisions import selectors, transition
from decisions.transition_forms import TransitionForm
from referrals import case_page
from referrals.access_log import access_log_view
from referrals.scoping import get_referral_for_user

TEMPLATE = "decisions/transition/transition_form.html"


@login_required
def transition_to_school(request, pk):
    """GET: the form (or why this case cannot move); POST: the move, then the school case."""
    referral = get_referral_for_user(
        request.user, pk, write=True, queryset=case_page.case_queryset(request.user)
    )
    if request.method == "GET":
        access_log_view(request, referral)
    refusal = transition.move_refusal(referral, selectors.current_decision_of(referral))
    form = with_once(TransitionForm(posted(request), referral=referral))
    if request.method == "POST" and form.is_valid():
        done = run_form(
            request,
            form,
            partial(transition.case_transition_to_school, referral_id=referral.pk),
            done=lambda moved: messages.success(
                request,
                _("Barnehagesaken er avsluttet, og skolesaken %(ref)s er opprettet.")
                % {"ref": moved.new.reference},
            ),
            then=lambda moved: reverse("referrals:case_detail", args=[moved.new.pk]),
        )
        if done:
            return done
    context = {
        **case_page.header_context(request, referral),
        "form": form,
        "refusal": refusal if request.method == "GET" else None,
    }
    return render(request, TEMPLATE, context, status=form_status(request, form))
