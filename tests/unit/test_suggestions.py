"""Suggestions in the conversation: shown in order, picked, more, none, details, search."""

from typing import Any

import pytest

from actions.catalogue import (
    ActionAnswerPlatform,
    ActionAskActivityChoice,
    ActionDescribeActivity,
    ActionSearchCatalogue,
)
from actions.forms import ValidateRequestForm
from actions.misc import ActionGoodbyePending
from bot.catalogue.loader import get_catalogue
from bot.conversation import suggestions
from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from tests.utils.rasa import answer, responses, run, tracker

NEED = {
    "need_area": "medicines",
    "description": "We want to issue a compulsory licence for an antiviral",
    "topics": ["intellectual_property"],
    "language": "en",
}


async def ask(
    text: str = "", intent: str = "describe_need", **slots: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    all_slots = NEED | {"requested_slot": "activity_choice"} | slots
    return await run(
        ActionAskActivityChoice(),
        tracker(
            text, intent=intent, slots=all_slots, previous=all_slots, active_loop="request_form"
        ),
    )


async def choose(text: str, intent: str, **kwargs: Any) -> dict[str, Any]:
    slots = NEED | {"requested_slot": "activity_choice"} | kwargs.pop("slots", {})
    events, said = await run(
        ValidateRequestForm(),
        tracker(
            text, intent=intent, slots=slots, previous=slots, active_loop="request_form", **kwargs
        ),
    )
    return {
        "slots": {e["name"]: e["value"] for e in events if e["event"] == "slot"},
        "said": responses(said),
    }


async def test_the_first_batch_is_shown_as_buttons_and_recorded_in_order() -> None:
    events, said = await ask()
    [shown] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    assert 1 <= len(shown) <= 3
    assert responses(said) == ["utter_suggestions"]
    payloads = [b["payload"] for b in said[0]["buttons"]]
    assert payloads[: len(shown)] == [f'/select_activity{{"activity":"{i}"}}' for i in shown]
    assert payloads[len(shown) :] == ["/more_suggestions", "/none_of_these"]
    catalogue = get_catalogue()
    for activity_id in shown:
        assert f"**{catalogue.get(activity_id).title.en}**" in said[0]["suggestions"]  # type: ignore[union-attr]


async def test_more_shows_new_activities_and_appends_them() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    events, said = await ask(
        "show me more", intent="more_suggestions", suggested_activity_ids=shown
    )
    assert responses(said) == ["utter_more_suggestions"]  # the catalogue has more IP offers
    [after] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    assert after[: len(shown)] == shown
    assert not set(after[len(shown) :]) & set(shown)


async def test_past_events_are_labelled_as_reference_material() -> None:
    query = suggestions.query_for(Turn.from_tracker(tracker("", slots=NEED)))
    for suggestion in suggestions.suggest(query, limit=10):
        text = suggestions.line(suggestion, "en")
        assert ("Past event" in text) is (not suggestion.activity.is_open)


async def test_a_button_pick_is_added_to_the_selection() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    result = await choose(
        f'/select_activity{{"activity":"{shown[0]}"}}',
        "select_activity",
        entities=[{"entity": "activity", "value": shown[0]}],
        slots={"suggested_activity_ids": shown},
    )
    assert result["slots"]["selected_activity_ids"] == [shown[0]]
    assert result["slots"]["activity_choice"] is None  # still choosing


async def test_an_ordinal_picks_from_the_current_batch() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    result = await choose(
        "I'll take the second one", "select_activity", slots={"suggested_activity_ids": shown}
    )
    assert result["slots"]["selected_activity_ids"] == [shown[1]]
    # "that's all" / "c'est tout" closes the list: it does not mean "all of them".
    result = await choose(
        "the second one, c'est tout", "select_activity", slots={"suggested_activity_ids": shown}
    )
    assert result["slots"]["selected_activity_ids"] == [shown[1]]


async def test_an_unknown_activity_id_is_refused_with_a_message() -> None:
    result = await choose(
        '/select_activity{"activity":"no-such-activity"}',
        "select_activity",
        entities=[{"entity": "activity", "value": "no-such-activity"}],
        slots={"suggested_activity_ids": ["trilateral-ta-request"]},
    )
    assert result["slots"]["activity_choice"] is None
    assert "selected_activity_ids" not in result["slots"]
    assert result["said"] == ["utter_unknown_activity"]


async def test_none_of_these_and_continue_end_the_step() -> None:
    result = await choose(
        "none of these",
        "none_of_these",
        slots={"suggested_activity_ids": ["trilateral-ta-request"]},
    )
    assert result["slots"]["activity_choice"] == "none"
    result = await choose(
        "continue",
        "affirm",
        slots={
            "suggested_activity_ids": ["trilateral-ta-request"],
            "selected_activity_ids": ["trilateral-ta-request"],
        },
    )
    assert result["slots"]["activity_choice"] == "done"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("merci c'est tout", "thank"),
        ("thanks, that's all", "thank"),
        ("gracias, eso es todo", "thank"),
    ],
)
async def test_thanks_and_thats_all_while_choosing_ends_the_step(text: str, intent: str) -> None:
    chosen = ["wto-trade-facilitation-critical-medical-goods"]
    picked = {
        # "merci" is close to part of the first title's French ("commerce"): no pick of it.
        "suggested_activity_ids": [
            "wto-info-notes-medical-goods-tariffs",
            "wto-vaccine-inputs-list-bottlenecks",
            *chosen,
        ],
        "selected_activity_ids": chosen,
    }
    result = await choose(text, intent, slots=picked)
    assert result["slots"]["activity_choice"] == "done"
    assert result["slots"].get("selected_activity_ids", chosen) == chosen


