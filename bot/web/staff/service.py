"""What the staff pages and the JSON API both do: read transcripts and requests, apply changes."""

from collections import defaultdict

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.auth import users
from bot.catalogue import get_catalogue
from bot.store import audit, crud
from bot.store.db import WRITE_OPTION
from bot.store.models import Request
from bot.store.staff_models import (
    ConversationReview,
    ConversationTag,
    RequestNote,
    TurnFlag,
    User,
)
from bot.store.workflow import Actor, WorkflowError, allowed_next, suggest_routing, transition
from bot.transcripts import tracker
from bot.transcripts.parse import transcript
from bot.transcripts.schemas import (
    FlagPublic,
    LinkedRequest,
    ReviewPublic,
    TranscriptPublic,
)
from bot.web.staff.schemas import (
    ActivityRef,
    AuditPublic,
    NotePublic,
    RequestDetailPublic,
    RequestStaffPublic,
    RoutingSuggestionPublic,
    StaffMemberPublic,
    TransitionIn,
)


def writing(session: Session) -> Session:
    """Take the write lock up front (SQLite), before reading what will be changed.

    Ends the read transaction that the sign-in check opened, so the next one starts as a writer.
    """
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
    return session


def read_transcript(session: Session, engine: Engine, sender_id: str) -> TranscriptPublic | None:
    """A conversation straight from the tracker store, with our marks; None if unknown."""
    events = tracker.conversation_events(engine, sender_id)
    if not events:
        return None
    turns = transcript(events)
    flags: dict[int, list[FlagPublic]] = defaultdict(list)
    for flag in session.scalars(
        select(TurnFlag).where(TurnFlag.sender_id == sender_id).order_by(TurnFlag.id)
    ):
        flags[flag.event_id].append(FlagPublic.model_validate(flag, from_attributes=True))
    for turn in turns:
        turn.flags = flags.get(turn.event_id, [])
    review = session.get(ConversationReview, sender_id)
    requests = session.scalars(
        select(Request).where(Request.conversation_id == sender_id).order_by(Request.id)
    )
    tags = session.scalars(
        select(ConversationTag.tag)
        .where(ConversationTag.sender_id == sender_id)
        .order_by(ConversationTag.tag)
    )
    return TranscriptPublic(
        sender_id=sender_id,
        turns=turns,
        requests=[LinkedRequest(reference=r.reference or "", status=r.status) for r in requests],
        review=ReviewPublic(reviewer=review.reviewer, reviewed_at=review.reviewed_at)
        if review
        else None,
        tags=list(tags),
    )


def set_reviewed(session: Session, sender_id: str, reviewed: bool, actor: Actor) -> None:
    """Mark or unmark a conversation as reviewed (the caller commits)."""
    existing = session.get(ConversationReview, sender_id)
    if reviewed and existing is None:
        session.add(
            ConversationReview(sender_id=sender_id, reviewer=actor.label, reviewer_id=actor.user_id)
        )
    elif not reviewed and existing is not None:
        session.delete(existing)
    else:
        return
    audit.record(
        session,
        actor.label,
        "conversation",
        sender_id,
        "reviewed" if reviewed else "unreviewed",
        {},
        actor_id=actor.user_id,
    )


def add_tag(session: Session, sender_id: str, tag: str, actor: Actor) -> None:
    """Tag a conversation; adding a tag it already has changes nothing."""
    tag = tag.strip().lower()
    if session.get(ConversationTag, (sender_id, tag)) is not None:
        return
    try:
        with session.begin_nested():
            session.add(ConversationTag(sender_id=sender_id, tag=tag, added_by=actor.label))
    except IntegrityError:
        return
    audit.record(
        session,
        actor.label,
        "conversation",
        sender_id,
        "tagged",
        {"tag": tag},
        actor_id=actor.user_id,
    )


