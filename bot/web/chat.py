"""The chat gateway: the widget's only way to the Rasa server."""

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.schemas import Language
from bot.transcripts.tracker import tracker_engine, turn_state
from bot.web.conversation_lock import ConversationBusy, ConversationLocks
from bot.web.deps import SettingsDep
from bot.web.rasa_client import RasaClient, RasaUnavailable
from bot.web.ratelimit import client_address, json_field, rate_limited
from bot.web.replies_cache import RepliesCache, StillProcessing
from bot.web.schemas import BotMessage, ChatIn, ChatOut, HistoryMessage, HistoryOut, SenderId

router = APIRouter(prefix="/api/chat", tags=["chat"])
log = logging.getLogger(__name__)

UNAVAILABLE = "The assistant is temporarily unavailable. Please try again in a moment."

# Rasa answers every message of ours with at least one message; silence means a step failed
# (typically the action server was down and Rasa dropped that action's events).
SEND_AGAIN: dict[str, str] = {
    "en": "Sorry, something went wrong on our side and I could not take in your last message. "
    "Please send it again.",
    "fr": "Désolé, un problème est survenu de notre côté et je n'ai pas pu prendre en compte "
    "votre dernier message. Veuillez le renvoyer.",
    "es": "Lo siento, algo ha fallado por nuestra parte y no he podido tener en cuenta su último "
    "mensaje. Por favor, envíelo de nuevo.",
}
# Messages that legitimately get no answer.
_SILENT_PAYLOADS = ("/session_start",)


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa  # type: ignore[no-any-return]


def get_replies(request: Request) -> RepliesCache:
    return request.app.state.replies  # type: ignore[no-any-return]


def get_conversation_locks(request: Request) -> ConversationLocks:
    return request.app.state.conversation_locks  # type: ignore[no-any-return]


def get_tracker_store(settings: SettingsDep) -> Engine:
    return tracker_engine(settings.tracker_database_url)


RasaDep = Annotated[RasaClient, Depends(get_rasa)]
TrackerStoreDep = Annotated[Engine, Depends(get_tracker_store)]
RepliesDep = Annotated[RepliesCache, Depends(get_replies)]
LocksDep = Annotated[ConversationLocks, Depends(get_conversation_locks)]

# Per network address (a ministry behind one NAT shares it) and per conversation.
per_address = Depends(
    rate_limited("chat-address", "rate_limit_chat_per_address", client_address, "your address")
)
per_sender = Depends(
    rate_limited(
        "chat-sender", "rate_limit_chat_per_sender", json_field("sender_id"), "this conversation"
    )
)
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests; the Retry-After header says when to retry"}
}


@router.post(
    "",
    response_model=ChatOut,
    responses={503: {"description": "Rasa unavailable"}, **RATE_LIMITED},
    dependencies=[per_address, per_sender],
)
async def chat(
    body: ChatIn, rasa: RasaDep, replies: RepliesDep, locks: LocksDep, store: TrackerStoreDep
) -> ChatOut:
    """Send a delegate's message to the assistant and return its answers."""
    message_id = body.client_message_id
    if message_id:
        try:
            earlier = await replies.claim(body.sender_id, message_id)
        except StillProcessing as exc:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "This message is still being answered; retry shortly."
            ) from exc
        if earlier is not None:
            return ChatOut.model_validate_json(earlier)
    try:
        async with locks.hold(body.sender_id):
            answer, failed = await _converse(body, rasa, store)
    except (RasaUnavailable, ConversationBusy) as exc:
        if message_id:
            await replies.release(body.sender_id, message_id)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, UNAVAILABLE) from exc
    except BaseException:
        if message_id:
            await replies.release(body.sender_id, message_id)
        raise
    if message_id:
        await _remember(replies, body.sender_id, message_id, None if failed else answer)
    return answer


async def _remember(
    replies: RepliesCache, sender_id: str, message_id: str, answer: ChatOut | None
) -> None:
    """Keep the answer for a resent twin; an answer that failed is forgotten so a twin reruns.

    The turn has happened by now: a store that cannot take the answer must not turn it into an
    error the delegate would see (their message would then look lost, though Rasa took it in).
    """
    try:
        if answer is None:
            await replies.release(sender_id, message_id)
        else:
            await replies.store(sender_id, message_id, answer.model_dump_json())
    except SQLAlchemyError as exc:
        log.warning("could not remember the answer to a message (%s)", type(exc).__name__)


