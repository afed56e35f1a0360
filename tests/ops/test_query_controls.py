"""An admin query string with NUL or another control character is a 400 with Rimelig's page
before the admin sees it (issue 16, deliverable 5; core.middleware.
ControlCharactersInQueryMiddleware): the hostile-data crawl found the admin's list filters
sending such a value to PostgreSQL. Rimelig's own pages answer with a message at the field."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


@pytest.mark.parametrize("query", ["kind__exact=a%00b", "a%00=1", "kind__exact=%1b", "q=%7f"])
def test_a_control_character_in_an_admin_filter_is_a_400_not_a_500(client, operator, query):
    client.force_login(operator)
    response = client.get(f"{reverse('admin:teams_role_changelist')}?{query}")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response.headers


def test_rimeligs_own_pages_are_not_cut_off_by_it(client, world):
    client.force_login(world.styrer_a)
    response = client.get(reverse("teams:service_list"), {"q": "logoped\x00"})
    assert response.status_code == 200  # the search says what is wrong, at the field
    assert "kontrolltegn" in response.context["form"].errors["q"][0]
