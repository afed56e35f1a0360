"""The caseload tables' columns, each defined once: its key, its header and its cell.

/saker/ (CASELOAD) and /min-enhet/ (UNIT_CASELOAD) read their header from here and render
each cell with the macro of the same key in templates/jinja2/referrals/caseload_cells.html.
A new column is one Column here, its key in the lists that show it, and its macro; what the
row carries comes from referrals.selectors.referral_caseload_rows (the advisor's list) or
the Referral with its child, unit and advisor joined (the unit head's).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from referrals import case_kinds


@dataclass(frozen=True)
class Column:
    key: str  # the cell macro's name in caseload_cells.html
    label: str | Promise  # the header, translated when shown
    header_class: str = ""  # the <th>'s classes


COLUMNS = {
    c.key: c
    for c in (
        Column("reference", _("Sak")),
        Column("child", _("Barn")),
        Column("born", _("Født")),
        Column("unit", _("Enhet")),
        Column("kind", _("Type")),
        Column("status", _("Status")),
        Column("priority", _("Prioritet")),
        Column("advisor", _("Rådgiver")),
        Column("received", _("Mottatt")),
        Column("days", _("Dager"), "text-end"),
        Column("deadline", _("Neste frist"), "ps-3"),
    )
}

# The advisor's and the office's caseload (/saker/).
CASELOAD = tuple(
    COLUMNS[k]
    for k in (
        "reference", "child", "born", "unit", "kind", "status",
        "priority", "advisor", "received", "days", "deadline",
    )
)  # fmt: skip
# The unit head's children (/min-enhet/): the child first, no unit (rows are grouped by it).
UNIT_CASELOAD = tuple(
    COLUMNS[k]
    for k in ("child", "born", "reference", "kind", "status", "advisor", "received", "deadline")
)

# The "Type" column's short label of a case kind: its legal basis with the law abbreviated
# ("bhl. § 31", "oppl. § 11-6"), the full label as its title. From case_kinds.RULES.
_LAW_ABBREVIATIONS = {"barnehageloven": "bhl.", "opplæringslova": "oppl."}


def kind_short_label(kind: str) -> str:
    rule = case_kinds.RULES.get(kind)
    if rule is None:
        return kind
    law, _sep, paragraph = rule.legal_basis.partition(" ")
    return f"{_LAW_ABBREVIATIONS.get(law, law)} {paragraph}"


KIND_SHORT_LABELS = {k: kind_short_label(k) for k in case_kinds.RULES}
