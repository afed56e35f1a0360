"""Change history of the records that describe a child and a case, kept by PostgreSQL triggers.

We use django-pghistory rather than django-simple-history: simple-history records changes in
Django's post_save/post_delete signals, so ``queryset.update()``, ``bulk_create``/
``bulk_update`` and any SQL outside the ORM leave no trace (a known gap of it). pghistory's
triggers run inside the database for every INSERT, UPDATE and DELETE, whatever issued it; the
acting user and URL come from ``pghistory.context``, which HistoryMiddleware opens for every
request (settings.MIDDLEWARE).

This module is in ``teams`` only because every app may import from it (nothing imports
upward); it names no model.
"""

import pghistory


def tracked(*, exclude: tuple[str, ...] = ()):
    """Class decorator: keep every insert, update and delete of the model in ``<Model>History``.

    The history tables are append-only (a trigger refuses UPDATE and DELETE on them).
    ``exclude`` leaves derived fields out of the snapshot, so recomputing them writes no event.
    """

    def decorate(model):
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=list(exclude),
            # "history", not pghistory's default "events": Referral.events is the journal.
            obj_field=pghistory.ObjForeignKey(related_name="history"),
            append_only=True,
            model_name=f"{model.__name__}History",
        )(model)

    return decorate
