"""After each turn the gateway reads `expecting` and `language` from the tracker store, not
from Rasa: what it answers must be what Rasa's own tracker says, whatever the turn did."""

import httpx
import pytest

from bot.runner import Stack
from bot.transcripts.tracker import tracker_engine, turn_state
from bot.web.chat import _language, expecting
from tests.integration.conftest import Delegate

pytestmark = pytest.mark.integration

# A form opened, interrupted, answered wrongly, switched to French, undone, stopped, restarted,
# a status look-up's own form, and a closed conversation.
MESSAGES = (
    "hi",
    "We need help with tariffs on PPE imports. I'm from Kenya",
    "why do you need this?",
    "/none_of_these",
    "Ministry of Trade",
    "Nous sommes le ministère du Commerce",
    "Jane Wanjiru",
    "jane@",
    "/back",
    "stop",
    "what happened to TA-2026-000999?",
    "start over",
    "vaccines",
    "/restart",
    "Necesitamos ayuda con una licencia obligatoria para un antiviral",
    "thanks, goodbye",
)


def test_the_gateway_answers_what_rasas_tracker_says_after_every_turn(
    stack: Stack, delegate: Delegate
) -> None:
    store = tracker_engine(stack.settings.tracker_database_url)
    read_from_store = 0
    for message in MESSAGES:
        answer = delegate.say(message)
        r = httpx.get(
            f"{stack.rasa_url}/conversations/{delegate.sender_id}/tracker",
            params={"token": stack.settings.rasa_token, "include_events": "NONE"},
        )
        assert r.status_code == 200
        rasa = r.json()
        assert (answer["expecting"], answer["language"]) == (expecting(rasa), _language(rasa)), (
            message
        )
        state = turn_state(store, delegate.sender_id)
        if state is not None:
            read_from_store += 1
            assert (expecting(state), _language(state)) == (expecting(rasa), _language(rasa))
    # After an undone step (/back), until the restart, only Rasa's replay can tell.
    assert read_from_store >= 9