@pytest.mark.parametrize("text", ["that's all", "c'est tout", "eso es todo"])
async def test_thats_all_while_choosing_ends_the_step_not_the_conversation(text: str) -> None:
    picked = {
        "suggested_activity_ids": ["trilateral-ta-request"],
        "selected_activity_ids": ["trilateral-ta-request"],
    }
    result = await choose(text, "goodbye", slots=picked)
    assert result["slots"]["activity_choice"] == "done"
    # The rule for goodbye mid-form runs this action: it hands back to the form here...
    events, said = await run(
        ActionGoodbyePending(),
        tracker(
            text,
            intent="goodbye",
            slots=NEED | picked | {"requested_slot": "activity_choice"},
            active_loop="request_form",
        ),
    )
    assert events == [{"event": "followup", "name": "request_form", "timestamp": None}]
    assert said == []


async def test_bye_while_choosing_is_a_goodbye_that_keeps_the_answers() -> None:
    slots = NEED | {"requested_slot": "activity_choice"}
    events, said = await run(
        ActionGoodbyePending(),
        tracker("bye", intent="goodbye", slots=slots, active_loop="request_form"),
    )
    assert events == []
    assert responses(said) == ["utter_goodbye_pending"]
    # ... and "that's all" at another question is a goodbye too.
    slots = NEED | {"requested_slot": "email"}
    events, said = await run(
        ActionGoodbyePending(),
        tracker("that's all", intent="goodbye", slots=slots, active_loop="request_form"),
    )
    assert responses(said) == ["utter_goodbye_pending"]


async def test_after_a_pick_the_added_activity_is_confirmed_with_the_remaining_buttons() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown}
    _, said = await run(
        ActionAskActivityChoice(),
        tracker(
            "the first one",
            intent="select_activity",
            previous=slots,
            slots=slots | {"selected_activity_ids": [shown[0]]},
            active_loop="request_form",
        ),
    )
    assert responses(said) == ["utter_activity_added"]
    payloads = [b["payload"] for b in said[0]["buttons"]]
    assert f'/select_activity{{"activity":"{shown[0]}"}}' not in payloads
    assert payloads[-2:] == ["/more_suggestions", "/affirm"]


async def test_tell_me_more_about_the_first_one() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    _, said = await run(
        ActionDescribeActivity(),
        tracker(
            "tell me more about the first one",
            intent="ask_activity_details",
            slots=NEED | {"suggested_activity_ids": shown},
        ),
    )
    assert responses(said) == ["utter_activity_details"]
    assert said[0]["title"] == get_catalogue().get(shown[0]).title.en  # type: ignore[union-attr]


async def test_catalogue_questions_are_answered_with_matching_activities() -> None:
    _, said = await run(
        ActionSearchCatalogue(),
        tracker("what training does WIPO offer on patents?", intent="ask_catalogue"),
    )
    assert responses(said) == ["utter_catalogue_results"]
    assert "WIPO" in said[0]["results"]


async def test_catalogue_questions_in_spanish() -> None:
    _, said = await run(
        ActionSearchCatalogue(),
        tracker(
            "qué cursos hay sobre licencias obligatorias",
            intent="ask_catalogue",
            slots={"language": "es"},
        ),
    )
    assert responses(said) == ["utter_catalogue_results"]
    # Organizations are named as in Spanish, like everywhere else in the conversation.
    assert "OMC" in said[0]["results"] or "OMPI" in said[0]["results"]
    assert "WTO" not in said[0]["results"] and "WIPO" not in said[0]["results"]


async def test_a_catalogue_question_inside_the_form_does_not_invite_a_new_need() -> None:
    _, said = await run(
        ActionSearchCatalogue(),
        tracker(
            "what training does WIPO offer on patents?",
            intent="ask_catalogue",
            slots=NEED | {"requested_slot": "email"},
            active_loop="request_form",
        ),
    )
    assert responses(said) == ["utter_catalogue_results_in_form"]
    assert "WIPO" in said[0]["results"]


async def test_changing_the_need_area_while_choosing_shows_what_fits_the_new_one() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    before = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown}
    now = before | {"need_area": "vaccines"}
    change = tracker(
        "actually it's about vaccines, not medicines",
        intent="correct_field",
        slots=now,
        previous=before,
        active_loop="request_form",
    )
    events, said = await run(ValidateRequestForm(), change)
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["need_area"] == "vaccines"
    assert values["activity_choice"] is None  # asked again, not ended
    assert responses(said) == ["utter_field_updated"]
    events, said = await run(ActionAskActivityChoice(), change)
    [recorded] = events
    assert recorded["name"] == "suggested_activity_ids"
    assert recorded["value"][: len(shown)] == shown  # the record keeps what was shown before
    fresh = recorded["value"][len(shown) :]
    assert fresh  # what fits vaccines now (one shown before may be among them)
    catalogue = get_catalogue()
    assert all("vaccines" in catalogue.get(i).need_areas for i in fresh)  # type: ignore[union-attr]


