"""Display labels for the controlled vocabularies, in English, French and Spanish."""

from __future__ import annotations

NEED_AREA_LABELS: dict[str, dict[str, str]] = {
    "vaccines": {"en": "vaccines", "fr": "vaccins", "es": "vacunas"},
    "medicines": {"en": "medicines", "fr": "médicaments", "es": "medicamentos"},
    "technologies": {
        "en": "health technologies (tests, devices, PPE)",
        "fr": "technologies de santé (tests, dispositifs, EPI)",
        "es": "tecnologías sanitarias (pruebas, dispositivos, EPP)",
    },
}

TOPIC_LABELS: dict[str, dict[str, str]] = {
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
    "procurement": {"en": "procurement", "fr": "achats publics", "es": "compras públicas"},
}

FORMAT_LABELS: dict[str, dict[str, str]] = {
    "workshop": {"en": "workshop", "fr": "atelier", "es": "taller"},
    "advisory": {"en": "advisory service", "fr": "service de conseil", "es": "asesoramiento"},
    "training": {"en": "training", "fr": "formation", "es": "formación"},
    "online_course": {"en": "online course", "fr": "cours en ligne", "es": "curso en línea"},
    "database_tool": {
        "en": "database or tool",
        "fr": "base de données ou outil",
        "es": "base de datos o herramienta",
    },
    "publication": {"en": "publication", "fr": "publication", "es": "publicación"},
    "legislative_assistance": {
        "en": "legislative assistance",
        "fr": "assistance législative",
        "es": "asistencia legislativa",
    },
}

# Extra index text so that a delegate naming a topic or format in any language finds
# activities tagged with it, even when the activity's own wording differs.
TOPIC_INDEX_TEXT: dict[str, str] = {
    "intellectual_property": "IP patents brevets patentes propiedad intelectual propriete",
    "trade": "trade commerce comercio tariffs droits de douane aranceles customs douane aduana",
    "regulation": "regulation regulatory reglementation regulacion regulator homologation",
    "technology_transfer": "technology transfer transfert de technologie transferencia know-how",
    "local_production": "local production manufacturing fabrication fabricacion",
    "procurement": "procurement purchase achats compras adquisiciones licitacion tender",
}

FORMAT_INDEX_TEXT: dict[str, str] = {
    "workshop": "workshop atelier taller seminar seminaire seminario",
    "advisory": "advice advisory conseil conseils asesoramiento asesoria",
    "training": "training course formation cours formacion capacitacion curso",
    "online_course": (
        "online course e-learning training cours en ligne formation curso en linea virtual"
    ),
    "database_tool": "database tool base de donnees outil base de datos herramienta",
    "publication": "publication report study rapport etude publicacion informe estudio",
    "legislative_assistance": "legislative law legislation loi legislative ley legislacion",
}

ORGANIZATION_LABELS: dict[str, dict[str, str]] = {
    "WHO": {"en": "WHO", "fr": "OMS", "es": "OMS"},
    "WIPO": {"en": "WIPO", "fr": "OMPI", "es": "OMPI"},
    "WTO": {"en": "WTO", "fr": "OMC", "es": "OMC"},
}

PAST_NOTE: dict[str, str] = {
    "en": "Past event: useful only as a recording or reference material.",
    "fr": "Événement passé : utile seulement comme enregistrement ou documentation.",
    "es": "Evento pasado: solo sirve como grabación o material de referencia.",
}


def label(table: dict[str, dict[str, str]], key: str, language: str) -> str:
    """Look up a label, falling back to English and then to the key itself."""
    entry = table.get(key, {})
    return entry.get(language) or entry.get("en") or key
