"""Export: accepted inbox examples land in the right data/nlu block, comments kept, validated."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analyst.export import ExportError, plan
from bot.cli import main
from bot.evaluation.dataset import load
from bot.model import RASA
from bot.settings import ROOT, get_settings
from bot.store.analyst_models import NluDecision
from bot.store.db import engine_for
from tests.staff.test_nlu_inbox import WHO_PAYS, group_id
from tests.utils.staff import Conversation, sign_in, write_tracker

needs_rasa = pytest.mark.skipif(not RASA.exists(), reason="the Rasa environment (make env)")


@pytest.fixture
def nlu_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A throw-away copy of data/nlu and the domain, which the app and the CLI export into."""
    data = tmp_path / "nlu"
    domain = tmp_path / "domain"
    shutil.copytree(ROOT / "data" / "nlu", data)
    shutil.copytree(ROOT / "bot" / "domain", domain)
    monkeypatch.setenv("TRIAGE_NLU_DATA_DIR", str(data))
    monkeypatch.setenv("TRIAGE_DOMAIN_DIR", str(domain))
    get_settings.cache_clear()
    return data, domain


def conversations() -> list[Conversation]:
    return [
        Conversation("conv-x")
        .user(WHO_PAYS, "ask_platform", 0.31)
        .user("please write to me at amina@health.gov.gh", "inform", 0.5)
        .user("do you have a leaflet for our minister", "chitchat", 0.2),
        Conversation("conv-y")
        .slot("language", "fr")
        .user("je cherche un appui pour une licence obligatoire", "request_assistance", 0.4),
    ]


def block_examples(path: Path, intent: str) -> list[str]:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in content["nlu"]:
        if item.get("intent") == intent:
            return [line[2:] for line in item["examples"].splitlines() if line.startswith("- ")]
    return []


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(line in it for line in small)


def decide(client: TestClient, csrf: str, text: str, **form: str) -> None:
    r = client.post(
        "/analyst/inbox/decide",
        data={"csrf_token": csrf, "group": group_id(client, text)} | form,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@needs_rasa
def test_accept_relabel_export_round_trip(
    app_client: TestClient,
    accounts: dict[str, str],
    tracker_url: str,
    nlu_copy: tuple[Path, Path],
    store: str,
) -> None:
    data, domain = nlu_copy
    originals = {p: p.read_text(encoding="utf-8") for p in sorted(data.rglob("*.yml"))}
    write_tracker(tracker_url, *conversations())
    csrf = sign_in(app_client, "ann")

    decide(app_client, csrf, WHO_PAYS, action="accept")
    decide(app_client, csrf, "please write to me at [EMAIL]", action="accept")
    decide(
        app_client,
        csrf,
        "do you have a leaflet for our minister",
        action="relabel",
        intent="ask_material",
    )
    decide(
        app_client,
        csrf,
        "je cherche un appui pour une licence obligatoire",
        action="annotate",
        intent="describe_need",
        example="je cherche un appui pour une [licence obligatoire](topic:intellectual_property)",
    )

    preview = app_client.get("/analyst/export")
    assert preview.status_code == 200
    assert "+    - I want to know who pays for the training" in preview.text
    assert "ask_material" in preview.text and "amina@" not in preview.text
    # Nothing is written by the preview.
    assert all(p.read_text(encoding="utf-8") == t for p, t in originals.items())
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.text)
    assert digest

    # A preview that no longer matches is refused.
    stale = app_client.post("/analyst/export", data={"csrf_token": csrf, "digest": "0" * 16})
    assert stale.status_code == 409
    assert all(p.read_text(encoding="utf-8") == t for p, t in originals.items())

    done = app_client.post("/analyst/export", data={"csrf_token": csrf, "digest": digest.group(1)})
    assert done.status_code == 200, done.text[-3000:]
    assert "Written: 4 example(s)" in done.text and "passed" in done.text

    en = data / "en" / "conversation.yml"
    assert block_examples(en, "ask_platform")[-1] == WHO_PAYS
    assert block_examples(data / "en" / "need.yml", "inform")[-1] == "please write to me at [EMAIL]"
    assert block_examples(en, "ask_material") == ["do you have a leaflet for our minister"]
    assert block_examples(data / "fr" / "need.yml", "describe_need")[-1] == (
        "je cherche un appui pour une [licence obligatoire](topic:intellectual_property)"
    )
    # Every original line is still there, in order, comments included.
    for path, before in originals.items():
        after = path.read_text(encoding="utf-8").splitlines()
        assert is_subsequence(before.splitlines(), after), path
        comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
        assert comments and comments == [line for line in after if line.lstrip().startswith("#")]
    assert "  - ask_material" in (domain / "core.yml").read_text(encoding="utf-8")
    assert "amina@health.gov.gh" not in "".join(p.read_text() for p in data.rglob("*.yml"))
    # The exported examples load as training data with their intents and entities.
    examples = {(e.lang, e.text): e for e in load(data).examples}
    fr = examples[("fr", "je cherche un appui pour une licence obligatoire")]
    assert fr.intent == "describe_need" and fr.entities[0].value == "intellectual_property"

    with Session(engine_for(store)) as s:
        stored = s.scalars(select(NluDecision)).all()
    assert all(d.exported_at is not None for d in stored)
    assert {d.exported_to for d in stored} >= {str(en), str(data / "fr" / "need.yml")}
    # Exported messages are training data now: out of the open inbox, not written twice.
    assert app_client.get("/api/analyst/inbox").json()["count"] == 0
    again = app_client.get("/analyst/export")
    assert "0 accepted decision(s)" in again.text and "(no change)" in again.text


