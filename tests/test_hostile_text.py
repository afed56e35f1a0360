"""Text from the database reaches every page escaped (issue 16): help texts, labels, choice
labels, messages, the rows written in Python and the e-mails. One stored ``<b hx-post=…>``
that arrives as HTML acts as whoever opens the page (the CSP stops <script>, not htmx)."""

from datetime import date

import pytest
from django import forms
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import format_html

from core.forms import FastSelect, form_helper
from teams.ressursteam_models import Meeting, TeamMember

HOSTILE = '<b hx-post="/saker/1/handling/withdraw/" hx-trigger="load" onclick="x()">x</b>'
ESCAPED = "&lt;b hx-post="


def assert_escaped(html: str) -> None:
    assert "<b hx-post" not in html, "hostile text arrived as HTML"
    assert ESCAPED in html, "hostile text not shown at all"


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), agenda="1.", created_by=world.advisor
    )


def test_a_team_members_name_in_the_follow_up_help_text_arrives_escaped(client, world, meeting):
    TeamMember.objects.create(unit=world.unit_a, name=HOSTILE, service=TeamMember.Service.OTHER)
    TeamMember.objects.create(unit=world.unit_a, name="Kari & Ola", service="ppt")
    client.force_login(world.advisor)
    response = client.get(reverse("teams:follow_up_new", args=[meeting.pk]))
    html = response.content.decode()
    assert_escaped(html)
    assert "Kari &amp; Ola" in html  # escaped once, not twice


class _Form(forms.Form):
    name = forms.CharField(label=HOSTILE, help_text=HOSTILE)
    kind = forms.ChoiceField(choices=[("a", HOSTILE)], widget=FastSelect)
    mark = forms.ChoiceField(choices=[("a", HOSTILE)], widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


def _crispy(form) -> str:
    from django.template import Context, Template

    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def test_crispy_escapes_plain_help_texts_labels_choices_and_errors():
    form = _Form(data={"name": "", "kind": HOSTILE, "mark": HOSTILE})
    form.is_valid()
    form.add_error(None, HOSTILE)
    html = _crispy(form)
    assert "<b hx-post" not in html
    assert html.count(ESCAPED) >= 5  # label, help text, two choice labels, the error


def test_a_help_text_already_escaped_is_not_escaped_twice():
    form = _Form()
    form.fields["name"].help_text = format_html("Teamet: {}", "Kari & Ola")
    html = _crispy(form)
    assert "Teamet: Kari &amp; Ola" in html


def test_messages_arrive_escaped(rf: RequestFactory, world):
    request = rf.get("/")
    request.user = world.advisor
    html = render_to_string(
        "base.html", {"messages": [Message(25, f"Vedlegget «{HOSTILE}» er lagt til.")]}, request
    )
    assert_escaped(html)


def _hostile_case(world):
    """A flagged case whose unit, child, advisor and flag comment all carry markup."""
    from decisions import flagging
    from decisions.models import DeadlineFlag
    from tests.decisions.conftest import received_case

    world.unit_a.name = "Enhet " + HOSTILE
    world.unit_a.save(update_fields=["name"])
    world.advisor.full_name = "Alice " + HOSTILE
    world.advisor.save(update_fields=["full_name"])
    world.north.name = "Område " + HOSTILE
    world.north.save(update_fields=["name"])
    case = received_case(world, received_on=date(2026, 9, 1))
    case.child.first_name = HOSTILE
    case.child.save(update_fields=["first_name"])
    case.child.guardians.update(name=HOSTILE)
    meeting = Meeting.objects.create(
        unit=world.unit_a,
        held_on=date(2026, 11, 10),
        agenda=HOSTILE,
        minutes=HOSTILE,
        created_by=world.advisor,
    )
    meeting.follow_ups.create(description=HOSTILE, responsible=HOSTILE, due_on=date(2026, 12, 1))
    TeamMember.objects.create(
        unit=world.unit_a, name=HOSTILE, service="other", service_other=HOSTILE
    )
    result = flagging.detect(date(2026, 11, 25))
    flag = DeadlineFlag.objects.first()
    flag.comment = HOSTILE
    flag.acknowledged_by, flag.acknowledged_at = world.office, case.created_at
    flag.save()
    return case, result


@pytest.mark.parametrize(
    "persona, url",
    [
        ("advisor", "referrals:caseload"),
        ("office", "decisions:worklist"),
        ("director", "decisions:dashboard"),
        ("advisor", "referrals:case_detail"),
        ("advisor", "referrals:child_detail"),
        ("advisor", "referrals:case_history"),
        ("styrer_a", "referrals:unit_caseload"),
        ("advisor", "teams:unit_team"),
        ("advisor", "teams:meeting_detail"),
        ("advisor", "teams:follow_up_new"),
        ("styrer_a", "teams:team_list"),
        ("admin", "referrals:access_log_child"),
    ],
)
def test_names_units_guardians_minutes_and_comments_arrive_escaped(client, world, persona, url):
    """The rows written in Python (caseload, worklist, dashboard) and the templates."""
    from tests.conftest import frozen_today

    with frozen_today(date(2026, 11, 25)):
        case, _result = _hostile_case(world)
        client.force_login(getattr(world, persona))
        args = {
            "referrals:case_detail": [case.pk],
            "referrals:case_history": [case.pk],
            "referrals:child_detail": [case.child_id],
            "referrals:access_log_child": [case.child_id],
            "referrals:unit_caseload": [],
            "teams:unit_team": [world.unit_a.pk],
            "teams:meeting_detail": [Meeting.objects.get().pk],
            "teams:follow_up_new": [Meeting.objects.get().pk],
        }.get(url, [])
        response = client.get(reverse(url, args=args))
        assert response.status_code == 200
        html = response.content.decode()
    assert "<b hx-post" not in html
    assert ESCAPED in html


def test_the_digest_email_escapes_unit_names(world, mailoutbox):
    from decisions import flagging

    _case, result = _hostile_case(world)
    assert flagging.deliver(result.notification_ids[0])
    html = mailoutbox[0].alternatives[0].content
    assert_escaped(html)
