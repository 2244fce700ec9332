"""The documentation's examples run against a sandbox bound through the environment, as a user's
code would run against the real services: ``RealtimeKit()`` reads ``CLOUDFLARE_API_TOKEN``,
``CLOUDFLARE_ACCOUNT_ID``, ``REALTIMEKIT_APP_ID`` and ``REALTIMEKIT_BASE_URL``, and so on (the names
come from ``onstage._apis``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onstage._apis import APIS
from onstage.testing import Sandbox, ThreadedSandbox

from .blocks import EXAMPLES, ROOT, Example

#: The ids each client binds, as ``Sandbox.realtimekit()``/``tpstreams()`` bind them.
BOUND = {"account_id": "acc-1", "app_id": "app-1", "organization_id": "org1"}
#: What the Webinar examples read for the preset of a new session (an app setting, not onstage's).
WEBINAR_PRESET_ENV = "WEBINAR_PRESET_ID"
#: The secret the TP Streams webhook examples registered (an app setting too).
TPSTREAMS_WEBHOOK_SECRET_ENV = "TPSTREAMS_WEBHOOK_SECRET"

#: Outcome of each example run in this session: id -> "passed" / "failed".
OUTCOMES: dict[str, str] = {}
#: Outcome of the one mypy run over every example (``test_examples_typecheck``), once it ran.
TYPECHECK: dict[str, str] = {}


def sandbox_environment(sb: ThreadedSandbox) -> dict[str, str]:
    """The environment variables that point every client at ``sb``."""
    env: dict[str, str] = {}
    for name, api in APIS.items():
        kwargs = sb.sandbox.client_kwargs(name, {}, sync=True)
        for credential in api.credentials:
            if credential.arg in kwargs:
                env[credential.env[0]] = kwargs[credential.arg]
        env[api.base_url_env[0]] = kwargs["base_url"]
        for bound in api.bound:
            env[bound.env[0]] = BOUND[bound.name]
    env[WEBINAR_PRESET_ENV] = sb.webinar_preset_ids[0]  # the default (WHIP) preset
    env[TPSTREAMS_WEBHOOK_SECRET_ENV] = "a-long-random-secret"
    return env


@pytest.fixture
def docs_sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ThreadedSandbox]:
    """A sandbox in a background thread (so both async and sync examples reach it), bound through the
    environment; every other onstage variable is cleared so the machine's own settings never leak in."""
    for api in APIS.values():
        for credential in api.credentials:
            for name in credential.env:
                monkeypatch.delenv(name, raising=False)
        for bound in api.bound:
            for name in bound.env:
                monkeypatch.delenv(name, raising=False)
        for name in api.base_url_env:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ONSTAGE_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    with Sandbox.start_in_thread() as sb:
        for name, value in sandbox_environment(sb).items():
            monkeypatch.setenv(name, value)
        yield sb


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("example") if callspec is not None else None
    if isinstance(example, Example) and (
        report.when == "call" or (report.when == "setup" and report.outcome != "passed")
    ):
        OUTCOMES[example.id] = report.outcome
    if item.name == "test_examples_typecheck" and report.when == "call":
        TYPECHECK["outcome"] = report.outcome
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not OUTCOMES and not TYPECHECK:
        return
    passed = [e for e in EXAMPLES if OUTCOMES.get(e.id) == "passed"]
    executed = sum(1 for e in passed for block in e.blocks if block.no_run is None)
    no_run = [(e, block) for e in EXAMPLES for block in e.blocks if block.no_run is not None]
    failed = sum(1 for outcome in OUTCOMES.values() if outcome != "passed")
    blocks = sum(len(e.blocks) for e in EXAMPLES)
    mypy = TYPECHECK.get("outcome", "not run")
    typed = f"all {blocks} type-checked" if mypy == "passed" else f"mypy --strict on the {blocks}: {mypy}"
    terminalreporter.write_sep("-", "documentation examples")
    terminalreporter.write_line(
        f"README/guide blocks: {executed} executed ({len(passed)} examples passed, {failed} failed), "
        f"{len(no_run)} marked no-run; {typed}"
    )
    for example, block in no_run:
        where = f"{example.path.relative_to(ROOT).as_posix()}:{block.first_line}"
        terminalreporter.write_line(f"  no-run {where}: {block.no_run}")
