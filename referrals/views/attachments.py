"""Attachments on a case: upload (advisors) and download (whoever may see the case).

Files are never reachable by URL on their own: MEDIA_ROOT has no route, and the download view
checks the case through referrals/scoping.py before it opens the file.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from referrals.access_log import access_log_record
from referrals.attachments import attachment_add, download_name
from referrals.forms.attachments import AttachmentForm
from referrals.scoping import get_referral_for_user
from referrals.services import CaseError

logger = logging.getLogger(__name__)


@login_required
@require_POST
def attachment_upload(request, pk):
    referral = get_referral_for_user(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES, referral=referral)
    if form.is_valid():
        try:
            attachment = attachment_add(
                referral_id=referral.pk,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except CaseError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Vedlegget «%(title)s» er lagt til.") % {"title": attachment.title}
            )
            return redirect("referrals:case_detail", pk=referral.pk)
    return render(request, "referrals/attachment_form.html", {"referral": referral, "form": form})


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
