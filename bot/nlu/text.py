"""Text normalisation shared by every matcher."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and hyphens, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower().replace("-", " ")).strip()


def words(text: str) -> list[str]:
    """The folded words of `text` (letters and digits only)."""
    return re.findall(r"[a-z0-9]+", fold(text))


def clip(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
