"""The case's history tab: every change to the case and its child, by whom and when."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from referrals import case_page
from referrals import history as change_history
from referrals.access_log import access_log_view
from referrals.scoping import get_referral_for_user


@login_required
def case_history(request, pk):
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_queryset(request.user)
    )
    access_log_view(request, referral)
    header = case_page.header_context(request, referral)
    entries, more = change_history.case_history(referral, limited=header["limited"])
    return render(
        request,
        "referrals/case_history.html",
        {
            **header,
            "history": entries,
            "more_history": more,
            "history_limit": change_history.HISTORY_LIMIT,
        },
    )
