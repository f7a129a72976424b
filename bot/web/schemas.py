"""Request and response bodies of the chat gateway."""

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

# C0 controls other than tab, newline and carriage return; they only ever come from bugs or abuse.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A character that is neither white space nor a control: a message needs one.
VISIBLE = r"[^\s\x00-\x08\x0e-\x1f\x7f]"
# Half of a UTF-16 pair: JSON's \ud800 escapes decode to it, but it is not text and cannot be
# encoded for Rasa, the store or a response.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _unicode(value: str) -> str:
    if _SURROGATE.search(value):
        raise ValueError("text contains an unpaired UTF-16 surrogate (invalid Unicode)")
    return value


Text = Annotated[str, AfterValidator(_unicode)]
SenderId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
ClientMessageId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def _plain(value: Any) -> Any:
    """Metadata values are what a widget knows: short text, a finite number, a flag, or null."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) <= 2**53:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and len(value) <= 200:
        return _unicode(value)
    raise ValueError("metadata values must be text up to 200 characters, a number, a flag or null")


MetadataValue = Annotated[
    Any,
    AfterValidator(_plain),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"], "maxLength": 200}),
]


class ChatIn(BaseModel):
    """One message from the widget (or any client) to the assistant."""

    model_config = ConfigDict(extra="forbid")

    sender_id: SenderId
    message: Text = Field(
        min_length=1,
        max_length=4000,
        # Documented for clients: at least one visible character (controls are dropped and
        # the ends trimmed, so a message of only those is refused as empty by `_readable`).
        json_schema_extra={"pattern": VISIBLE},
    )
    metadata: dict[Annotated[Text, StringConstraints(max_length=50)], MetadataValue] = Field(
        default_factory=dict, max_length=20
    )
    client_message_id: ClientMessageId | None = None

    @field_validator("message")
    @classmethod
    def _readable(cls, value: str) -> str:
        value = _CONTROL.sub("", value).strip()
        if not value:
            raise ValueError("message is empty")
        return value

    @field_validator("metadata")
    @classmethod
    def _known_language(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "language" in value and value["language"] not in ("en", "fr", "es"):
            raise ValueError("metadata.language must be one of en, fr, es")
        return value


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[Button] = Field(default_factory=list)
    image: str | None = None
    custom: dict[str, Any] | None = None


class ChatOut(BaseModel):
    """The assistant's answer and what it now expects from the delegate."""

    messages: list[BotMessage]
    expecting: str | None = Field(description="The slot the assistant is asking for, or null.")
    language: Literal["en", "fr", "es"] = "en"


class HistoryMessage(BaseModel):
    role: Literal["user", "bot"]
    text: str | None = None
    buttons: list[Button] = Field(default_factory=list)
    timestamp: float


class HistoryOut(BaseModel):
    messages: list[HistoryMessage]
    expecting: str | None
    language: Literal["en", "fr", "es"] = "en"