async def test_telling_more_about_the_need_while_choosing_shows_what_fits_it_now() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    before = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown}
    added = "We also need to know the tariffs on vaccine inputs and where supply is blocked"
    now = before | {"description": f"{NEED['description']}\n{added}", "topics": ["trade"]}
    more = tracker(added, slots=now, previous=before, active_loop="request_form")
    events, said = await run(ValidateRequestForm(), more)
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["activity_choice"] is None  # asked again, not ended as "none of these"
    assert responses(said) == []  # the new suggestions show it was heard; no echo of it all
    events, said = await run(ActionAskActivityChoice(), more)
    [recorded] = events
    assert recorded["value"][: len(shown)] == shown
    fresh = recorded["value"][len(shown) :]
    assert fresh and not set(fresh) & set(shown)
    assert responses(said) == ["utter_more_suggestions"]
    catalogue = get_catalogue()
    assert any("trade" in catalogue.get(i).topics for i in fresh)  # type: ignore[union-attr]


def after_details(text: str, described: str, intent: str = "affirm") -> Any:
    """A tracker whose latest message answers the details of `described`."""
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": [described]}
    t = tracker(text, intent=intent, slots=slots, previous=slots, active_loop="request_form")
    details = {"utter_action": "utter_activity_details", "activity_id": described}
    t.events.insert(len(t.events) - 1, {"event": "bot", "text": "…", "metadata": details})
    return t


@pytest.mark.parametrize(
    "text",
    [
        "ok pick it",
        "I'll take it",
        "je la prends",
        "me interesa, agréguela",
        "ok je prends celui-là",
        "me quedo con esa",
    ],
)
async def test_taking_the_activity_just_described_picks_it(text: str) -> None:
    described = "who-mrna-technology-transfer-hub"
    events, _ = await run(ValidateRequestForm(), after_details(text, described))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["selected_activity_ids"] == [described]


@pytest.mark.parametrize(
    "text", ["ok", "no, I don't want it", "I want to add that it is urgent", "no quiero ese"]
)
async def test_other_answers_after_details_pick_nothing(text: str) -> None:
    events, _ = await run(
        ValidateRequestForm(), after_details(text, "who-mrna-technology-transfer-hub")
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert not values.get("selected_activity_ids")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
async def test_the_details_are_in_the_delegates_language(language: str) -> None:
    hub = get_catalogue().get("who-mrna-technology-transfer-hub")
    assert hub is not None
    slots = NEED | {"suggested_activity_ids": [hub.id], "language": language}
    _, said = await run(
        ActionDescribeActivity(),
        tracker("tell me more about the first one", intent="ask_activity_details", slots=slots),
    )
    assert said[0]["description"] == hub.description.get(language)
    assert said[0]["summary"] == hub.summary.get(language)


async def test_the_details_reply_carries_the_activity_id_for_a_later_pick() -> None:
    slots = NEED | {"suggested_activity_ids": ["who-mrna-technology-transfer-hub"]}
    _, said = await run(
        ActionDescribeActivity(),
        tracker("tell me more about the first one", intent="ask_activity_details", slots=slots),
    )
    assert said[0]["activity_id"] == "who-mrna-technology-transfer-hub"


@pytest.mark.parametrize("text", ["both please", "les deux", "ambas"])
async def test_both_right_after_comparing_two_picks_those_two(text: str) -> None:
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": VACCINE_BATCH}
    t = tracker(
        text, intent="select_activity", slots=slots, previous=slots, active_loop="request_form"
    )
    for compared in (VACCINE_BATCH[0], VACCINE_BATCH[2]):
        details = {"utter_action": "utter_activity_details", "activity_id": compared}
        t.events.insert(len(t.events) - 1, {"event": "bot", "text": "…", "metadata": details})
    events, _ = await run(ValidateRequestForm(), t)
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["selected_activity_ids"] == [VACCINE_BATCH[0], VACCINE_BATCH[2]]


@pytest.mark.parametrize(
    "text",
    [
        "cuentame mas de la segunda",
        "tell me more about the second one",
        "dites-m'en plus sur la deuxième",
        "tell me about the second",
        "parlez-moi de la deuxième",
        "háblame de la segunda",
    ],
)
async def test_asking_about_an_activity_the_nlu_missed_gives_its_details_not_a_pick(
    text: str,
) -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    result = await choose(text, "inform", slots={"suggested_activity_ids": shown})
    assert "selected_activity_ids" not in result["slots"]
    assert result["slots"]["activity_choice"] is None
    assert result["said"] == ["utter_activity_details"]


VACCINE_BATCH = [
    "who-covax-facility",
    "wto-imf-vaccine-trade-tracker",
    "who-mi4a-vaccine-market-information",
]
PATENT_BATCH = [
    "wipo-pat-informed",
    "who-mpp-covid-antiviral-licences",
    "who-ip-public-health-technical-cooperation",
]


@pytest.mark.parametrize(
    ("text", "batch", "described"),
    [
        ("what is covax exactly?", VACCINE_BATCH, "who-covax-facility"),
        ("what does the vaccine trade tracker do?", VACCINE_BATCH, "wto-imf-vaccine-trade-tracker"),
        ("qué es Pat-INFORMED?", PATENT_BATCH, "wipo-pat-informed"),
        ("c'est quoi le MPP ?", PATENT_BATCH, "who-mpp-covid-antiviral-licences"),
        # Typed as in a chat, and heard as a pick: described, not picked.
        ("c quoi la 3eme ?", PATENT_BATCH, PATENT_BATCH[2]),
        ("cest quoi la 3e", PATENT_BATCH, PATENT_BATCH[2]),
    ],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "select_activity"])
