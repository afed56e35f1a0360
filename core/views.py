"""The glue between a form and a service, the same for every form: the service's domain error
lands next to its field; a stale edit keeps what the user typed and takes what is saved now for
every field the user did not touch; a form is acted on once however often it is posted."""

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import once_token

FORM_METHODS = ["GET", "POST"]
# How long a form's one-time token is remembered: longer than anyone double-clicks or
# re-sends, shorter than a session.
ONCE_SECONDS = 12 * 60 * 60
_PENDING = "pending"


def posted(request):
    # Not ``request.POST or None``: an empty POST must still be validated (and refused).
    return request.POST if request.method == "POST" else None


def add_error(form, exc: DomainError, *, missing: str = "") -> None:
    """A service's message next to its field, or above the form when the field isn't on it;
    each further field it names is marked too (with ``missing`` as its message)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    for name in exc.fields:
        if name in form.fields and missing:
            form.add_error(name, missing)


def with_once(form):
    """Give a create or action form (Legg til, Registrer, Start …) a one-time token, fresh
    each time it renders, so a double click acts once (run_form). A VersionedModelForm for a
    new object carries one already."""
    if "once" not in form.fields and "version" not in form.fields:
        form.fields["once"] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64, initial=once_token
        )
    return form


def _token(form) -> str | None:
    # VersionedModelForm.clean moves it to once_token; a with_once form keeps it in cleaned_data
    token = getattr(form, "once_token", None)
    if token is None and hasattr(form, "cleaned_data"):
        token = form.cleaned_data.get("once")
    return token or None


def _once_key(token: str) -> str:
    return f"form-once:{token}"


def once_claim(request, form):
    """None when the form may be acted on (its token is now claimed), else the answer to a
    repeated post: the redirect to what the first post made, or (still running) an error."""
    token = _token(form)
    if not token:
        return None
    key = _once_key(f"{request.user.pk}:{token}")
    # cache.add is atomic in Redis (SET NX): of two quick posts, exactly one claims it.
    if cache.add(key, _PENDING, ONCE_SECONDS):
        return None
    first = cache.get(key)
    if first and first != _PENDING:
        messages.info(request, _("Skjemaet var allerede sendt. Her er det som ble lagret."))
        return redirect(first)
    form.add_error(None, _("Skjemaet er allerede sendt og blir behandlet. Vent litt."))
    return form


def _once_done(request, form, url: str | None) -> None:
    token = _token(form)
    if not token:
        return
    key = _once_key(f"{request.user.pk}:{token}")
    if url is None:
        cache.delete(key)  # refused: the user corrects the form and sends it again
    else:
        cache.set(key, url, ONCE_SECONDS)


def form_values(form) -> dict:
    """What a valid form hands its service: ``values()`` of an edit form, else cleaned_data
    without the bookkeeping (the one-time token)."""
    if hasattr(form, "values"):
        return form.values()
    return {k: v for k, v in form.cleaned_data.items() if k != "once"}


def run_form(request, form, service, *, done: str, then, stale=None, missing: str = ""):
    """POST of ``form`` (already valid): call ``service(actor=…, **values)`` once.

    ``then(result)`` gives the URL to go to; ``done`` is the success message (or a callable
    of the result that posts its own). A DomainError
    goes next to its field; a StaleEdit (the exception class in ``stale``) refills the form
    (VersionedModelForm.refill) and returns None with ``form.stale`` set to it. Returns the
    redirect, or None when the form is to be shown again."""
    repeated = once_claim(request, form)
    if repeated is form:
        return None
    if repeated is not None:
        return repeated
    values = form_values(form)
    if "version" in form.cleaned_data:  # an edit names the version it started from
        values["version"] = form.cleaned_data["version"]
    try:
        result = service(actor=request.user, **values)
    except Exception as exc:
        # The stale class first: a service may raise it as a DomainError too (MeetingChanged).
        if stale is not None and isinstance(exc, stale):
            form.stale = exc
            if hasattr(form, "refill"):  # VersionedModelForm; another form refills itself
                form.refill(exc.current)
        elif isinstance(exc, DomainError):
            form.domain_error = exc
            add_error(form, exc, missing=missing)
        else:
            _once_done(request, form, None)
            raise
    else:
        url = then(result)
        _once_done(request, form, url)
        if callable(done):
            done(result)  # a message that depends on the result: the callable posts it
        else:
            messages.success(request, done)
        return redirect(url)
    _once_done(request, form, None)
    return None


def form_status(request, form) -> int:
    """The status of a form page: 200 to show it, 409 for a refused stale edit (what is saved
    is shown beside what was typed), 422 for input or a domain error refused."""
    if getattr(form, "stale", None) is not None:
        return 409
    return 422 if request.method == "POST" and form.errors else 200
