"""Practical questions (what asking costs, sending documents) and what only looks like one."""

import pytest

from bot.conversation.practical import question_asked


@pytest.mark.parametrize(
    "text",
    [
        "is this service free of charge?",
        "do we have to pay anything?",
        "are there any fees for the workshops?",
        "est-ce que c'est gratuit ?",
        "y a-t-il des frais ?",
        "combien ça coûte ?",
        "¿cuánto cuesta?",
        "¿hay que pagar algo?",
        "¿esto es gratis?",
    ],
)
def test_a_question_about_cost_gets_the_cost_answer(text: str) -> None:
    assert question_asked(text) == "utter_cost"


@pytest.mark.parametrize(
    "text",
    [
        "can I attach a document?",
        "how do I upload our draft law?",
        "can I send you the report?",
        "est-ce que je peux joindre un document ?",
        "puis-je vous envoyer le fichier",
        "¿puedo adjuntar un documento?",
        "¿cómo les envío nuestro informe?",
    ],
)
def test_a_question_about_documents_gets_the_documents_answer(text: str) -> None:
    assert question_asked(text) == "utter_documents"


@pytest.mark.parametrize(
    "text",
    [
        "hola, en que idioma puedo escribir?",
        "what languages can I use?",
        "en quelle langue puis-je écrire ?",
        "¿qué idiomas hablan?",
    ],
)
def test_a_question_about_languages_gets_the_languages_answer(text: str) -> None:
    assert question_asked(text) == "utter_languages"


@pytest.mark.parametrize(
    "text",
    [
        "we need free vaccines for the elderly",  # a need, not a question
        "can we get cheaper vaccines?",  # about the product
        "how do we pay for medicines through pooled procurement?",  # the need itself
        "is Costa Rica eligible?",
        "quels pays peuvent demander de l'aide ?",
        "who is in charge of my request?",
        "what is this platform?",
        "Ghana?",
    ],
)
def test_other_questions_are_not_taken_for_practical_ones(text: str) -> None:
    assert question_asked(text) is None
