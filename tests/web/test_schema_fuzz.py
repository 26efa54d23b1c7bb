"""Schemathesis against `/api/v1/openapi.json`: requests generated from the published
schema for every operation, valid ones and invalid ones, signed in as an administrator of
Sheriff, never get a server error (5xx). All run on one copy of the store, so later
operations meet what earlier ones created.

(Schemathesis's own pytest integration, `from_fixture`, does not run under pytest 9, so
the operations are walked here, one Hypothesis run per operation and generation mode.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from dronevet import accounts
from web.conftest import Api

EXAMPLES = 12
"""Generated requests per operation and mode: about 30 s in all on this machine."""


def _server_errors(api: Api, operation: Any, mode: GenerationMode) -> str | None:
    # a token of its own for each run: one that fuzzes /auth/logout ends its token
    admin = next(u for u in accounts.users(api.register) if u.name == "sheriff-admin")
    token = accounts.sign_in(api.register, admin, kind=accounts.BEARER).token
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        answer = case.call(headers=headers)
        assert answer.status_code < 500, (
            f"{case.method} {case.formatted_path} ({mode.value}) -> {answer.status_code}: "
            f"{answer.text[:300]}\n{case.as_curl_command()}"
        )

    try:
        run()
    except AssertionError as error:
        return str(error)
    except Unsatisfiable:  # an operation with no input has no invalid requests
        assert mode is GenerationMode.NEGATIVE
    return None


def test_no_generated_request_gets_a_server_error(sqlite_api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", sqlite_api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    failures = [found for operation in operations
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if (found := _server_errors(sqlite_api, operation, mode)) is not None]
    assert not failures, "\n\n".join(failures)
