"""Issue 16's stored-script attack, replayed in Chromium: a styrer names a ressursteam member
``<b hx-post="/saker/N/handling/withdraw/" hx-trigger="load" …>``; the same markup sits in a
child's name, a meeting's minutes and a flag's comment. A PP-rådgiver (who may withdraw case N)
and the office open the pages that show them: no request to the withdraw URL, no POST at all,
the case still open, and the markup shown as text.

And a miss in escaping must not act as the viewer either: markup put straight into the page's
DOM (what an unescaped value would be) is refused by static/js/rimelig.js, while htmx still
works for the elements Rimelig's own templates wrote (filters, pages, search, out-of-band
count), including those swapped in from an htmx response."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import flagging
from decisions.models import DeadlineFlag
from referrals.models import Referral
from teams.ressursteam_models import Meeting, TeamMember
from tests.decisions.conftest import received_case
from tests.factories import ReferralFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def payload(url: str) -> str:
    return (
        f'<b hx-post="{url}" hx-trigger="load" hx-include="[name=csrfmiddlewaretoken]"'
        f' hx-vals=\'{{"reason":"x"}}\'>x</b>'
    )


class Requests:
    """Every request the page sends, from the moment it is attached."""

    def __init__(self, page):
        self.seen = []
        page.on("request", lambda r: self.seen.append((r.method, r.url, r.headers)))

    def posts(self):
        return [(m, u) for m, u, _h in self.seen if m != "GET"]

    def to(self, fragment: str):
        return [(m, u) for m, u, _h in self.seen if fragment in u]

    def htmx(self):
        return [(m, u) for m, u, h in self.seen if h.get("hx-request") == "true"]


@pytest.fixture
def attack(world):
    """Case N (the advisor's, received four weeks ago, so flagged) and the payload against it
    in a member's name, the child's name, a meeting's minutes and the flag's comment."""
    today = timezone.localdate()
    case = received_case(world, received_on=today - timedelta(days=28))
    withdraw = reverse("referrals:case_transition", args=[case.pk, "withdraw"])
    text = payload(withdraw)
    TeamMember.objects.create(unit=world.unit_a, name=text, service=TeamMember.Service.OTHER)
    meeting = Meeting.objects.create(
        unit=world.unit_a,
        held_on=date(2026, 11, 10),
        agenda="1.",
        minutes=text,
        created_by=world.advisor,
    )
    first, last = text.split(" hx-include=")
    case.child.first_name, case.child.last_name = first, "hx-include=" + last
    case.child.save(update_fields=["first_name", "last_name"])
    flagging.detect(today)
    flag = DeadlineFlag.objects.filter(deadline__referral=case).first()
    flag.comment, flag.acknowledged_by, flag.acknowledged_at = text, world.office, timezone.now()
    flag.save(update_fields=["comment", "acknowledged_by", "acknowledged_at"])
    return case, meeting, withdraw, text


def assert_shown_as_text(page, text: str) -> None:
    page.wait_for_timeout(500)  # a load trigger would have fired by now
    assert page.locator("main b[hx-post]").count() == 0, "the payload became an element"
    assert text in page.inner_text("main"), "the payload is not shown as text"


def test_a_hostile_member_name_child_minutes_and_comment_make_no_request(
    world, new_journey, attack
):
    case, meeting, withdraw, text = attack
    j = new_journey("advisor")
    j.login(world.advisor.email)
    requests = Requests(j.page)

    j.expected_statuses.add(405)  # the old code's hx-post reached the view but had to fail
    j.goto(reverse("teams:follow_up_new", args=[meeting.pk]), "follow-up form")
    j.page.wait_for_timeout(500)  # a load trigger would have fired by now
    case.refresh_from_db()
    assert case.status == Referral.Status.RECEIVED, "the case was withdrawn as the advisor"
    assert requests.to(withdraw) == [], "opening the follow-up form sent the withdraw request"
    assert_shown_as_text(j.page, f"Teamet: {text}")
    for path, name in (
        (reverse("teams:meeting_detail", args=[meeting.pk]), "meeting with minutes"),
        (reverse("referrals:caseload"), "caseload"),
        (reverse("referrals:case_detail", args=[case.pk]), "case page"),
    ):
        j.goto(path, name)
        assert_shown_as_text(j.page, text)

    office = new_journey("office")
    office.login(world.office.email)
    office_requests = Requests(office.page)
    office.goto(reverse("decisions:worklist"), "worklist with the comment")
    assert_shown_as_text(office.page, text)

    for seen in (requests, office_requests):
        assert seen.to(withdraw) == [] and seen.posts() == [] and seen.htmx() == []
    assert Referral.objects.get(pk=case.pk).status == Referral.Status.RECEIVED

    # The worklist's own filter still works through htmx, and its rows still show text.
    with office.page.expect_response(by_htmx):
        office.page.get_by_label("Frist", exact=True).select_option(value="provisional_reply")
    office.page.wait_for_url(lambda url: "frist=provisional_reply" in url)
    assert_shown_as_text(office.page, text)
    office.step("worklist filtered by htmx")


def by_htmx(response) -> bool:
    return response.request.headers.get("hx-request") == "true"


INJECT = """([html, target]) => {
    const box = document.createElement('div');
    box.innerHTML = html;
    document.querySelector(target).appendChild(box);
    htmx.process(box);
}"""


def test_markup_that_escaped_escaping_cannot_act_but_our_htmx_still_works(
    world, new_journey, attack
):
    case, _meeting, withdraw, text = attack
    for _ in range(26):  # a second page of cases
        ReferralFactory(child__unit=world.unit_a, advisor=world.advisor)
    j = new_journey("advisor")
    page = j.page
    j.login(world.advisor.email)
    requests = Requests(page)
    j.goto(reverse("referrals:caseload"), "caseload")

    # A miss: the payload as HTML in the page, with no nonce, a guessed one, or on a link.
    nonce = page.evaluate("() => document.querySelector('script[src*=rimelig]').nonce")
    assert nonce
    for html in (
        text,
        text.replace("<b ", '<b nonce="guess" '),
        f'<a hx-get="{withdraw}" hx-trigger="load">x</a>',
        '<p id="caseload-count" hx-swap-oob="true">taken over</p>',
    ):
        page.evaluate(INJECT, [html, "#caseload-results"])
    page.wait_for_timeout(700)
    assert requests.htmx() == [] and requests.posts() == []

    # Ours work: a filter (GET), a page link from the swapped-in rows, and the search (POST).
    with page.expect_response(by_htmx):
        page.get_by_role("radiogroup", name="Åpne eller avsluttede").get_by_text("Alle").click()
    page.get_by_role("link", name="Side 2").wait_for()
    j.step("all cases, by htmx")
    with page.expect_response(lambda r: "side=2" in r.url and by_htmx(r)):
        page.get_by_role("link", name="Side 2").click()
    page.locator("#caseload-count").filter(has_text="side 2 av 2").wait_for()
    j.step("page 2, from a link swapped in")
    page.get_by_label("Søk etter barn").fill("hx-include")
    with page.expect_response(lambda r: r.request.method == "POST" and by_htmx(r)):
        page.get_by_role("button", name="Søk", exact=True).click()
    page.locator("#caseload-count").filter(has_text="Ett treff").wait_for()
    assert_shown_as_text(page, text)
    j.step("search by htmx")

    assert requests.to(withdraw) == []
    assert Referral.objects.get(pk=case.pk).status == Referral.Status.RECEIVED


def test_without_the_guard_script_htmx_stays_off(world, new_journey, attack):
    case, _meeting, withdraw, text = attack
    j = new_journey("advisor")
    page = j.page
    page.route(  # rimelig.js failed to load: an empty file in its place
        "**/js/rimelig*.js",
        lambda route: route.fulfill(body="", content_type="text/javascript"),
    )
    j.login(world.advisor.email)
    requests = Requests(page)
    j.goto(reverse("referrals:caseload"), "caseload without rimelig.js")
    assert page.evaluate("() => document.body.hasAttribute('hx-disable')")
    page.evaluate(INJECT, [text, "#caseload-results"])
    page.wait_for_timeout(700)
    assert requests.htmx() == [] and requests.posts() == [] and requests.to(withdraw) == []
    assert Referral.objects.get(pk=case.pk).status == Referral.Status.RECEIVED
