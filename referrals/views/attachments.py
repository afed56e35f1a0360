"""Attachments on a case: upload (advisors) and download (whoever may see the case).

Files are never reachable by URL on their own: MEDIA_ROOT has no route, and the download view
checks the case through referrals/scoping.py before it opens the file.
"""

import logging
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.views import form_status, run_form, with_once
from referrals.access_log import access_log_record
from referrals.attachments import attachment_add, download_name
from referrals.forms.attachments import AttachmentForm
from referrals.scoping import get_referral_for_user

logger = logging.getLogger(__name__)


@login_required
@require_POST
def attachment_upload(request, pk):
    referral = get_referral_for_user(request.user, pk, write=True)
    form = with_once(AttachmentForm(request.POST, request.FILES, referral=referral))
    if form.is_valid():
        added = run_form(
            request,
            form,
            partial(_attachment_add, referral_id=referral.pk),
            done=partial(_added, request),
            then=lambda _attachment: reverse("referrals:case_detail", args=[referral.pk]),
        )
        if added:
            return added
    return render(
        request,
        "referrals/attachment_form.html",
        {"referral": referral, "form": form},
        status=form_status(request, form),
    )


def _attachment_add(*, referral_id, file, **values):
    return attachment_add(referral_id=referral_id, uploaded_file=file, **values)


def _added(request, attachment) -> None:
    messages.success(request, _("Vedlegget «%(title)s» er lagt til.") % {"title": attachment.title})


@login_required
@require_safe
def attachment_download(request, pk, attachment_pk):
    referral = get_referral_for_user(request.user, pk)
    attachment = get_object_or_404(referral.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        # The row outlived its file (a restore, a manual clean-up): a 404, not a 500.
        logger.warning("Attachment %s has no file on disk", attachment.pk)
        raise Http404 from None
    access_log_record(
        request,
        action="download",
        object_type="attachment",
        object_id=attachment.pk,
        child_id=referral.child_id,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