async def test_what_is_an_activity_on_screen_gives_its_details_not_a_pick(
    text: str, batch: list[str], described: str, intent: str
) -> None:
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": batch}
    events, said = await run(
        ValidateRequestForm(),
        tracker(text, intent=intent, slots=slots, previous=slots, active_loop="request_form"),
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert "selected_activity_ids" not in values
    assert responses(said) == ["utter_activity_details"]
    assert said[0]["activity_id"] == described


@pytest.mark.parametrize(
    ("text", "said", "described"),
    [
        # Rasa hears "what does … do?" as a question about the platform itself.
        ("what does pat-informed do?", "utter_activity_details", "wipo-pat-informed"),
        (
            "what does the second one do?",
            "utter_activity_details",
            "who-mpp-covid-antiviral-licences",
        ),
        ("what does this platform do?", "utter_platform", None),
        ("is this free of charge?", "utter_cost", None),
        ("can I attach our draft law?", "utter_documents", None),
    ],
)
async def test_a_platform_question_naming_an_activity_gets_its_details(
    text: str, said: str, described: str | None
) -> None:
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": PATENT_BATCH}
    _, messages = await run(
        ActionAnswerPlatform(),
        tracker(
            text, intent="ask_platform", slots=slots, previous=slots, active_loop="request_form"
        ),
    )
    assert responses(messages) == [said]
    assert messages[0].get("activity_id") == described


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("and patentscope too", "wipo-patentscope-covid-index"),
        ("ajoutez aussi le HTAP", "who-health-technology-access-pool"),
    ],
)
async def test_an_activity_called_by_its_proper_name_is_picked_even_if_not_shown(
    text: str, chosen: str
) -> None:
    slots = {"suggested_activity_ids": PATENT_BATCH, "selected_activity_ids": [PATENT_BATCH[0]]}
    result = await choose(text, "select_activity", slots=slots)
    assert result["slots"]["selected_activity_ids"] == [PATENT_BATCH[0], chosen]


@pytest.mark.parametrize("text", ["le premier et le deuxieme", "the 1st and the 3rd one"])
async def test_places_heard_as_a_question_about_them_are_a_pick(text: str) -> None:
    slots = {"suggested_activity_ids": PATENT_BATCH}
    turn_slots = NEED | {"requested_slot": "activity_choice"} | slots
    _, said = await run(
        ActionDescribeActivity(),
        tracker(
            text,
            intent="ask_activity_details",
            slots=turn_slots,
            previous=turn_slots,
            active_loop="request_form",
        ),
    )
    assert said == []  # no details: the form takes it as a pick
    result = await choose(text, "ask_activity_details", slots=slots)
    assert len(result["slots"]["selected_activity_ids"]) == 2


@pytest.mark.parametrize("text", ["¿y eso qué significa?", "what does that mean?", "c'est quoi ?"])
async def test_a_question_about_no_activity_while_choosing_is_answered_as_a_question(
    text: str,
) -> None:
    result = await choose(text, "nlu_fallback", slots={"suggested_activity_ids": VACCINE_BATCH})
    assert result["said"] == ["utter_question_not_answer"]
    assert result["slots"]["activity_choice"] is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("¿es gratis?", "utter_cost"),
        ("is this free?", "utter_cost"),
        ("c'est payant ?", "utter_cost"),
        ("ça coûte combien ?", "utter_cost"),
        ("est-ce que je peux joindre un document ?", "utter_documents"),
        ("¿puedo adjuntar nuestro plan nacional?", "utter_documents"),
    ],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "affirm", "deny"])
async def test_what_it_costs_and_sending_documents_are_answered_while_choosing(
    text: str, answer: str, intent: str
) -> None:
    # Whatever Rasa made of it ("ça coûte combien ?" was heard as a yes), never "done".
    result = await choose(text, intent, slots={"suggested_activity_ids": VACCINE_BATCH})
    assert result["said"] == [answer]
    assert result["slots"]["activity_choice"] is None


