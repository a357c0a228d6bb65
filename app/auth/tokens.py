"""Issuing, checking and revoking API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow

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


def user_for_token(plain: str) -> User | None:
    """The active user behind a valid, unrevoked, unexpired token (marks it used)."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at < now:
        return None
    user = token.user
    if user is None or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now  # coarse, to avoid a write per request
    return user


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
