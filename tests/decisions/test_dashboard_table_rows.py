"""The dashboard tables' rows are written in Python (decisions/templatetags/dashboard_tables.py):
the same text as the cells' own, in both languages, and escaped."""

import pytest
from django.utils import translation

from decisions.dashboard import Cell, Row, Table
from decisions.templatetags.dashboard_tables import dash_table_rows

VALUES = [0, 4, 5, 999, 1000, 12345, 1234567]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_counts_read_as_the_cells_say_them(language):
    table = Table("t", "T", ["Enhet", "Antall"], [Row(str(v), [Cell(v)]) for v in VALUES])
    with translation.override(language):
        html = dash_table_rows(table)
        for value in VALUES:
            assert f'<td class="text-end text-nowrap">{Cell(value).text}</td>' in html


def test_hidden_shares_days_text_and_labels():
    table = Table(
        "t",
        "T",
        ["Enhet", "Område", "Antall", "Andel", "Dager"],
        [
            Row(
                "Barnehage <b>",
                [
                    Cell("Nord & Sør", kind="text"),
                    Cell(3, hidden=True),
                    Cell(12.5, kind="share"),
                    Cell(98.5, kind="days"),
                ],
            ),
            Row(
                "Alle",
                [
                    Cell("", kind="text"),
                    Cell(None),
                    Cell(None, kind="share"),
                    Cell(7.0, kind="days"),
                ],
                total=True,
            ),
        ],
    )
    with translation.override("nb"):
        html = dash_table_rows(table)
    assert "Barnehage &lt;b&gt;" in html and "Nord &amp; Sør" in html
    assert '<span title="Mellom 1 og 4' in html and ">&lt;5</span>" in html
    assert ">12,5 %</td>" in html and ">98,5</td>" in html and ">7</td>" in html
    assert '<tr class="table-light fw-semibold">' in html and ">–</td>" in html


def test_an_empty_table_says_so():
    with translation.override("nb"):
        html = dash_table_rows(Table("t", "T", ["Enhet", "Antall", "Andel"], []))
    assert html == '<tr><td colspan="3" class="text-body-secondary">Ingen saker.</td></tr>'


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_count_reads_as_number_format_writes_it(language):
    """Cell.text groups a whole count itself (decisions.dashboard): as Django would."""
    from django.utils import formats

    with translation.override(language):
        for value in VALUES:
            expected = formats.number_format(value, 0, use_l10n=True, force_grouping=True)
            assert Cell(value).text == expected
