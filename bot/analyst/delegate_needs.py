"""Labelled needs from real delegates: what they wrote, and what the secretariats offered.

Staff record on each request which catalogue activities were actually offered (the request
page, or `PUT /api/staff/requests/{reference}/offered`). Each such request is a need
described by a real delegate with the answer of a real advisor: the data the suggestions are
measured on next (`make eval-suggestions DELEGATES=FILE`) and, once an analyst has read them,
example needs. Personal details (the delegate's name, office and email, any email or phone
number) are replaced by placeholders; erased requests are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analyst.redact import EMAIL, INSTITUTION, NAME, Personal, redact
from bot.store.models import Request


@dataclass(frozen=True)
class Exported:
    items: int
    skipped_erased: int


def _personal(request: Request) -> Personal:
    personal = Personal()
    personal.add(request.requester_name, NAME)
    personal.add(request.institution, INSTITUTION)
    personal.add(request.email, EMAIL)
    return personal


def labelled_needs(
    session: Session, since: datetime | None = None
) -> tuple[list[dict[str, Any]], int]:
    """One item per request whose offered activities were recorded, oldest first, in the
    format of the evaluation sets; and how many erased requests were left out."""
    query = select(Request).where(Request.offered_activity_ids.is_not(None)).order_by(Request.id)
    if since is not None:
        query = query.where(Request.created_at >= since)
    items: list[dict[str, Any]] = []
    erased = 0
    for request in session.scalars(query):
        if request.erased_at is not None:
            erased += 1
            continue
        item: dict[str, Any] = {
            "reference": request.reference,
            "language": request.language,
            "text": redact(request.description, _personal(request)),
            "need_area": request.need_area,
        }
        if request.topics:
            item["topics"] = list(request.topics)
        item["member_status"] = request.member_status
        item["relevant"] = list(request.offered_activity_ids or [])
        items.append(item)
    return items, erased


def write(session: Session, path: Path, since: datetime | None = None) -> Exported:
    """Write the labelled needs to `path` (YAML, `items:` like `tests/eval/*.yaml`)."""
    items, erased = labelled_needs(session, since)
    header = (
        "# Needs described by delegates, labelled with what the secretariats offered.\n"
        "# Written by `triage catalogue export-needs`; personal details are placeholders.\n"
    )
    body = yaml.safe_dump({"items": items}, allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return Exported(len(items), erased)
