"""Every URL × the school personas of issue 19 (rektor of school S, rektor of school T, a
kontaktlærer of class 5A at S, the municipality's school office): 404 for what is not theirs,
403 for what they may see but not do. The entries live per part in tests/school_matrix/; a
URL without an entry fails the suite."""

import pytest
from django.urls import reverse

from tests import school_matrix
from tests.test_access_matrix import LOGIN, _names, objects  # noqa: F401, F811 (fixture)

SCHOOL_PERSONAS = ["rektor_a", "rektor_b", "teacher", "school_office"]
SCHOOL_MATRIX = school_matrix.school_entries()


def test_every_url_has_an_entry_in_the_school_matrix():
    missing = sorted(set(_names()) - set(SCHOOL_MATRIX))
    assert missing == [], f"add these URLs to tests/school_matrix/: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCHOOL_MATRIX))
def test_each_school_persona_gets_what_the_matrix_says(client, world, objects, name):  # noqa: F811
    method, kwargs, expected = SCHOOL_MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    failures = []
    for persona in SCHOOL_PERSONAS:
        client.logout()
        client.force_login(getattr(world, persona))
        response = getattr(client, method)(url)
        wanted = expected.get(persona, LOGIN)
        if wanted == LOGIN:
            ok = response.status_code == 302 and reverse("login") in response["Location"]
        else:
            ok = response.status_code in (wanted if isinstance(wanted, set) else {wanted})
        if not ok:
            failures.append(f"{persona}: got {response.status_code}, wanted {wanted}")
    assert failures == [], f"{name} {url}: " + "; ".join(failures)
