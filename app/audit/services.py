"""Record audit events (added to the current transaction; the caller commits)."""

from __future__ import annotations

import logging

from flask import g, has_request_context

from app.audit.models import AuditEvent
from app.extensions import db

log = logging.getLogger("aula.audit")


def record(action: str, *, actor=None, target=None, target_type: str = "", **details):
    """Add an audit event for ACTION by ACTOR on TARGET."""
    if target is not None and not target_type:
        target_type = type(target).__name__.lower()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=str(getattr(target, "id", target) if target is not None else ""),
        details=details or None,
        request_id=(g.get("request_id", "") if has_request_context() else ""),
    )
    db.session.add(event)
    # The log line names who and what, never the details (they may hold scores or names).
    log.info(
        "audit action=%s actor_id=%s target=%s:%s request_id=%s",
        action,
        event.actor_id,
        event.target_type,
        event.target_id,
        event.request_id,
    )
    return event
