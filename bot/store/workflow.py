"""The request workflow: allowed status changes, assignment, routing, notes, all audited.

new → triaged → assigned (organization + person) → in_progress → closed (with an outcome).
A request can be closed early (duplicate, withdrawn, …) from any open status and reassigned
while assigned or in progress; everything else is refused with the reason.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.store.audit import record
from bot.store.models import Request, RequestStatus, utcnow
from bot.store.staff_models import RequestNote, Role, User

ORGANIZATIONS = ("WHO", "WIPO", "WTO")
ROUTINGS = (*ORGANIZATIONS, "joint")
# Topics whose home is clearly one organization. Technology transfer, local production and
# procurement involve all three, so they do not point anywhere on their own.
TOPIC_ROUTES = {"intellectual_property": "WIPO", "trade": "WTO", "regulation": "WHO"}


class Outcome(StrEnum):
    ASSISTANCE_PROVIDED = "assistance_provided"
    REFERRED = "referred"
    DECLINED = "declined"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"
    NO_RESPONSE = "no_response"


NEXT: dict[str, tuple[str, ...]] = {
    RequestStatus.NEW: (RequestStatus.TRIAGED, RequestStatus.CLOSED),
    RequestStatus.TRIAGED: (RequestStatus.ASSIGNED, RequestStatus.CLOSED),
    RequestStatus.ASSIGNED: (
        RequestStatus.IN_PROGRESS,
        RequestStatus.ASSIGNED,
        RequestStatus.CLOSED,
    ),
    RequestStatus.IN_PROGRESS: (RequestStatus.ASSIGNED, RequestStatus.CLOSED),
    RequestStatus.CLOSED: (),
}


class WorkflowError(ValueError):
    """A change that is refused, with a reason fit to show the person who asked."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in account or a machine client."""

    label: str
    user_id: int | None = None


@dataclass(frozen=True)
class RoutingSuggestion:
    routing: str | None
    reasons: list[str]


def suggest_routing(request: Request) -> RoutingSuggestion:
    """Where the topics point; the delegate's own choice of organizations breaks a tie of none."""
    reasons = [
        f"{topic.replace('_', ' ')} → {TOPIC_ROUTES[topic]}"
        for topic in request.topics
        if topic in TOPIC_ROUTES
    ]
    homes = {TOPIC_ROUTES[t] for t in request.topics if t in TOPIC_ROUTES}
    if not homes:
        homes = {o for o in request.organizations if o in ORGANIZATIONS}
        if homes:
            reasons.append("no routing topic; the delegate addressed " + ", ".join(sorted(homes)))
    if not homes:
        return RoutingSuggestion(None, ["no routing topic and no organization named"])
    return RoutingSuggestion(homes.pop() if len(homes) == 1 else "joint", reasons)


def _log(
    session: Session, request: Request, actor: Actor, action: str, details: dict[str, object]
) -> None:
    """One entry in the request's audit log."""
    reference = request.reference or str(request.id)
    record(session, actor.label, "request", reference, action, details, actor_id=actor.user_id)


def allowed_next(request: Request) -> tuple[str, ...]:
    """The statuses this request may move to now."""
    return NEXT.get(request.status, ())


def transition(
    session: Session,
    request: Request,
    to: str,
    actor: Actor,
    *,
    organization: str | None = None,
    assignee: User | None = None,
    outcome: str | None = None,
) -> Request:
    """Move `request` to status `to`, or raise WorkflowError saying why not."""
    before = request.status
    if to not in NEXT:
        raise WorkflowError(f"unknown status {to!r}")
    if to not in allowed_next(request):
        nxt = ", ".join(s.replace("_", " ") for s in allowed_next(request)) or "none (closed)"
        raise WorkflowError(
            f"a request that is {before.replace('_', ' ')} cannot move to "
            f"{to.replace('_', ' ')}; next steps: {nxt}"
        )
    details: dict[str, object] = {"from": before, "to": to}
    if to == RequestStatus.ASSIGNED:
        _assign(request, organization, assignee)
        details |= {
            "organization": request.assigned_organization,
            "assignee": assignee and assignee.username,
        }
    if to == RequestStatus.CLOSED:
        if outcome not in {o.value for o in Outcome}:
            raise WorkflowError("closing needs an outcome: " + ", ".join(o.value for o in Outcome))
        if outcome == Outcome.ASSISTANCE_PROVIDED and before != RequestStatus.IN_PROGRESS:
            raise WorkflowError("only a request in progress can close as assistance provided")
        request.outcome = outcome
        request.closed_at = utcnow()
        details["outcome"] = outcome
    # Reassigning work that had started puts it back to assigned for the new person.
    request.status = to
    request.updated_at = utcnow()
    _log(session, request, actor, "status", details)
    return request


def _assign(request: Request, organization: str | None, assignee: User | None) -> None:
    if organization not in ORGANIZATIONS:
        raise WorkflowError("assigning needs an organization: WHO, WIPO or WTO")
    if assignee is None:
        raise WorkflowError("assigning needs a person")
    if not assignee.active or assignee.role not in (Role.STAFF.value, Role.ADMIN.value):
        raise WorkflowError(f"{assignee.display_name} cannot be assigned requests")
    if assignee.organization and assignee.organization != organization:
        raise WorkflowError(
            f"{assignee.display_name} works for {assignee.organization}, not {organization}"
        )
    request.assigned_organization = organization
    request.assignee_id = assignee.id


def set_routing(session: Session, request: Request, routing: str, actor: Actor) -> Request:
    """Record the routing staff chose; the log says whether it followed the suggestion."""
    if routing not in ROUTINGS:
        raise WorkflowError("routing must be one of " + ", ".join(ROUTINGS))
    if request.status == RequestStatus.CLOSED:
        raise WorkflowError("a closed request cannot be rerouted")
    suggested = suggest_routing(request).routing
    before = request.routing
    request.routing = routing
    request.updated_at = utcnow()
    _log(
        session,
        request,
        actor,
        "routing",
        {
            "from": before,
            "to": routing,
            "suggested": suggested,
            "accepted_suggestion": routing == suggested,
        },
    )
    return request


def record_offered(
    session: Session, request: Request, activity_ids: list[str], known: set[str], actor: Actor
) -> Request:
    """Record what the secretariats offered (any status: often known only at closing).

    With the delegate's description it becomes a labelled need from a real delegate, the
    data the suggestions are measured and improved on. An empty list records "nothing from
    the catalogue"; `known` is the catalogue's ids, and any other id is refused.
    """
    unknown = [i for i in activity_ids if i not in known]
    if unknown:
        raise WorkflowError("not in the catalogue: " + ", ".join(unknown))
    chosen = list(dict.fromkeys(activity_ids))
    before = request.offered_activity_ids
    request.offered_activity_ids = chosen
    request.updated_at = utcnow()
    _log(session, request, actor, "offered", {"from": before, "to": chosen})
    return request


def add_note(session: Session, request: Request, body: str, actor: Actor) -> RequestNote:
    """A staff note on the request (1–4000 characters)."""
    body = body.strip()
    if not body:
        raise WorkflowError("a note cannot be empty")
    if len(body) > 4000:
        raise WorkflowError("a note has at most 4000 characters")
    note = RequestNote(
        request_id=request.id, author_id=actor.user_id, author=actor.label, body=body
    )
    session.add(note)
    session.flush()
    # The note's words stay in the note; the log only says one was added.
    _log(session, request, actor, "note", {"note_id": note.id})
    return note
