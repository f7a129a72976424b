"""Conversations for analysts: the dashboard's filtered lists and transcripts, redacted.

The filters are the staff transcript list's own (`bot.transcripts.search`), so a dashboard
number and the list its link opens agree. What is shown goes through
`bot.analyst.transcripts`: no delegate's email, phone number, name or institution, no staff
notes or tags, and no search by words (which could confirm that someone wrote a name).
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select

from bot.analyst.transcripts import preview, redacted_transcript, redacted_turns
from bot.auth.deps import AnalystUser
from bot.store.models import Request as FiledRequest
from bot.transcripts import search as conversations
from bot.transcripts import tracker
from bot.transcripts.schemas import LinkedRequest
from bot.web.deps import SessionDep
from bot.web.staff.conversation_pages import ACTIONS_OF_INTEREST
from bot.web.staff.deps import IndexerDep, TrackerDep, catch_up
from bot.web.staff.schemas import ConversationQuery
from bot.web.staff.templating import templates

router = APIRouter(prefix="/analyst/conversations", include_in_schema=False)
# Filters an analyst may not use: free text and staff's tags.
NOT_FOR_ANALYSTS = {"q": None, "tag": None}


@router.get("", response_class=HTMLResponse)
def conversation_list(
    request: Request,
    current: AnalystUser,
    session: SessionDep,
    engine: TrackerDep,
    indexer: IndexerDep,
) -> HTMLResponse:
    """Conversations matching the filters, newest activity first, previews redacted."""
    params = {k: v for k, v in request.query_params.items() if k not in NOT_FOR_ANALYSTS}
    error, code = None, 200
    try:
        query = ConversationQuery.model_validate(params)
    except ValidationError as exc:
        error = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        code, query = 422, ConversationQuery()
    query = query.model_copy(update=NOT_FOR_ANALYSTS)
    pending = catch_up(indexer, session)
    rows, total, exact = conversations.search(
        session, query.to_filter(), limit=query.per_page, offset=query.offset
    )
    events = tracker.events_of(engine, [r.sender_id for r in rows]) if rows else {}
    previews = {sid: preview(redacted_turns(evs)) for sid, evs in events.items()}
    for row in rows:
        row.preview = previews.get(row.sender_id, "")
        row.tags = []
    return templates.TemplateResponse(
        request,
        "analyst_conversations.html",
        {
            "current": current,
            "section": "analyst",
            "rows": rows,
            "total": total,
            "exact": exact,
            "query": query,
            "params": params,
            "pending": pending,
            "error": error,
            "intents": conversations.known_labels(session, "intent"),
            "actions": sorted(
                set(conversations.known_labels(session, "action")) | set(ACTIONS_OF_INTEREST)
            ),
        },
        status_code=code,
    )


@router.get("/{sender_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, sender_id: str, current: AnalystUser, session: SessionDep, engine: TrackerDep
) -> HTMLResponse:
    """One conversation, every turn, with personal data replaced by placeholders."""
    filed = session.scalars(
        select(FiledRequest)
        .where(FiledRequest.conversation_id == sender_id)
        .order_by(FiledRequest.id)
    )
    found = redacted_transcript(
        sender_id,
        tracker.conversation_events(engine, sender_id),
        [LinkedRequest(reference=r.reference or "", status=r.status) for r in filed],
    )
    if found is None:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"current": current, "message": "There is no conversation with this id."},
            status_code=404,
        )
    return templates.TemplateResponse(
        request,
        "analyst_conversation.html",
        {"current": current, "section": "analyst", "t": found},
    )