def remove_tag(session: Session, sender_id: str, tag: str, actor: Actor) -> None:
    """Remove a tag from a conversation."""
    result = session.execute(
        delete(ConversationTag).where(
            ConversationTag.sender_id == sender_id, ConversationTag.tag == tag.strip().lower()
        )
    )
    if getattr(result, "rowcount", 0):
        audit.record(
            session,
            actor.label,
            "conversation",
            sender_id,
            "untagged",
            {"tag": tag},
            actor_id=actor.user_id,
        )


def add_flag(
    session: Session, engine: Engine, sender_id: str, event_id: int, note: str, actor: Actor
) -> TurnFlag:
    """Pin a note to one event of the conversation; the event must belong to it."""
    if not any(e.id == event_id for e in tracker.conversation_events(engine, sender_id)):
        raise WorkflowError(f"event {event_id} is not part of this conversation")
    flag = TurnFlag(
        sender_id=sender_id,
        event_id=event_id,
        note=note.strip(),
        author=actor.label,
        author_id=actor.user_id,
    )
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor.label,
        "conversation",
        sender_id,
        "flagged",
        {"event_id": event_id},
        actor_id=actor.user_id,
    )
    return flag


def staff_view(request: Request, names: dict[int, User]) -> RequestStaffPublic:
    """A request with its assignee resolved."""
    view = RequestStaffPublic.model_validate(request, from_attributes=True)
    assignee = names.get(request.assignee_id or 0)
    view.assignee = StaffMemberPublic.model_validate(assignee) if assignee else None
    return view


def users_by_id(session: Session, ids: list[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _activities(ids: list[str], language: str = "en") -> list[ActivityRef]:
    catalogue = get_catalogue()
    found = [a for i in ids if (a := catalogue.get(i)) is not None]
    return [
        ActivityRef(id=a.id, title=a.title.get(language), organizations=list(a.organizations))
        for a in found
    ]


def request_detail(session: Session, request: Request) -> RequestDetailPublic:
    """Everything the request page shows."""
    suggestion = suggest_routing(request)
    notes = session.scalars(
        select(RequestNote).where(RequestNote.request_id == request.id).order_by(RequestNote.id)
    )
    return RequestDetailPublic(
        request=staff_view(request, users_by_id(session, [request.assignee_id])),
        suggested_routing=RoutingSuggestionPublic(
            routing=suggestion.routing, reasons=suggestion.reasons
        ),
        allowed_next=list(allowed_next(request)),
        suggested_activities=_activities(request.suggested_activity_ids),
        selected_activities=_activities(request.selected_activity_ids),
        offered_activities=(
            None
            if request.offered_activity_ids is None
            else _activities(request.offered_activity_ids)
        ),
        notes=[NotePublic.model_validate(n) for n in notes],
        history=[
            AuditPublic.model_validate(e)
            for e in audit.history(session, "request", request.reference or str(request.id))
        ],
    )


def catalogue_ids() -> set[str]:
    """The ids staff may record as offered."""
    return {a.id for a in get_catalogue().activities}


def catalogue_choices() -> list[ActivityRef]:
    """Every activity, open ones first, for the "offered" form."""
    activities = sorted(get_catalogue().activities, key=lambda a: (not a.is_open, a.title.en))
    return [
        ActivityRef(id=a.id, title=a.title.en, organizations=list(a.organizations))
        for a in activities
    ]


def locked_request(session: Session, reference: str) -> Request | None:
    """The request to change, locked against a concurrent change (row lock on PostgreSQL)."""
    found = crud.get_by_reference(session, reference)
    if found is None:
        return None
    return session.scalars(select(Request).where(Request.id == found.id).with_for_update()).one()


def apply_transition(session: Session, request: Request, body: TransitionIn, actor: Actor) -> None:
    """Resolve the assignee's username and make the change (WorkflowError if refused)."""
    assignee = None
    if body.assignee:
        assignee = users.get_by_username(session, body.assignee)
        if assignee is None:
            raise WorkflowError(f"no account {body.assignee!r}")
    transition(
        session,
        request,
        body.to,
        actor,
        organization=body.organization,
        assignee=assignee,
        outcome=body.outcome.value if body.outcome else None,
    )
