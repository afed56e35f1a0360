"""The access log (innsynslogg): one row for every time someone opens a child's record or a
case, downloads an attachment, exports or prints, and for every refused attempt.

Append-only. The application never changes or deletes a row (AccessLogEntry refuses save() on
an existing row, delete(), and queryset update()/delete()); PostgreSQL refuses UPDATE always and
DELETE unless the transaction has set ``rimelig.prune_access_log`` (the migration's triggers),
which only ``manage.py prune_access_log`` does.

Writes fail closed: if the row cannot be written the exception propagates and the user gets
a 500 rather than a page nobody can account for. The INSERT runs in the request's own
connection; requests are not wrapped in a transaction (ATOMIC_REQUESTS is off, and the check
below keeps it off), and every call sits before the view's service call, so a rolled-back
write cannot take the log row with it.

models.py imports this module at its end so Django registers the model; nothing here imports
referrals.models at module level (that would be a cycle).
"""

from django.conf import settings
from django.core import checks
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from teams.scoping import role_kinds
from teams.security import client_ip  # noqa: F401 (also used by tests)

BIGINT_MAX = 2**63 - 1


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log row."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only; see manage.py prune_access_log.")


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Åpnet")
        DOWNLOAD = "download", _("Lastet ned")
        EXPORT = "export", _("Eksporterte")
        PRINT = "print", _("Skrev ut")
        DENIED = "denied", _("Avvist")

    class ObjectType(models.TextChoices):
        CHILD = "child", _("Barn")
        GUARDIAN = "guardian", _("Foresatt")
        REFERRAL = "referral", _("Sak")
        ATTACHMENT = "attachment", _("Vedlegg")
        APPEAL = "appeal", _("Klage")
        EXPORT = "export", _("Eksport")
        ACCESS_LOG = "access_log", _("Tilgangslogg")
        CONSULTATION = "consultation", _("Drøfting med navn")

    # The database's clock, not the application's: a row's time cannot be supplied wrongly.
    at = models.DateTimeField(_("tidspunkt"), db_default=Now())
    # PROTECT: a log must keep who. Users are deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,  # covered by accesslog_user_at
        verbose_name=_("bruker"),
    )
    # The role kinds the user held at the time, e.g. "advisor" or "office,unit_head".
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("objekt"), max_length=20, choices=ObjectType.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    # Not a foreign key: a log row must outlive the child, and a refused attempt may name an
    # id that does not exist.
    child_id = models.BigIntegerField(null=True, blank=True)
    # request.path, never the query string; URLs name children and cases by pk only.
    path = models.CharField(_("adresse i Rimelig"), max_length=500)
    ip = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        app_label = "referrals"
        ordering = ["-at", "-pk"]
        verbose_name = _("tilgangsloggrad")
        verbose_name_plural = _("tilgangslogg")
        default_permissions = ("view",)
        indexes = [
            # "Hvem har sett dette barnet" (views/access_log.py access_log_child), newest first
            models.Index(fields=["child_id", "-at"], name="accesslog_child_at"),
            # "Hva har denne brukeren åpnet" (access_log_user), newest first
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            # prune_access_log: DELETE ... WHERE at < cutoff
            models.Index(fields=["at"], name="accesslog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("An access-log row is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An access-log row is never deleted here; see prune_access_log.")


# --- writing -------------------------------------------------------------------------------------


def _role_text(user) -> str:
    kinds = sorted(role_kinds(user))  # cached on the user by teams.scoping: no query
    if user.is_superuser:
        kinds.append("superuser")
    return ",".join(kinds)


def _bigint_or_none(value) -> int | None:
    # The URL's int converter takes any number of digits; one too large for bigint is logged
    # without an id rather than making the INSERT (and the response) fail.
    if value is None:
        return None
    value = int(value)
    return value if 0 <= value <= BIGINT_MAX else None


def access_log_record(
    request,
    *,
    action: str,
    object_type: str,
    object_id: int | None = None,
    child_id: int | None = None,
    status: int = 200,
) -> AccessLogEntry:
    """Write one row (one INSERT). Call it after the scoped fetch succeeded, before the page
    is rendered; an error propagates (fail closed)."""
    user = request.user if request.user.is_authenticated else None
    return AccessLogEntry.objects.create(
        user=user,
        role=_role_text(user) if user else "",
        action=action,
        object_type=object_type,
        object_id=_bigint_or_none(object_id),
        child_id=_bigint_or_none(child_id),
        path=request.path[:500],
        ip=client_ip(request),
        status=status,
    )


def access_log_view(request, obj) -> AccessLogEntry:
    """Record that a Child, Guardian or Referral was shown (its model name is the object
    type; a guardian and a case are logged under their child too)."""
    object_type = obj._meta.model_name
    return access_log_record(
        request,
        action=AccessLogEntry.Action.VIEW,
        object_type=AccessLogEntry.ObjectType(object_type),
        object_id=obj.pk,
        child_id=obj.pk if object_type == "child" else obj.child_id,
    )


# --- refused attempts ----------------------------------------------------------------------------

Obj = AccessLogEntry.ObjectType

# URL name -> (object type, the URL kwarg naming it): every URL that opens or changes a child
# or a case. A 403 or 404 on one of them is logged as a refused attempt.
DENIED_WATCH = {
    "referrals:child_detail": (Obj.CHILD, "pk"),
    "referrals:child_edit": (Obj.CHILD, "pk"),
    "referrals:guardian_new": (Obj.CHILD, "pk"),
    "referrals:guardian_edit": (Obj.GUARDIAN, "pk"),
    "referrals:referral_new": (Obj.CHILD, "pk"),
    "referrals:referral_edit": (Obj.REFERRAL, "pk"),
    "referrals:consent_new": (Obj.REFERRAL, "pk"),
    "referrals:consent_withdraw": (Obj.REFERRAL, "pk"),
    "referrals:case_detail": (Obj.REFERRAL, "pk"),
    "referrals:case_transition": (Obj.REFERRAL, "pk"),
    "referrals:assessment_edit": (Obj.REFERRAL, "pk"),
    "referrals:attachment_upload": (Obj.REFERRAL, "pk"),
    "referrals:attachment_download": (Obj.ATTACHMENT, "attachment_pk"),
    "decisions:case_clock": (Obj.REFERRAL, "pk"),
    "referrals:case_history": (Obj.REFERRAL, "pk"),
    "decisions:provisional_reply_new": (Obj.REFERRAL, "pk"),
    "decisions:decision_new": (Obj.REFERRAL, "pk"),
    "decisions:help_start": (Obj.REFERRAL, "pk"),
    "decisions:appeal_new": (Obj.REFERRAL, "pk"),
    "decisions:appeal_update": (Obj.APPEAL, "pk"),
    # named consultations (referrals/consultations_views.py)
    "referrals:consultation_new": (Obj.CHILD, "pk"),
    "referrals:consultation_consent_new": (Obj.CHILD, "pk"),
    "referrals:consultation_detail": (Obj.CONSULTATION, "pk"),
    "referrals:consultation_referral": (Obj.CONSULTATION, "pk"),
}


def _child_of(object_type: str, object_id: int | None) -> int | None:
    """The child a refused attempt aimed at, so it shows on that child's log (one unscoped
    query: the log is read by the municipality's admin only)."""
    from referrals.models import (  # models.py imports this module
        Attachment,
        Guardian,
        NamedConsultation,
        Referral,
    )

    if object_id is None:
        return None
    if object_type == Obj.CHILD:
        return object_id
    lookups = {
        Obj.REFERRAL: (Referral, "child_id"),
        Obj.GUARDIAN: (Guardian, "child_id"),
        Obj.ATTACHMENT: (Attachment, "referral__child_id"),
        Obj.CONSULTATION: (NamedConsultation, "child_id"),
    }
    if object_type not in lookups:
        return None  # an appeal lives in decisions/, which referrals does not import
    model, field = lookups[object_type]
    return model.objects.filter(pk=object_id).values_list(field, flat=True).first()


class AccessLogDeniedMiddleware:
    """Logs each 403/404 on a child or case URL once, as action "denied", whatever view or
    decorator refused it. Goes after AuthenticationMiddleware (it needs request.user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            match = getattr(request, "resolver_match", None)
            watched = DENIED_WATCH.get(match.view_name) if match else None
            if watched:
                object_type, kwarg = watched
                object_id = _bigint_or_none(match.kwargs.get(kwarg))
                access_log_record(
                    request,
                    action=AccessLogEntry.Action.DENIED,
                    object_type=object_type,
                    object_id=object_id,
                    child_id=_child_of(object_type, object_id),
                    status=response.status_code,
                )
        return response


# --- guard ---------------------------------------------------------------------------------------


@checks.register()
def check_requests_not_atomic(app_configs, **kwargs):
    """With ATOMIC_REQUESTS on, a view that fails would roll its access-log row back too."""
    return [
        checks.Error(
            "ATOMIC_REQUESTS must be off: the access log is written in the request's "
            "connection and would be rolled back with a failing view.",
            id="referrals.E001",
        )
        for alias, db in settings.DATABASES.items()
        if db.get("ATOMIC_REQUESTS")
    ]