async def test_a_question_naming_no_activity_on_screen_is_not_answered_with_details() -> None:
    slots = {"suggested_activity_ids": VACCINE_BATCH}
    result = await choose("what is the difference?", "nlu_fallback", slots=slots)
    assert "utter_activity_details" not in result["said"]


@pytest.mark.parametrize("text", ["la agrego", "sí, la agregamos", "lo incluimos"])
def test_spanish_ways_of_taking_the_activity_just_described(text: str) -> None:
    assert suggestions.takes_it(text)
    assert not suggestions.takes_it("no, no la agrego")


@pytest.mark.parametrize("text", ["plus", "Plus !", "más", "others"])
async def test_a_one_word_more_the_nlu_was_unsure_of_shows_the_next_batch(text: str) -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    events, said = await ask(text, intent="nlu_fallback", suggested_activity_ids=shown)
    assert responses(said) == ["utter_more_suggestions"]
    [after] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    assert after[: len(shown)] == shown and len(after) > len(shown)
    result = await choose(text, "nlu_fallback", slots={"suggested_activity_ids": shown})
    assert result["slots"]["activity_choice"] is None
    assert "selected_activity_ids" not in result["slots"]


TRADE_BATCH = [
    "wto-covid-trade-measures-monitoring",  # "Lista de la OMC de medidas comerciales…" in es
    "wto-trade-facilitation-critical-medical-goods",
    "wto-trade-facilitation-agreement-facility",
]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("listo", "nlu_fallback"),
        ("Listo.", "affirm"),
        ("c'est bon", "nlu_fallback"),
        ("done", "inform"),
    ],
)
async def test_done_ends_the_step_and_never_picks_a_title_that_looks_like_it(
    text: str, intent: str
) -> None:
    slots = {
        "suggested_activity_ids": TRADE_BATCH,
        "selected_activity_ids": [TRADE_BATCH[1]],
        "language": "es",
    }
    result = await choose(text, intent, slots=slots)
    assert "selected_activity_ids" not in result["slots"]
    assert result["slots"]["activity_choice"] == suggestions.DONE


@pytest.mark.parametrize("text", ["what is it exactly?", "c'est quoi ça ?", "¿qué es eso?"])
async def test_what_is_it_right_after_a_pick_describes_what_was_picked(text: str) -> None:
    picked = VACCINE_BATCH[1]
    slots = NEED | {
        "requested_slot": "activity_choice",
        "suggested_activity_ids": VACCINE_BATCH,
        "selected_activity_ids": [picked],
    }
    t = tracker(
        text, intent="nlu_fallback", slots=slots, previous=slots, active_loop="request_form"
    )
    # The assistant's previous answer added it (a slot event after the delegate's last message).
    added = {"event": "slot", "name": "selected_activity_ids", "value": [picked]}
    t.events.insert(len(t.events) - 1, added)
    events, said = await run(ValidateRequestForm(), t)
    assert responses(said) == ["utter_activity_details"]
    assert said[0]["activity_id"] == picked
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values.get("selected_activity_ids", [picked]) == [picked]


@pytest.mark.parametrize("text", ["WIPO only", "just WIPO please", "solo la OMPI"])
async def test_an_organization_preferred_while_choosing_brings_its_offers(text: str) -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    read = understand(
        Turn.from_tracker(
            tracker(
                text,
                intent="inform",
                slots=NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown},
                active_loop="request_form",
            )
        )
    )
    assert read["organizations"] == ["WIPO"]
    before = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown}
    values, said = await answer("activity_choice", text, slots=before | read, previous=before)
    assert values["activity_choice"] is None  # asked again, with new suggestions
    assert "selected_activity_ids" not in values
    assert said == ["utter_field_updated"]
    after_form = before | read | {"activity_choice": None}
    events, _ = await run(
        ActionAskActivityChoice(),
        tracker(
            text, intent="inform", slots=after_form, previous=before, active_loop="request_form"
        ),
    )
    [after] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    catalogue = get_catalogue()
    new = [catalogue.get(i) for i in after[len(shown) :]]
    assert new and all(a is not None and "WIPO" in a.organizations for a in new[:2])


async def test_a_preference_already_heard_is_not_refused_as_an_unknown_activity() -> None:
    first, _ = await ask(organizations=["WTO"])
    shown = first[0]["value"]
    result = await choose(
        "WTO only", "inform", slots={"suggested_activity_ids": shown, "organizations": ["WTO"]}
    )
    assert "utter_invalid_activity_choice" not in result["said"]
    assert "activity_choice" not in result["slots"] or result["slots"]["activity_choice"] is None
    assert "selected_activity_ids" not in result["slots"]


@pytest.mark.parametrize(
    ("text", "intent", "kept"),
    [
        ("actually no, remove that one", "nlu_fallback", [0, 1]),  # the last one chosen
        ("please drop the second one", "deny", [0, 2]),
        ("enlevez la troisième", "inform", [0, 1]),
        ("quite el segundo, por favor", "deny", [0, 2]),
        ("cancel that one", "cancel", [0, 1]),
    ],
)
async def test_a_choice_can_be_taken_back(text: str, intent: str, kept: list[int]) -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    chosen = list(shown)  # all three were picked, in order
    result = await choose(
        text,
        intent,
        slots={"suggested_activity_ids": shown, "selected_activity_ids": chosen},
    )
    assert result["slots"]["selected_activity_ids"] == [shown[i] for i in kept]
    assert result["slots"]["activity_choice"] is None  # still choosing


