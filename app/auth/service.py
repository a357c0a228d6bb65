"""Account operations: create users, check passwords, rate-limit logins."""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import class_mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import utcnow
from app.extensions import db
from app.freshness import Cache, columns
from app.sql import affected

from .audit import audit
from .models import ApiToken, Area, LoginAttempt, Role, User
from .scoping import code_in_area

MIN_PASSWORD_LENGTH = 8
M = TypeVar("M")


@functools.cache
def _hasher_with(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _hasher() -> PasswordHasher:
    """Argon2id at the configured cost (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_KIB``:
    production's by default, a cheap one in the tests); a hash made at another cost is
    redone at the next login."""
    config = current_app.config if has_app_context() else {}
    return _hasher_with(int(config.get("ARGON2_TIME_COST", 3)),
                        int(config.get("ARGON2_MEMORY_KIB", 65536)))


class AccountError(ValueError):
    """A user-facing problem with an account operation (message is translatable text)."""


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check a password; rehash transparently when parameters have changed."""
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def password_problem(password: str) -> str | None:
    """Why a password is too weak, or None (the minimum strength rule)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    kinds = sum(
        [any(c.isdigit() for c in password), any(c.isalpha() for c in password)]
    )
    if kinds < 2:
        return _("Password must contain both letters and digits.")
    return None


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    area_code: str | None = None,
    display_name: str = "",
    employer_id: int | None = None,
    worker_id: int | None = None,
    partner_id: int | None = None,
) -> User:
    """Create a user after checking role, area and password strength (flushes)."""
    if role not in {r.value for r in Role}:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError(_("Username already taken: %(name)s", name=username))
    if role == Role.officer.value:
        area = db.session.get(Area, area_code) if area_code else None
        if area is None:
            raise AccountError(_("An officer needs an existing area code."))
        if area.region != "guizhou" or area.level not in {"province", "prefecture", "county"}:
            raise AccountError(
                _("An officer's area must be Guizhou province, a prefecture or a county.")
            )
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        area_code=area_code,
        display_name=display_name or username,
        employer_id=employer_id,
        worker_id=worker_id,
        partner_id=partner_id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_token = secrets.token_hex(16)


def set_password(user: User, password: str, *, by: User | None = None) -> int:
    """Change a password, end every session and revoke every API token of the user (flushes).

    Returns how many API tokens were revoked, so the page can say so.
    """
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    end_sessions(user)
    revoked = affected(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    audit("password_change", user, user=by or user,
          detail={"api_tokens_revoked": revoked} if revoked else None)
    return revoked


def log_out(user: User) -> None:
    """End the user's sessions (a copied session cookie stops working too) and record it."""
    end_sessions(user)
    audit("logout", user, user=user)


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt."""

    user: User | None
    locked_seconds: int = 0


def _recent_failures(username: str, ip: str, since) -> tuple[int, int]:
    by_user = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.at >= since,
            LoginAttempt.success.is_(False),
        )
    )
    by_ip = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False)
        )
    )
    return by_user or 0, by_ip or 0


def _take_turns(*keys: str) -> None:
    """Concurrent attempts that share a key wait for each other until this transaction ends.

    Without it, parallel requests all count the failures before any of them records one, and
    40 at once check 40 passwords against a limit of 5. SQLite needs nothing: every
    transaction there begins IMMEDIATE (app.db_setup), so writers already take turns. The
    keys are locked in sorted order, so two requests never wait for each other in a circle.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        db.session.execute(
            sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))))


@functools.cache
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return _hasher_with(time_cost, memory_kib).hash(secrets.token_hex(16))


