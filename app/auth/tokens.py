"""Issuing, checking and revoking API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db

from .audit import audit
from .models import ApiToken, User

TOKEN_DAYS = 90


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "") -> tuple[str, ApiToken]:
    """Create a token for ``user``; the plain token is returned once and never stored."""
    plain = "ql_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:64], token_hash=_digest(plain),
                     prefix=plain[:10], expires_at=utcnow() + timedelta(days=TOKEN_DAYS))
    db.session.add(token)
    db.session.flush()
    audit("api_token_issue", token, user=user)
    return plain, token


def valid_token(plain: str) -> ApiToken | None:
    """The unrevoked, unexpired token of an active user (None for anything else)."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at < utcnow():
        return None
    if token.user is None or not token.user.active:
        return None
    return token


def needs_marking(token: ApiToken) -> bool:
    """Whether a use of the token is worth a write (coarse: at most one every 5 minutes)."""
    return token.last_used_at is None or utcnow() - token.last_used_at > timedelta(minutes=5)


def mark_used(token_id: int) -> None:
    """Record that the token was just used (flushes)."""
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """A user's tokens, newest first."""
    stmt = sa.select(ApiToken).where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(ApiToken.created_at.desc())))


def revoke(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when it is not theirs."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return False
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit("api_token_revoke", token, user=user)
    return True