@pytest.mark.parametrize(
    ("text", "intent", "kept"),
    [
        # The second was picked just before; the delegate changes their mind.
        ("non plutot le premier", "select_activity", [0]),
        ("actually the third one instead", "select_activity", [2]),
        ("no, mejor la tercera", "select_activity", [2]),
        # Added to it, not in its place.
        ("no wait, the first one too", "select_activity", [1, 0]),
        ("and the first", "select_activity", [1, 0]),
    ],
)
async def test_a_pick_in_place_of_the_last_one_replaces_it(
    text: str, intent: str, kept: list[int]
) -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    result = await choose(
        text, intent, slots={"suggested_activity_ids": shown, "selected_activity_ids": [shown[1]]}
    )
    assert result["slots"]["selected_activity_ids"] == [shown[i] for i in kept]


async def said_after_choosing(
    text: str, intent: str, shown: list[str], before: list[str], after: list[str]
) -> list[dict[str, Any]]:
    """What the choosing step says once `text` changed the picks from `before` to `after`."""
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": shown}
    _, said = await run(
        ActionAskActivityChoice(),
        tracker(
            text,
            intent=intent,
            previous=slots | {"selected_activity_ids": before},
            slots=slots | {"selected_activity_ids": after},
            active_loop="request_form",
        ),
    )
    return said


async def test_a_replaced_choice_says_what_went_out_and_what_came_in() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    said = await said_after_choosing(
        "non plutot le premier", "select_activity", shown, [shown[1]], [shown[0]]
    )
    assert responses(said) == ["utter_activity_replaced"]
    catalogue = get_catalogue()
    assert said[0]["titles"] == catalogue.get(shown[0]).title.en  # type: ignore[union-attr]
    assert said[0]["removed"] == catalogue.get(shown[1]).title.en  # type: ignore[union-attr]


async def test_a_removed_choice_is_confirmed_and_offered_again() -> None:
    first, _ = await ask()
    shown = first[0]["value"]
    said = await said_after_choosing("remove it", "deny", shown, [shown[0]], [])
    assert responses(said) == ["utter_activity_removed"]
    title = get_catalogue().get(shown[0]).title.en  # type: ignore[union-attr]
    assert said[0]["titles"] == title
    payloads = [b["payload"] for b in said[0]["buttons"]]
    assert f'/select_activity{{"activity":"{shown[0]}"}}' in payloads


async def test_cancel_that_one_while_choosing_does_not_cancel_the_request() -> None:
    from actions.requests import ActionCancelRequest

    slots = NEED | {
        "requested_slot": "activity_choice",
        "suggested_activity_ids": ["wto-info-note-trips-covid"],
        "selected_activity_ids": ["wto-info-note-trips-covid"],
    }
    tr = tracker("cancel that one", intent="cancel", slots=slots, active_loop="request_form")
    events, said = await run(ActionCancelRequest(), tr)
    assert said == []
    assert events == [{"event": "followup", "timestamp": None, "name": "request_form"}]
    # Outside the choosing step, cancel still cancels.
    tr = tracker("cancel", intent="cancel", slots=NEED, active_loop="request_form")
    _, said = await run(ActionCancelRequest(), tr)
    assert responses(said) == ["utter_cancelled"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("qué cursos hay sobre licencias obligatorias", "es"),
        ("quels cours sur les licences obligatoires ?", "fr"),
        ("any courses on compulsory licensing?", "en"),
    ],
)
async def test_courses_asked_for_include_online_courses_and_workshops(
    text: str, language: str
) -> None:
    # "Cursos" names no single format: the TRIPS e-learning course is a course too.
    _, said = await run(
        ActionSearchCatalogue(),
        tracker(text, intent="ask_catalogue", slots={"language": language}),
    )
    catalogue = get_catalogue()
    listed = [
        a for a in catalogue.activities if f"**{a.title.get(language)}**" in said[0]["results"]
    ]
    assert "wto-trips-elearning" in [a.id for a in listed]
    assert {a.format for a in listed} <= {"training", "online_course", "workshop"}


async def test_a_member_asking_about_courses_is_not_listed_the_accession_programme() -> None:
    question = "what training is there on TRIPS and accession rules?"
    listed = {}
    for status in ("member", "accession_candidate"):
        _, said = await run(
            ActionSearchCatalogue(),
            tracker(question, intent="ask_catalogue", slots={"member_status": status}),
        )
        listed[status] = said[0]["results"]
    accession = get_catalogue().get("wto-accession-technical-assistance").title.en  # type: ignore[union-attr]
    assert accession in listed["accession_candidate"]
    assert accession not in listed["member"]


