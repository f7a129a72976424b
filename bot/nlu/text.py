"""Text normalisation shared by every matcher."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and hyphens, collapse spaces."""
    return _SPACES.sub(" ", _plain(text)).strip()


def fold_apart(text: str) -> str:
    """`fold`, with apostrophes as spaces: "qu'est-ce que j'ai" reads "qu est ce que j ai",
    so a pattern meets the elided words on either side of them."""
    return fold(text).replace("'", " ")


def _plain(text: str) -> str:
    """`fold` before spaces are collapsed: accents stripped, lower case, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower().replace("-", " ")


def fold_positions(text: str) -> list[int] | None:
    """For each character of `fold(text)`, the index in `text` it comes from; None when the
    two cannot be lined up (a character that folds into several, such as a ligature)."""
    pieces: list[tuple[str, int]] = []
    for index, ch in enumerate(text):
        for part in _plain(ch):
            pieces.append((part, index))
    out: list[int] = []
    folded: list[str] = []
    for part, index in pieces:
        if part.isspace():
            if not folded or folded[-1] == " ":
                continue
            part = " "
        folded.append(part)
        out.append(index)
    while folded and folded[-1] == " ":
        folded.pop()
        out.pop()
    return out if "".join(folded) == fold(text) else None


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
