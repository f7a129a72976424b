"""The gateway's choice of Rasa instance: stable per conversation, spread over instances."""

from collections import Counter

import pytest

from bot.runner import free_port
from bot.web.rasa_client import RasaClient, RasaUnavailable

URLS = ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]


def test_a_conversation_always_has_the_same_home_instance() -> None:
    first, second = RasaClient(URLS, "t", 1), RasaClient(list(reversed(URLS)), "t", 1)
    for i in range(50):
        sender = f"sender-{i}"
        assert first.route(sender) == second.route(sender)
        assert sorted(first.route(sender)) == sorted(URLS)


def test_conversations_spread_evenly_over_the_instances() -> None:
    client = RasaClient(URLS, "t", 1)
    homes = Counter(client.route(f"browser-{i:05d}")[0] for i in range(2000))
    assert set(homes) == set(URLS)
    assert all(800 <= n <= 1200 for n in homes.values()), homes


def test_adding_an_instance_moves_only_the_conversations_it_takes() -> None:
    two = RasaClient(URLS, "t", 1)
    three = RasaClient([*URLS, "http://127.0.0.1:5007"], "t", 1)
    senders = [f"browser-{i:05d}" for i in range(1000)]
    moved = [s for s in senders if two.route(s)[0] != three.route(s)[0]]
    # Rendezvous hashing: every moved conversation went to the new instance.
    assert all(three.route(s)[0] == "http://127.0.0.1:5007" for s in moved)
    assert 200 <= len(moved) <= 470


async def test_no_instance_accepting_connections_is_rasa_unavailable() -> None:
    client = RasaClient([f"http://127.0.0.1:{free_port()}" for _ in range(2)], "t", 2)
    with pytest.raises(RasaUnavailable):
        await client.send("browser-1234", "hi", {})
    await client.close()
