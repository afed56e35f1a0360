"""The access log's pages (innsynslogg) for the municipality's system administrator (the admin
role): "who has looked at this child", "what has this user opened", and a search page that
leads to them.

An admin sees the children of the municipalities where they hold the admin role and the
users who hold a role there; anything else is a 404. Everyone else gets 403: the pages are
not theirs to use at all. That includes superusers and the platform operator: they work for
no municipality, so they have no children and no log of children (teams.scoping). Both log pages write a row themselves, so looking at the log is
accounted for too. The search is POSTed: it takes identity numbers and e-mail addresses,
which must not end up in a URL.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import LimitedForm
from core.limits import page_number, parse_int
from referrals.access_log import AccessLogEntry, access_log_record
from referrals.idnumber import compact
from referrals.selectors import auditable_children, child_pk_of_case
from teams.models import Role
from teams.scoping import administered_municipalities, has_role

User = get_user_model()
PAGE_SIZE = 50
A = AccessLogEntry.Action
T = AccessLogEntry.ObjectType


# --- scope -------------------------------------------------------------------------------------


def _require_auditor(user) -> None:
    if not has_role(user, Role.Kind.ADMIN):
        raise PermissionDenied


def _admin_municipalities(user):
    return administered_municipalities(user).values("pk")


def auditable_users(user):
    """Users with a role in the admin's municipalities (through the role's municipality, the
    PPT office serving it, or a unit in it)."""
    ids = _admin_municipalities(user)
    roles = Role.objects.filter(
        Q(municipality__in=ids)
        | Q(ppt_office__municipalities__in=ids)
        | Q(units__municipality__in=ids)
    )
    return User.objects.filter(pk__in=roles.values("user"))


# --- presentation ------------------------------------------------------------------------------

ROLE_LABELS = {**dict(Role.Kind.choices), "superuser": _("Superbruker")}


def _object_label(entry: AccessLogEntry) -> str:
    if entry.object_type == T.REFERRAL and entry.object_id is not None:
        return _("Sak %(ref)s") % {"ref": f"PPT-{entry.object_id:06d}"}
    if entry.object_type == T.CHILD:
        return _("Barnets side")
    if entry.object_type == T.ACCESS_LOG:
        if entry.child_id is not None:
            return _("Tilgangsloggen for barnet")
        return _("Tilgangsloggen for en bruker")
    label = entry.get_object_type_display()
    if entry.object_id is None:
        return str(label)
    return _("%(what)s nr. %(id)s") % {"what": label, "id": entry.object_id}


def _result(status: int) -> str:
    """The HTTP status in words an administrator reads; the code stays in brackets."""
    if status < 400:
        return _("OK")
    words = {403: _("Nektet"), 404: _("Ikke funnet")}.get(status, _("Feil"))
    return f"{words} ({status})"


def _rows(entries) -> list[dict]:
    return [
        {
            "at": e.at,
            "user": e.user,
            "roles": ", ".join(str(ROLE_LABELS.get(k, k)) for k in e.role.split(",") if k),
            "action": e.get_action_display(),
            "denied": e.action == A.DENIED,
            "object": _object_label(e),
            "child_id": e.child_id,
            "path": e.path,
            "result": _result(e.status),
            "ip": e.ip or "–",
        }
        for e in entries
    ]


def _page(request, entries) -> dict:
    ordered = entries.select_related("user").order_by("-at", "-pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(page_number(request.GET.get("side")))
    return {
        "page": page,
        "rows": _rows(page),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


# --- pages -------------------------------------------------------------------------------------


@login_required
@require_safe
def access_log_child(request, pk):
    """Hvem har sett dette barnet: every row that names the child, newest first."""
    _require_auditor(request.user)
    child = get_object_or_404(auditable_children(request.user), pk=pk)
    access_log_record(request, action=A.VIEW, object_type=T.ACCESS_LOG, object_id=pk, child_id=pk)
    page = _page(request, AccessLogEntry.objects.filter(child_id=child.pk))
    return render(request, "referrals/access_log_child.html", {"child": child, **page})


@login_required
@require_safe
def access_log_user(request, pk):
    """Hva har denne brukeren åpnet: the user's rows about the admin's own children, and those
    that name no child (refused attempts on unknown ids, exports, the log itself)."""
    _require_auditor(request.user)
    person = get_object_or_404(auditable_users(request.user), pk=pk)
    access_log_record(request, action=A.VIEW, object_type=T.ACCESS_LOG, object_id=person.pk)
    children = auditable_children(request.user).values("pk")
    entries = AccessLogEntry.objects.filter(user=person).filter(
        Q(child_id__isnull=True) | Q(child_id__in=children)
    )
    page = _page(request, entries)
    return render(request, "referrals/access_log_user.html", {"person": person, **page})


class ChildLookupForm(LimitedForm):
    case_or_id = forms.CharField(
        label=_("Saksnummer eller fødselsnummer"),
        max_length=30,
        # Browsers must not offer identity numbers typed here to the next person at this PC.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Saksnummeret står på saken, for eksempel PPT-000123. Fødselsnummeret har 11 siffer."
        ),
    )


class UserLookupForm(LimitedForm):
    email = forms.EmailField(label=_("E-postadressen brukeren logger inn med"))


def _find_child(user, value: str) -> int | None:
    """The pk of the child named by a case number (PPT-000123 or 123) or an identity number."""
    value = compact(value).upper().removeprefix("PPT-").removeprefix("PPT")
    number = parse_int(value, minimum=0)  # ASCII digits only: "²" passes str.isdigit()
    if number is None:
        return None
    children = auditable_children(user)
    if len(value) == 11:  # an identity number: the reason this form is POSTed
        return children.filter(id_number=value).order_by("pk").values_list("pk", flat=True).first()
    return child_pk_of_case(children, number)


@login_required
@require_http_methods(["GET", "POST"])
def access_log_search(request):
    """Finn barnet (saksnummer eller fødselsnummer) eller brukeren, og gå til loggen."""
    _require_auditor(request.user)
    which = request.POST.get("find")
    child_form = ChildLookupForm(request.POST if which == "child" else None, prefix="child")
    user_form = UserLookupForm(request.POST if which == "user" else None, prefix="user")
    if which == "child" and child_form.is_valid():
        found = _find_child(request.user, child_form.cleaned_data["case_or_id"])
        if found is not None:
            return redirect("referrals:access_log_child", pk=found)
        child_form.add_error("case_or_id", _("Fant ingen sak eller barn med dette i din kommune."))
    if which == "user" and user_form.is_valid():
        email = user_form.cleaned_data["email"].lower()
        person = auditable_users(request.user).filter(email=email).first()
        if person is not None:
            return redirect("referrals:access_log_user", pk=person.pk)
        user_form.add_error("email", _("Fant ingen bruker med denne e-postadressen i din kommune."))
    return render(
        request,
        "referrals/access_log_search.html",
        {"child_form": child_form, "user_form": user_form},
        status=422 if child_form.errors or user_form.errors else 200,
    )