@needs_rasa
def test_the_cli_prints_the_diff_and_writes_only_without_dry_run(
    nlu_copy: tuple[Path, Path],
    tracker_url: str,
    store: str,
    accounts: dict[str, str],
    app_client: TestClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, _ = nlu_copy
    write_tracker(tracker_url, *conversations())
    csrf = sign_in(app_client, "ann")
    decide(app_client, csrf, WHO_PAYS, action="relabel", intent="ask_catalogue")
    before = (data / "en" / "conversation.yml").read_text(encoding="utf-8")

    assert main(["nlu", "export", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+++ b/" in out and f"+    - {WHO_PAYS}" in out and "nothing written" in out
    assert (data / "en" / "conversation.yml").read_text(encoding="utf-8") == before

    assert main(["nlu", "export"]) == 0
    out = capsys.readouterr().out
    assert f"+    - {WHO_PAYS}" in out and "rasa data validate passed" in out
    assert block_examples(data / "en" / "conversation.yml", "ask_catalogue")[-1] == WHO_PAYS

    assert main(["nlu", "export"]) == 0
    assert "nothing to export" in capsys.readouterr().out


def decision(
    intent: str, text: str, language: str = "en", example: str | None = None
) -> NluDecision:
    return NluDecision(
        id=abs(hash((intent, text))) % 10_000,
        language=language,
        key="k",
        text=text,
        verdict="accepted",
        intent=intent,
        example=example or text,
        decided_by="t",
    )


def test_examples_go_after_the_last_example_of_their_block(nlu_copy: tuple[Path, Path]) -> None:
    data, domain = nlu_copy
    result = plan([decision("goodbye", "see you later then")], data, domain)
    (change,) = result.changes
    lines = change.after.splitlines()
    at = lines.index("    - see you later then")
    # Right before the blank line that ends the goodbye block, the next intent after it.
    assert lines[at + 1] == "" and lines[at + 2] == "- intent: thank"
    assert change.before.splitlines() == lines[:at] + lines[at + 1 :]


def test_an_example_already_in_the_data_is_not_written_again(nlu_copy: tuple[Path, Path]) -> None:
    data, domain = nlu_copy
    result = plan([decision("greet", "Hello")], data, domain)
    assert result.changes == [] and result.skipped == ["Hello"] and result.examples == 1


def test_a_new_intent_follows_its_other_language_or_goes_to_conversation(
    nlu_copy: tuple[Path, Path],
) -> None:
    data, domain = nlu_copy
    result = plan(
        [
            decision("inform", "ma réponse est non applicable", language="fr"),
            decision("ask_funding", "who pays for this?"),
        ],
        data,
        domain,
    )
    paths = [c.path for c in result.changes]
    assert paths == [
        data / "fr" / "need.yml",
        data / "en" / "conversation.yml",
        domain / "core.yml",
    ]
    assert result.new_intents == ["ask_funding"]
    after = result.changes[1].after
    block = "\n- intent: ask_funding\n  examples: |\n    - who pays for this?\n"
    # After the last intent block and before the file's regexes, nothing else changed.
    assert block + "\n- regex: email" in after
    assert after.replace(block, "", 1) == result.changes[1].before
    domain_lines = result.changes[2].after.splitlines()
    assert domain_lines[domain_lines.index("  - ask_funding") - 1].startswith("  - ")


def test_personal_data_never_reaches_an_export(nlu_copy: tuple[Path, Path]) -> None:
    data, domain = nlu_copy
    with pytest.raises(ExportError):
        plan([decision("inform", "mail me at amina@health.gov.gh")], data, domain)


def test_the_export_page_refuses_a_decision_that_carries_personal_data(
    app_client: TestClient, accounts: dict[str, str], nlu_copy: tuple[Path, Path], store: str
) -> None:
    data, _ = nlu_copy
    before = {p: p.read_text(encoding="utf-8") for p in data.rglob("*.yml")}
    with Session(engine_for(store)) as s:
        s.add(decision("inform", "mail me at amina@health.gov.gh"))
        s.commit()
    csrf = sign_in(app_client, "ann")
    page = app_client.get("/analyst/export")
    assert page.status_code == 422 and "not the redacted message" in page.text
    r = app_client.post("/analyst/export", data={"csrf_token": csrf, "digest": "x"})
    assert r.status_code == 409 and "Nothing was written" in r.text, r.text[-1500:]
    assert {p: p.read_text(encoding="utf-8") for p in data.rglob("*.yml")} == before
