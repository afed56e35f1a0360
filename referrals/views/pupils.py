"""A school's pupils (issue 19): /elever/ lists them by class for the rektor (every class of
their school(s)) and the kontaktlærer/spesialpedagog (the classes they teach); the rektor
registers a pupil (/elever/ny/) and moves a pupil to another class of the same school
(/elever/<pk>/klasse/).

Each view reads through referrals/pupils_selectors.py and referrals/scoping.py and writes
through referrals/services_pupils.py; forms only validate. Someone who is neither rektor nor
teacher gets 403 on the list; a pupil the user may not see is 404 (get_child_for_user); a
teacher, who may see their pupils but not change them, gets 403 on the writes.
"""

from functools import partial
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.views import FORM_METHODS, add_error, form_status, posted, run_form, with_once
from referrals import pupils_selectors as selectors
from referrals import registration_requests, services_pupils
from referrals.access_log import AccessLogEntry, access_log_record, access_log_views_record
from referrals.pupils_forms import PupilClassForm, PupilFilterForm, PupilNewForm
from referrals.scoping import get_child_for_user, visible_children
from referrals.services import CaseError, StaleEdit
from teams.scoping import heads_school

PAGE_SIZE = 100


def _schools_and_classes(user):
    """(the schools the user heads as rektor, the classes whose pupils they may list); 403 for
    someone who is neither rektor nor teacher. Two queries at most."""
    scope = selectors.pupil_scope(user)
    schools = list(selectors.rektor_schools(user)) if heads_school(user) else []
    if not schools and not scope.class_ids:
        raise PermissionDenied
    scope = selectors.PupilScope(school_ids=[s.pk for s in schools], class_ids=scope.class_ids)
    return schools, list(selectors.pupil_classes(scope))


def _rektor_classes(user):
    """The classes of the schools the user heads; 403 for anyone else (a teacher included:
    they see their pupils, they do not register or move them)."""
    schools, classes = _schools_and_classes(user)
    school_ids = {s.pk for s in schools}
    if not school_ids:
        raise PermissionDenied
    return [c for c in classes if c.unit_id in school_ids]


@login_required
@require_safe
def pupil_list(request):
    schools, classes = _schools_and_classes(request.user)
    form = PupilFilterForm(request.GET or None, classes=classes)
    class_ids = [c.pk for c in classes]
    # The rektor also sees their schools' pupils without a class yet, to give them one.
    unclassed_at = [s.pk for s in schools]
    if form.is_bound and form.is_valid():
        if chosen := form.cleaned_data["klasse"]:
            class_ids, unclassed_at = [chosen.pk], []
        if (trinn := form.cleaned_data["trinn"]) is not None:
            class_ids = [c.pk for c in classes if c.pk in class_ids and c.trinn == trinn]
            unclassed_at = []
    pupils = selectors.pupil_list(request.user, class_ids=class_ids, unclassed_at=unclassed_at)
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("side"))
    school_ids = {s.pk for s in schools}
    rows = [
        SimpleNamespace(
            pupil=pupil,
            school_class=pupil.school_class,
            cases=selectors.open_cases_of(pupil),
            can_move=pupil.unit_id in school_ids,
        )
        for pupil in page
    ]
    access_log_views_record(
        request,
        [SimpleNamespace(pk=row.pupil.pk, child_id=row.pupil.pk) for row in rows],
        object_type=AccessLogEntry.ObjectType.CHILD,
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "several_schools": len({c.unit_id for c in classes}) > 1,
        "is_rektor": bool(schools),
        "has_classes": bool(classes),
    }
    return render(request, "referrals/pupils/pupil_list.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def pupil_new(request):
    classes = _rektor_classes(request.user)
    form = with_once(PupilNewForm(posted(request), classes=classes))
    if request.method == "POST" and form.is_valid():
        if not registration_requests.lookup_allowed(request.user):
            return _too_many_lookups(request, form)
        answer = _register(request, form)
        if answer is not None:
            return answer
    return render(
        request,
        "referrals/pupils/pupil_new.html",
        {"form": form},
        status=form_status(request, form),
    )


def _register(request, form):
    """Not run_form: a number already registered in the municipality has two answers (the
    rektor's own pupil: their page; anyone else's: nothing said about them)."""
    try:
        child, created = services_pupils.pupil_register(actor=request.user, **form.values())
    except CaseError as exc:
        add_error(form, exc)
        return None
    if created:
        messages.success(request, _("Eleven er registrert."))
        return redirect("referrals:child_detail", pk=child.pk)
    if visible_children(request.user).filter(pk=child.pk).exists():
        messages.info(request, _("Eleven er allerede registrert. Her er elevens side."))
        return redirect("referrals:child_detail", pk=child.pk)
    # Registered elsewhere (a kindergarten, another school): confirm nothing about the child,
    # log the attempt under the child, and send the rektor to PPT, who may see it.
    access_log_record(
        request,
        action=AccessLogEntry.Action.DENIED,
        object_type=AccessLogEntry.ObjectType.CHILD,
        object_id=child.pk,
        child_id=child.pk,
        status=422,
    )
    form.add_error(
        "id_number",
        _(
            "Eleven kan ikke registreres herfra. Ta kontakt med PP-tjenesten, som kan flytte "
            "eleven til skolen."
        ),
    )
    return None


def _too_many_lookups(request, form):
    access_log_record(
        request,
        action=AccessLogEntry.Action.DENIED,
        object_type=AccessLogEntry.ObjectType.CHILD,
        status=429,
    )
    form.add_error(
        None,
        _(
            "Du har slått opp mange fødselsnumre den siste timen (høyst %(n)s i timen). "
            "Vent litt og prøv igjen."
        )
        % {"n": registration_requests.LOOKUPS_PER_HOUR},
    )
    return render(request, "referrals/pupils/pupil_new.html", {"form": form}, status=429)


@login_required
@require_http_methods(FORM_METHODS)
def pupil_class(request, pk):
    child = get_child_for_user(request.user, pk)  # 404 for a pupil the user may not see
    classes = _rektor_classes(request.user)  # 403 for a teacher or anyone not rektor
    if child.unit_id not in {c.unit_id for c in classes}:
        raise PermissionDenied  # seen through a case, not a pupil of their school now
    form = PupilClassForm(
        posted(request),
        child=child,
        classes=classes,
        initial={"school_class": child.school_class_id, "version": child.version},
    )
    context = {"form": form, "child": child, "stale": False}
    if request.method == "POST" and form.is_valid():
        saved = run_form(
            request,
            form,
            partial(_move, child_id=child.pk),
            done=_("Eleven er flyttet til en annen klasse."),
            then=lambda _child: reverse("referrals:pupil_list"),
            stale=StaleEdit,
        )
        if saved:
            return saved
        if (stale := getattr(form, "stale", None)) is not None:
            # Someone changed the pupil meanwhile: show what is saved now, to choose again.
            context["stale"] = True
            context["form"] = PupilClassForm(
                child=stale.current,
                classes=classes,
                initial={
                    "school_class": stale.current.school_class_id,
                    "version": stale.current.version,
                },
            )
            return render(request, "referrals/pupils/pupil_class.html", context, status=409)
    return render(
        request, "referrals/pupils/pupil_class.html", context, status=form_status(request, form)
    )


def _move(*, actor, child_id, school_class, version):
    return services_pupils.pupil_set_class(
        actor=actor, child_id=child_id, school_class_id=school_class.pk, version=version
    )
