"""schemathesis against the app's own OpenAPI schema, in-process, with Rasa on a closed port.

A 503 (Rasa unavailable) is a documented answer of the chat routes; any other 5xx fails.
"""

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.hostile.conftest import AUTH


@schemathesis.check
def no_undocumented_server_error(
    ctx: object, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A 5xx is a failure unless the operation documents exactly that status."""
    status = response.status_code
    if status < 500:
        return None
    documented = case.operation.definition.raw.get("responses", {})
    if str(status) in documented:
        return True
    raise AssertionError(f"undocumented server error {status}: {response.text[:300]}")


def test_every_operation_answers_as_documented_and_never_fails(app: FastAPI) -> None:
    """Each operation, its valid and invalid inputs as schemathesis generates them."""
    # schemathesis' own pytest plugin does not load under pytest 9; drive its strategies directly.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    failures: dict[str, str] = {}
    for operation in operations:
        # Derandomized: CI sees the same cases on every run (it must not land or fail by
        # chance). To explore new cases locally, set derandomize=False and run it a few times.
        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=AUTH)
            case.validate_response(
                response,
                excluded_checks=[not_a_server_error],
                additional_checks=[no_undocumented_server_error],
            )

        try:
            check()
        except Exception as exc:
            failures[operation.label] = str(exc)[:1500]
    assert failures == {}
