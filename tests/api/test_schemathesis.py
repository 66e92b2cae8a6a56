"""The whole API against its own OpenAPI document, with schemathesis: its engine sends every operation the
document's examples, the boundaries of every parameter and body (valid and not), and fuzzed values, in-process
to the app ``build_app`` makes over a small newsroom, with a signed-in reader's token.

No answer may be a server error, and every answer must have a status code, headers and a content type the
document lists for its operation, and a body its schema accepts. The one server error allowed is the 503 the
language model's tools document for a site without a model.

Deterministic (a fixed seed, derandomized) and small: a run takes well under a minute. (schemathesis's own
pytest plugin does not run under this pytest, so the test drives the engine and reports what it found.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.engine import Status, events

from herald.app import build_app
from herald.config import Settings
from herald.pipeline import ArticleTools
from herald.pipeline.accounts import Accounts
from herald.store import Store
from tests.web.conftest import Stories, add_stories, build_newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
SIGN_OUTS = ("deleteCurrentToken", "deleteApp")
MODEL_TOOLS = ("/api/v1/articles/{article_id}/simple", "/api/v1/articles/{article_id}/translate")


def _config(token: str, stories: Stories) -> dict[str, Any]:
    # Half the ids sent are of things that exist, so answers with bodies are checked as well as refusals.
    known = {
        "article_id": [stories.wire, stories.wire_ledger, stories.local, stories.unrelated],
        "story_id": [stories.ferry, stories.eclipse, stories.merged_away],
        "slug": ["valley-ledger", "the-harbour-courier"],
        "key": ["port-alder", "ferry-workers-union"],
    }
    return {
        "seed": 20261205,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": 10, "deterministic": True},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "dictionaries": {name: {"values": values} for name, values in known.items()},
        "parameters": {f"path.{name}": {"dictionary": name, "probability": 0.5} for name in known},
        "operations": [
            # Signing the run's own app out would leave the rest of it signed out (test_tokens.py has them).
            *({"include-operation-id": name, "enabled": False} for name in SIGN_OUTS),
            *(
                {
                    "include-path": path,
                    "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "503"]}},
                }
                for path in MODEL_TOOLS
            ),
        ],
    }


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[Any, str, Stories]]:
    """The app, a token of Ada's, who has an account on it, and its stories."""
    store = Store(f"sqlite:///{tmp_path}/t.db")
    stories = add_stories(build_newsroom(store))
    settings = Settings(data_dir=tmp_path, secret_key=KEY)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    app = build_app(settings, store, ArticleTools(settings, store), accounts)
    try:
        with TestClient(app) as client:
            signed = client.post(
                "/api/v1/tokens", json={"email": ADA, "password": PASSWORD, "name": "Fuzzer"}
            )
            assert signed.status_code == 201, signed.text
            yield app, signed.json()["token"], stories
    finally:
        store.close()


def _failures(event: events.ScenarioFinished) -> list[str]:
    found = []
    for checks in event.recorder.checks.values():
        for check in checks:
            if check.status != Status.SUCCESS and check.failure_info is not None:
                failure = check.failure_info.failure
                found.append(
                    f"{event.label} [{event.phase.name}]: {check.name}: {failure.title}\n{failure.message}\n"
                    f"{check.failure_info.code_sample}"
                )
    return found


def test_every_operation_keeps_to_the_document(api: tuple[Any, str, Stories]) -> None:
    app, token, stories = api
    config = schemathesis.Config.from_dict(_config(token, stories))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config)
    tested: set[str] = set()
    failures: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.status != Status.SKIP:
                tested.add(event.label)
            failures += _failures(event)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"schemathesis could not test: {event}")
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    # every operation took part: the content, the AI tools and the reader's endpoints
    document = {op.ok().label for op in schema.get_all_operations()}
    signing_out = {"DELETE /api/v1/tokens/current", "DELETE /api/v1/me/apps/{handle}"}
    assert tested == document - signing_out and len(tested) > 35