@pytest.mark.parametrize(
    "text",
    [
        "¿cuál es la diferencia entre la primera y la segunda?",
        "what's the difference between the first and the second one?",
        "quelle différence entre la première et la deuxième ?",
    ],
)
async def test_comparing_two_shown_activities_describes_both_and_picks_none(text: str) -> None:
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": VACCINE_BATCH}
    events, said = await run(
        ValidateRequestForm(),
        tracker(
            text, intent="select_activity", slots=slots, previous=slots, active_loop="request_form"
        ),
    )
    assert not [e for e in events if e.get("name") == "selected_activity_ids" and e["value"]]
    assert responses(said) == ["utter_activity_details", "utter_activity_details"]
    assert [m["activity_id"] for m in said] == VACCINE_BATCH[:2]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("les deux premiers", ["a", "b"]),
        ("the first two please", ["a", "b"]),
        ("las dos últimas", ["b", "c"]),
        ("both", ["a", "b", "c"]),
        ("the second and the third", ["b", "c"]),
    ],
)
def test_a_count_of_the_first_or_last_activities_picks_only_those(
    text: str, chosen: list[str]
) -> None:
    assert suggestions.ordinal_choice(text, ["a", "b", "c"]) == chosen


def test_every_done_answer_ends_the_step_with_or_without_thanks() -> None:
    for done in suggestions._DONE_ANSWERS:
        assert suggestions._done_answer(done), done
        assert suggestions._done_answer(f"merci, {done} !"), done


async def test_picking_again_what_is_already_chosen_says_so() -> None:
    slots = {"suggested_activity_ids": PATENT_BATCH, "selected_activity_ids": [PATENT_BATCH[0]]}
    result = await choose("la primera", "select_activity", slots=slots)
    assert result["said"] == ["utter_already_chosen"]
    assert "selected_activity_ids" not in result["slots"]


@pytest.mark.parametrize("text", ["vaccines", "vacunas"])
async def test_the_need_area_said_again_picks_no_title_holding_the_word(text: str) -> None:
    batch = ["trilateral-ta-request", "wto-mc12-trips-decision-implementation"]
    result = await choose(text, "inform", slots={"suggested_activity_ids": batch})
    assert not result["slots"].get("selected_activity_ids")


MIXED_BATCH = [
    "wto-info-note-trips-covid",
    "trilateral-ta-request",
    "wipo-legislative-policy-advice",
]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("la de la OMPI", "wipo-legislative-policy-advice"),  # not "Nota … de la OMC"
        ("the WIPO one", "wipo-legislative-policy-advice"),
        ("la del OMC", "wto-info-note-trips-covid"),  # the WTO's own before joint work
    ],
)
async def test_the_one_an_organization_offers_is_picked(text: str, chosen: str) -> None:
    result = await choose(text, "select_activity", slots={"suggested_activity_ids": MIXED_BATCH})
    assert result["slots"]["selected_activity_ids"] == [chosen]


async def test_an_organization_only_while_choosing_picks_nothing() -> None:
    result = await choose(
        "la OMC solamente", "inform", slots={"suggested_activity_ids": MIXED_BATCH}
    )
    assert not result["slots"].get("selected_activity_ids")


@pytest.mark.parametrize(("text", "intent"), [("listo gracias", "thank"), ("terminé", "inform")])
async def test_done_with_thanks_in_any_language_ends_the_step(text: str, intent: str) -> None:
    result = await choose(text, intent, slots={"suggested_activity_ids": MIXED_BATCH})
    assert result["slots"]["activity_choice"] == "none"


async def test_add_it_with_nothing_just_described_asks_which_rather_than_going_on() -> None:
    result = await choose("add it please", "affirm", slots={"suggested_activity_ids": MIXED_BATCH})
    assert result["slots"]["activity_choice"] is None
    assert result["said"] == ["utter_invalid_activity_choice"]


@pytest.mark.parametrize(
    "text", ["which one is about market prices?", "¿cuál es la de los precios?"]
)
async def test_which_one_is_about_a_subject_describes_the_one_it_points_at(text: str) -> None:
    batch = [
        "wto-mc12-trips-decision-implementation",
        "who-mi4a-vaccine-market-information",
        "wipo-plr-covid-vaccines-therapeutics",
    ]
    slots = NEED | {"requested_slot": "activity_choice", "suggested_activity_ids": batch}
    _, said = await run(
        ValidateRequestForm(),
        tracker(
            text, intent="nlu_fallback", slots=slots, previous=slots, active_loop="request_form"
        ),
    )
    assert responses(said) == ["utter_activity_details"]
    assert said[0]["activity_id"] == "who-mi4a-vaccine-market-information"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("non pardon c'est plutot pour les vaccins", "deny"),
        ("no, sorry, I meant vaccines", "deny"),
        ("perdón, mejor dicho vacunas", "inform"),
    ],
)
async def test_a_short_correction_of_the_need_area_while_choosing_brings_new_suggestions(
    text: str, intent: str
) -> None:
    before = {
        "requested_slot": "activity_choice",
        "need_area": "medicines",
        "description": "how do export restrictions affect our purchases of medicines",
        "topics": ["trade", "procurement"],
        "language": "en",
        "suggested_activity_ids": PATENT_BATCH,
    }
    kwargs: dict[str, Any] = {"intent": intent, "previous": before, "active_loop": "request_form"}
    read = understand(Turn.from_tracker(tracker(text, slots=before, **kwargs)))  # type: ignore[arg-type]
    assert read["need_area"] == "vaccines"
    events, said = await run(ValidateRequestForm(), tracker(text, slots=before | read, **kwargs))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["activity_choice"] is None  # not "none of these": asked again, with new ones
    assert "utter_invalid_activity_choice" not in responses(said)


