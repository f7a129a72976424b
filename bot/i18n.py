"""Display words for the request's enumerations and field names in en/fr/es.

Sentences live in the Rasa domain's responses; these are the words put into them.
"""

LANGUAGES = ("en", "fr", "es")

FIELD_LABELS: dict[str, dict[str, str]] = {
    "member": {"en": "Government", "fr": "Gouvernement", "es": "Gobierno"},
    "requester_name": {"en": "Name", "fr": "Nom", "es": "Nombre"},
    "institution": {"en": "Institution", "fr": "Institution", "es": "Institución"},
    "email": {"en": "Email", "fr": "Courriel", "es": "Correo electrónico"},
    "need_area": {"en": "Need area", "fr": "Domaine", "es": "Área"},
    "topics": {"en": "Topics", "fr": "Thèmes", "es": "Temas"},
    "description": {"en": "Need", "fr": "Besoin", "es": "Necesidad"},
    "organizations": {"en": "Organizations", "fr": "Organisations", "es": "Organizaciones"},
    "activity_choice": {
        "en": "Activities chosen",
        "fr": "Activités choisies",
        "es": "Actividades elegidas",
    },
    "selected_activity_ids": {
        "en": "Activities chosen",
        "fr": "Activités choisies",
        "es": "Actividades elegidas",
    },
    "timeline": {"en": "Timeline", "fr": "Échéance", "es": "Plazo"},
    "prior_assistance": {
        "en": "Assistance already received",
        "fr": "Assistance déjà reçue",
        "es": "Asistencia ya recibida",
    },
    "expected_outcome": {
        "en": "Expected outcome",
        "fr": "Résultat attendu",
        "es": "Resultado esperado",
    },
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "vaccines": {"en": "vaccines", "fr": "vaccins", "es": "vacunas"},
    "medicines": {"en": "medicines", "fr": "médicaments", "es": "medicamentos"},
    "technologies": {
        "en": "related technologies",
        "fr": "technologies connexes",
        "es": "tecnologías conexas",
    },
    "intellectual_property": {
        "en": "intellectual property",
        "fr": "propriété intellectuelle",
        "es": "propiedad intelectual",
    },
    "trade": {"en": "trade", "fr": "commerce", "es": "comercio"},
    "regulation": {"en": "regulation", "fr": "réglementation", "es": "regulación"},
    "technology_transfer": {
        "en": "technology transfer",
        "fr": "transfert de technologie",
        "es": "transferencia de tecnología",
    },
    "local_production": {
        "en": "local production",
        "fr": "production locale",
        "es": "producción local",
    },
    "procurement": {"en": "procurement", "fr": "achats", "es": "compras"},
    "WHO": {"en": "WHO", "fr": "OMS", "es": "OMS"},
    "WIPO": {"en": "WIPO", "fr": "OMPI", "es": "OMPI"},
    "WTO": {"en": "WTO", "fr": "OMC", "es": "OMC"},
    "not_sure": {
        "en": "not sure (the secretariats decide)",
        "fr": "je ne sais pas (les secrétariats décident)",
        "es": "no estoy seguro (deciden las secretarías)",
    },
    # Request statuses, as a delegate sees them.
    "new": {"en": "received", "fr": "reçue", "es": "recibida"},
    "triaged": {"en": "being reviewed", "fr": "en cours d'examen", "es": "en revisión"},
    "assigned": {
        "en": "assigned to a secretariat",
        "fr": "confiée à un secrétariat",
        "es": "asignada a una secretaría",
    },
    "in_progress": {"en": "in progress", "fr": "en cours", "es": "en curso"},
    "closed": {"en": "closed", "fr": "clôturée", "es": "cerrada"},
}


def lang(language: str | None) -> str:
    """A supported language code, English when unknown."""
    return language if language in LANGUAGES else "en"


def field_label(field: str, language: str | None) -> str:
    return FIELD_LABELS.get(field, {}).get(lang(language), field)


def value_label(value: str, language: str | None) -> str:
    return VALUE_LABELS.get(value, {}).get(lang(language), value)


def join_values(values: list[str], language: str | None) -> str:
    return ", ".join(value_label(v, language) for v in values)
