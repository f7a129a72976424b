"""Tables of the analyst workbench: what analysts decided about messages in the NLU inbox."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    IGNORED = "ignored"


class NluDecision(Base):
    """An analyst's decision on one group of identical (redacted, normalised) messages.

    Only redacted text is stored: the decision outlives the transcript it came from.
    """

    __tablename__ = "nlu_decisions"
    __table_args__ = (
        UniqueConstraint("language", "key", name="uq_nlu_decisions_language_key"),
        Index("ix_nlu_decisions_pending", "verdict", "exported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The group: normalised redacted text and the language it was written in.
    language: Mapped[str] = mapped_column(String(5))
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))
    # For an accepted group: the intent and the example as written to the training data
    # (Rasa's inline entity annotations included).
    intent: Mapped[str | None] = mapped_column(String(64))
    example: Mapped[str | None] = mapped_column(Text)
    predicted_intent: Mapped[str | None] = mapped_column(String(64))
    messages: Mapped[int] = mapped_column(default=1)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_at: Mapped[datetime | None]
    exported_to: Mapped[str | None] = mapped_column(String(300))