async def _converse(body: ChatIn, rasa: RasaClient, store: Engine) -> tuple[ChatOut, bool]:
    """The assistant's answer, and whether Rasa failed to answer at all."""
    metadata = {k: v for k, v in body.metadata.items() if v is not None}
    sent = await rasa.send(body.sender_id, body.message, metadata)
    state = await _state_after_turn(body.sender_id, rasa, store)
    language = _language(state)
    messages = [_bot_message(m) for m in sent]
    failed = not messages and not body.message.startswith(_SILENT_PAYLOADS)
    if failed:
        log.warning("Rasa answered nothing; asking the delegate to send the message again")
        messages = [BotMessage(text=SEND_AGAIN[language])]
    return ChatOut(messages=messages, expecting=expecting(state), language=language), failed


async def _state_after_turn(sender_id: str, rasa: RasaClient, store: Engine) -> dict[str, Any]:
    """What the form asks and the language once the turn is saved.

    Read from the tracker store: asking Rasa made it rebuild the whole tracker from the store
    a second time per turn. Rasa is asked only when the store cannot tell.
    """
    try:
        state = await asyncio.to_thread(turn_state, store, sender_id)
    except SQLAlchemyError as exc:
        # The class only: a database error's text may carry what delegates wrote.
        log.warning("tracker store unreadable (%s); asking Rasa", type(exc).__name__)
        state = None
    return state if state is not None else await rasa.tracker(sender_id)


@router.get(
    "/{sender_id}/history",
    response_model=HistoryOut,
    responses={503: {"description": "Rasa unavailable"}, **RATE_LIMITED},
    dependencies=[per_address],
)
async def history(sender_id: SenderId, rasa: RasaDep) -> HistoryOut:
    """The conversation so far, for the browser that owns this sender id."""
    try:
        state = await rasa.tracker(sender_id, events=True)
    except RasaUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, UNAVAILABLE) from exc
    messages = history_messages(state.get("events") or [])
    return HistoryOut(messages=messages, expecting=expecting(state), language=_language(state))


def history_messages(events: list[dict[str, Any]]) -> list[HistoryMessage]:
    """The user and bot messages of a tracker's events, as the delegate saw them.

    A button press reaches Rasa as its payload (`/affirm`); the delegate saw the button's
    title, so that is what the history shows. Payloads no button offered (the widget's
    `/greet`) were never typed by the delegate and are left out.
    """
    messages: list[HistoryMessage] = []
    for event in events:
        kind = event.get("event")
        timestamp = event.get("timestamp", 0)
        if kind == "user":
            text = event.get("text") or ""
            if text.startswith("/"):
                title = _button_title(messages, text)
                if title is None:
                    continue
                text = title
            messages.append(HistoryMessage(role="user", text=text, timestamp=timestamp))
        elif kind == "bot":
            data = event.get("data") or {}
            messages.append(
                HistoryMessage(
                    role="bot",
                    text=event.get("text"),
                    buttons=data.get("buttons") or [],
                    timestamp=timestamp,
                )
            )
    return messages


def _button_title(earlier: list[HistoryMessage], payload: str) -> str | None:
    """The title of the most recently offered button that sends this payload."""
    for message in reversed(earlier):
        for button in message.buttons:
            if button.payload == payload:
                return button.title
    return None


def expecting(state: dict[str, Any]) -> str | None:
    """The slot a form is asking for, if a form is active."""
    if not (state.get("active_loop") or {}).get("name"):
        return None
    requested = (state.get("slots") or {}).get("requested_slot")
    return str(requested) if requested else None


def _language(state: dict[str, Any]) -> Language:
    value = (state.get("slots") or {}).get("language")
    return value if value in ("en", "fr", "es") else "en"


def _bot_message(raw: dict[str, Any]) -> BotMessage:
    return BotMessage(
        text=raw.get("text"),
        buttons=raw.get("buttons") or [],
        image=raw.get("image"),
        custom=raw.get("custom"),
    )
