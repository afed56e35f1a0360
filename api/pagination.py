"""Keyset pagination on (updated_at, id): a page is ``WHERE (updated_at, id) > (cursor) ORDER BY
updated_at, id LIMIT n + 1``, read in the order of the index referral_api_changed, so every page
costs the same however deep, and a case inserted or changed while a system pages through moves
to the end (a later page) instead of shifting what it has not read yet. A system that stores
the last page's ``next`` cursor fetches only what changed since.

The cursor is opaque (base64 of the last row's time and id); a malformed one is a 400."""

import base64
import binascii
from datetime import datetime

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
BIGINT_MAX = 2**63 - 1


def encode_cursor(updated_at: datetime, pk: int) -> str:
    raw = f"{updated_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, int]:
    try:
        if len(value) > 200:
            raise ValueError
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
        when, pk = raw.split("|")
        at, pk = datetime.fromisoformat(when), int(pk)
        if at.tzinfo is None or not 0 < pk <= BIGINT_MAX:
            raise ValueError
        return at, pk
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(
            {"cursor": [_("Ugyldig markør. Bruk «next» fra forrige side.")]}
        ) from None


class PageParams(serializers.Serializer):
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


def paginate(request, queryset, params: dict):
    """(rows of one page, the next page's URL or None). ``queryset`` is ordered here."""
    size = params.get("page_size") or DEFAULT_PAGE_SIZE
    if cursor := params.get("cursor"):
        at, pk = decode_cursor(cursor)
        # A row comparison, not (a > x OR a = x AND id > y): PostgreSQL takes it as the start
        # of the index range (bench/api.py), where the OR filtered every earlier row.
        table = queryset.model._meta.db_table
        queryset = queryset.extra(  # noqa: S610 (the table name is the model's; values are params)
            where=[f'("{table}"."updated_at", "{table}"."id") > (%s, %s)'], params=[at, pk]
        )
    rows = list(queryset.order_by("updated_at", "pk")[: size + 1])
    next_url = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_url = replace_query_param(
            request.build_absolute_uri(), "cursor", encode_cursor(last.updated_at, last.pk)
        )
    return rows, next_url