async def test_after_the_need_area_changed_what_fits_now_is_shown_even_if_shown_before() -> None:
    text = "comment les restrictions a l'exportation affectent nos achats de medicaments"
    before = NEED | {
        "requested_slot": "activity_choice",
        "need_area": "medicines",
        "description": text,
        "topics": ["trade", "procurement"],
        "language": "fr",
    }
    first, _ = await ask(**{k: v for k, v in before.items() if k != "requested_slot"})
    shown = first[0]["value"]
    assert "wto-covid-trade-measures-monitoring" in shown
    correction = "non pardon c'est plutot pour les vaccins"
    earlier = before | {"suggested_activity_ids": shown}
    now = earlier | {"need_area": "vaccines", "description": f"{text}\n{correction}"}
    events, said = await run(
        ActionAskActivityChoice(),
        tracker(correction, intent="deny", slots=now, previous=earlier, active_loop="request_form"),
    )
    [recorded] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    batch = recorded[len(shown) :]
    # The export-restriction list fits vaccines too: shown again, introduced as a new list.
    assert "wto-covid-trade-measures-monitoring" in batch
    assert responses(said) == ["utter_suggestions"]
    # "More" for the same need still goes past everything shown.
    more = now | {"suggested_activity_ids": recorded}
    events, said = await run(
        ActionAskActivityChoice(),
        tracker(
            "/more_suggestions",
            intent="more_suggestions",
            slots=more,
            previous=more,
            active_loop="request_form",
        ),
    )
    [after] = [e["value"] for e in events if e["name"] == "suggested_activity_ids"]
    assert not set(after[len(recorded) :]) & set(recorded)
    assert responses(said) == ["utter_more_suggestions"]


@pytest.mark.parametrize(
    "text", ["what did I choose so far?", "qu'est-ce que j'ai choisi ?", "¿qué he elegido?"]
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "inform"])
async def test_what_was_chosen_so_far_is_told_while_choosing(text: str, intent: str) -> None:
    chosen = {"suggested_activity_ids": VACCINE_BATCH, "selected_activity_ids": VACCINE_BATCH[:1]}
    result = await choose(text, intent, slots=chosen)
    assert result["said"] == ["utter_chosen_so_far"]
    assert result["slots"]["activity_choice"] is None
    assert "selected_activity_ids" not in result["slots"]  # nothing picked or dropped
    result = await choose(text, intent, slots={"suggested_activity_ids": VACCINE_BATCH})
    assert result["said"] == ["utter_nothing_chosen"]


async def test_what_was_chosen_heard_as_a_platform_question_is_told() -> None:
    slots = NEED | {
        "requested_slot": "activity_choice",
        "suggested_activity_ids": PATENT_BATCH,
        "selected_activity_ids": PATENT_BATCH[1:2],
    }
    _, messages = await run(
        ActionAnswerPlatform(),
        tracker(
            "what did I choose so far?",
            intent="ask_platform",
            slots=slots,
            previous=slots,
            active_loop="request_form",
        ),
    )
    assert responses(messages) == ["utter_chosen_so_far"]
    title = get_catalogue().get(PATENT_BATCH[1]).title.en  # type: ignore[union-attr]
    assert messages[0]["titles"] == title


@pytest.mark.parametrize(
    "text", ["and what about masks?", "et pour les masques ?", "¿y las mascarillas?"]
)
async def test_a_product_asked_about_while_choosing_is_more_need_and_brings_what_fits(
    text: str,
) -> None:
    before = NEED | {
        "requested_slot": "activity_choice",
        "need_area": "technologies",
        "description": "oxygen concentrators are stuck at customs",
        "topics": ["trade"],
        "suggested_activity_ids": VACCINE_BATCH,
    }
    kwargs: dict[str, Any] = {"intent": "nlu_fallback", "previous": before}
    read = understand(
        Turn.from_tracker(tracker(text, slots=before, active_loop="request_form", **kwargs))  # type: ignore[arg-type]
    )
    assert read["description"] == f"{before['description']}\n{text}"
    events, said = await run(
        ValidateRequestForm(),
        tracker(text, slots=before | read, active_loop="request_form", **kwargs),
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["activity_choice"] is None
    assert "utter_question_not_answer" not in responses(said)


@pytest.mark.parametrize(
    "text",
    ["la segunda no, la primera", "not the second, the first", "pas la deuxième, la première"],
)
async def test_a_place_said_with_not_is_not_picked(text: str) -> None:
    result = await choose(text, "select_activity", slots={"suggested_activity_ids": VACCINE_BATCH})
    assert result["slots"]["selected_activity_ids"] == VACCINE_BATCH[:1]
