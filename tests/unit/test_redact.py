"""Redaction: emails, phone numbers and the delegate's form answers become placeholders."""

import pytest

from bot.analyst.redact import Personal, personal_from_events, redact


def form_answers(name: str, institution: str, email: str) -> Personal:
    """What the request form's slots held in a conversation, as tracker events."""
    return personal_from_events(
        [
            {"event": "slot", "name": "institution", "value": institution},
            {"event": "slot", "name": "requester_name", "value": name},
            {"event": "slot", "name": "email", "value": email},
            {"event": "slot", "name": "need_area", "value": "vaccines"},
        ]
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "You can call me on +41 22 791 2111 or write to k.mensah@moti.gov.gh",
            "You can call me on [PHONE] or write to [EMAIL]",
        ),
        (
            "My office number is (022) 730-5111, extension 4.",
            "My office number is [PHONE], extension 4.",
        ),
        ("Phone: 0041227912111", "Phone: [PHONE]"),
        ("mobile +254.722.123.456 / office +1 202-555-0143", "mobile [PHONE] / office [PHONE]"),
        (
            "Vous pouvez me joindre au 06 12 34 56 78 ou +33 (0)1 45 24 82 00",
            "Vous pouvez me joindre au [PHONE] ou [PHONE]",
        ),
        (
            "Mi celular es 0991 234 567, correo: ana.perez@minsa.gob.pe",
            "Mi celular es [PHONE], correo: [EMAIL]",
        ),
        ("écrivez à a.diallo(at)sante.gouv.sn svp", "écrivez à [EMAIL] svp"),
    ],
)
def test_emails_and_phone_numbers_become_placeholders(message: str, expected: str) -> None:
    assert redact(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "We need 1 000 000 doses of vaccine before 2026",
        "Necesitamos 1.000.000 de pruebas para 2025-2026",
        "Ma référence est TA-2026-000123, déposée le 15/03/2026",
        "COVID-19, the MC12 TRIPS decision and Article 31bis",
        "a budget of 250000 USD over 12.5 months",
        "I work at who.int and my ministry is at health.gov.gh",
    ],
)
def test_numbers_dates_references_and_websites_stay(message: str) -> None:
    assert redact(message) == message


def test_english_form_answers_are_replaced_wherever_they_appear() -> None:
    personal = form_answers(
        "Kwame Mensah", "Ministry of Trade and Industry", "k.mensah@moti.gov.gh"
    )
    message = (
        "Hello, I am Kwame Mensah from the Ministry of Trade and Industry of Ghana; "
        "Kwame is fine. Reach me at K.Mensah@moti.gov.gh."
    )
    assert redact(message, personal) == (
        "Hello, I am [NAME] from the [INSTITUTION] of Ghana; [NAME] is fine. Reach me at [EMAIL]."
    )


def test_french_form_answers_match_without_accents_or_case() -> None:
    personal = form_answers(
        "Dr. Aminata Diallo", "Ministère de la Santé", "aminata.diallo@sante.gouv.sn"
    )
    message = "Bonjour, ici aminata DIALLO du ministere de la sante du Sénégal, merci"
    assert redact(message, personal) == "Bonjour, ici [NAME] du [INSTITUTION] du Sénégal, merci"


def test_spanish_form_answers_and_the_answer_message_itself() -> None:
    personal = form_answers(
        "María José Pérez", "Dirección General de Medicamentos", "mjperez@digemid.gob.pe"
    )
    assert redact("María José Pérez", personal) == "[NAME]"
    assert (
        redact("Soy Maria Jose Perez, de la Dirección General de Medicamentos del Perú", personal)
        == "Soy [NAME], de la [INSTITUTION] del Perú"
    )
    # Country names and the need stay: they are what the model learns from.
    assert redact("Necesitamos vacunas para Perú", personal) == "Necesitamos vacunas para Perú"


def test_a_status_email_and_an_email_entity_count_as_form_answers() -> None:
    personal = personal_from_events(
        [
            {"event": "slot", "name": "status_email", "value": "j.doe@ipo.go.ke"},
            {
                "event": "user",
                "text": "my address is jdoe at ipo",
                "parse_data": {"entities": [{"entity": "email", "value": "jdoe@ipo.go.ke"}]},
            },
        ]
    )
    assert redact("check with j.doe@ipo.go.ke", personal) == "check with [EMAIL]"
    assert redact("it is jdoe@ipo.go.ke", personal) == "it is [EMAIL]"


def test_short_name_parts_and_titles_are_not_redacted_on_their_own() -> None:
    personal = form_answers("Dr. Li", "WHO", "li@who.int")
    # "Li" is too short to redact alone elsewhere, "Dr" is a title; the full answer still goes.
    assert redact("Dr. Li here, Dr. Smith agrees", personal) == "[NAME] here, Dr. Smith agrees"
