"""Schemathesis (v4) runs every operation of the generated OpenAPI schema against a live server
(pytest-django's live_server, the real PostgreSQL and Redis) with a seeded database and a key of
each scope, in positive and negative (bad input) data: no 500, every response as the schema
says, and no response naming a case or child of another municipality.

Bounded to about two minutes: MAX_EXAMPLES cases per operation, key and generation mode. The
figures (operations, cases generated, failures) are printed."""

from datetime import date

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.models import Scope
from api.services import api_client_create
from decisions.models import Decision
from referrals.models import Referral
from tests.builders import case_at
from tests.conftest import frozen_today

MAX_EXAMPLES = 6


def _seed(world):
    with frozen_today(date(2027, 1, 20)):
        for stage in ("received", "assessed", "help_started"):
            case_at(stage, world=world)
        case_at("help_started", world=world, unit=world.other_unit)  # Bergtun's


def _walk(value, found):
    if isinstance(value, dict):
        if "reference" in value and "id" in value:
            found["case"].add(value["id"])
        for key in ("case_id",):
            if isinstance(value.get(key), int):
                found["case"].add(value[key])
        if isinstance(value.get("child_id"), int):
            found["child"].add(value["child_id"])
        for v in value.values():
            _walk(v, found)
    elif isinstance(value, list):
        for v in value:
            _walk(v, found)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_operation_of_the_schema_survives_schemathesis(live_server, world, settings):
    settings.API_RATE_PER_MINUTE = 1_000_000  # the rate limit has its own test
    _seed(world)
    solvik_cases = set(
        Referral.objects.filter(municipality=world.municipality).values_list("pk", flat=True)
    )
    solvik_children = set(
        Referral.objects.filter(municipality=world.municipality).values_list("child_id", flat=True)
    )
    assert Decision.objects.exclude(municipality=world.municipality).exists()
    keys = {
        scope: api_client_create(
            municipality=world.municipality, name=scope, scopes=[scope], actor=world.admin
        )[1]
        for scope in Scope.values
    }

    def only_our_municipality(ctx, response, case):
        if "json" not in response.headers.get("Content-Type", [""])[0] or not response.content:
            return None
        found = {"case": set(), "child": set()}
        _walk(response.json(), found)
        assert found["case"] <= solvik_cases, f"another municipality's case: {found['case']}"
        assert found["child"] <= solvik_children, f"another municipality's child: {found['child']}"
        return None

    raw = requests.get(
        f"{live_server.url}/api/v1/schema/",
        headers={"Accept": "application/vnd.oai.openapi+json"},
        timeout=30,
    ).json()
    schema = schemathesis.openapi.from_dict(raw)
    checks = [not_a_server_error, response_schema_conformance, only_our_municipality]
    operations = [result.ok() for result in schema.get_all_operations()]
    session = requests.Session()
    counted = {"cases": 0, "failures": []}

    def runner(operation, key, mode):
        headers = {"Authorization": f"Bearer {key}"}

        @hypothesis.given(operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def run(case):
            counted["cases"] += 1
            response = case.call(base_url=live_server.url, session=session, headers=headers)
            case.validate_response(response, checks=checks)

        return run

    for operation in operations:
        for scope, key in keys.items():
            for mode in GenerationMode:
                try:
                    runner(operation, key, mode)()
                except Exception as exc:  # noqa: BLE001 (collected and reported below)
                    counted["failures"].append(f"{operation.label} [{scope}, {mode.value}]: {exc}")

    print(
        f"\nschemathesis: {len(operations)} operations, {len(keys)} keys, "
        f"{counted['cases']} cases generated, {len(counted['failures'])} failures"
    )
    assert counted["failures"] == [], "\n\n".join(counted["failures"])