def _spend_a_verification(password: str) -> None:
    """Verify against a throw-away hash: an unknown or inactive user costs what a known one
    does, so the answer's timing does not tell which usernames exist."""
    hasher = _hasher()
    try:
        hasher.verify(_dummy_hash(hasher.time_cost, hasher.memory_cost), password)
    except (VerificationError, InvalidHashError):
        pass


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check credentials with a per-username and per-address failure limit (flushes).

    The limit holds under parallel requests: attempts for one username or from one address
    take turns (``_take_turns``), so each counts the failures recorded before it.
    """
    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    _take_turns(f"login-user:{username}", f"login-ip:{ip}")
    now = utcnow()
    by_user, by_ip = _recent_failures(username, ip, now - window)
    if by_user >= max_failures or by_ip >= max_failures * 4:
        audit("login_locked", target_type="User", target_id=username, detail={"ip": ip})
        return LoginResult(None, locked_seconds=int(window.total_seconds()))
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is not None and user.active:
        ok = verify_password(user, password)
    else:
        _spend_a_verification(password)
        ok = False
    db.session.add(LoginAttempt(username=username, ip=ip, success=ok, at=now))
    if user is None or not ok:
        audit("login_failed", target_type="User", target_id=username)
        return LoginResult(None)
    user.last_login_at = now
    audit("login", user, user=user)
    return LoginResult(user)


def _row_values(obj: object, skip: tuple[str, ...] = ()) -> dict:
    return {c.key: getattr(obj, c.key) for c in class_mapper(type(obj)).column_attrs
            if c.key not in skip}


def _attached(model: type[M], values: dict) -> M:
    """A persistent instance in this request's session, rebuilt from cached column values
    without a query (the identity map's copy when the session holds one already)."""
    session = db.session()
    identity = tuple(values[c.key] for c in class_mapper(model).primary_key)
    existing = session.identity_map.get(session.identity_key(model, identity))
    if existing is not None:
        return existing
    # As the ORM builds a loaded row's object: no constructor, no attribute events (the
    # values are the database's, nothing to track): a third of the cost per request.
    obj = class_mapper(model).class_manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


# Signed-in users and their areas, as column values: every request needs them, and they
# change rarely (a password, a role, a deactivation). Reused until any process commits a
# change to an account column that matters or to areas (app.freshness), at most five
# minutes. A login time and a language choice do not count: the login time is not kept
# here (it is read from the database when shown), and the account's language (after the
# session's own choice) reaches the account's other sessions within the five minutes.
_VOLATILE = ("last_login_at", "locale")
_ACCOUNTS: Cache[tuple[dict, dict | None] | None] = Cache(
    depends_on=(*columns(User, but=_VOLATILE), Area), max_age=300.0, max_entries=4096)


def load_user_from_session(ident: str) -> User | None:
    """Flask-Login loader: the id plus the session token, so a password change logs out."""
    user_id, _, token = ident.partition(":")
    if not user_id.isdigit():
        return None

    def read() -> tuple[dict, dict | None] | None:
        user = db.session.get(User, int(user_id))
        if user is None:
            return None
        return (_row_values(user, skip=("last_login_at",)),
                _row_values(user.area) if user.area else None)

    cached = _ACCOUNTS.get(int(user_id), read)
    if cached is None:
        return None
    values, area = cached
    if not secrets.compare_digest(values["session_token"], token):
        return None
    user = _attached(User, values)
    # The area is held by the user (the identity map alone keeps no unchanged object).
    set_committed_value(user, "area", _attached(Area, area) if area is not None else None)
    return user


def temporary_password() -> str:
    """A random password that meets the strength rule, to be changed at next login."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if password_problem(candidate) is None:
            return candidate


def may_reset(actor: User, target: User) -> bool:
    """Admins reset anyone; officers reset trainees whose worker is inside their area."""
    if actor.role == Role.admin.value:
        return True
    if actor.role != Role.officer.value or target.role != Role.trainee.value:
        return False
    if target.worker_id is None:
        return False
    worker = target.worker
    return worker is not None and code_in_area(worker.area_code, actor.area)


def reset_password(target: User, *, by: User) -> str:
    """Give ``target`` a temporary password (every session of theirs ends); returns it."""
    if not may_reset(by, target):
        raise AccountError(_("You may not reset this account's password."))
    password = temporary_password()
    set_password(target, password, by=by)
    audit("password_reset", target, user=by)
    return password
