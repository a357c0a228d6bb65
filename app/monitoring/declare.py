"""Self-declaration (自主申报): a person says what changed on a public phone page, proves who
they are with their ID number and a one-time SMS code, and the declaration goes to the
responsible officer's to-do queue; the person later sees on their receipt what was done.

Nothing on the public side tells whether an ID number is on the register: a code is
"sent" either way (only a registered phone receives one), and a wrong or missing code
gets the same answer. Every request is a row of ``DeclarationCode``, which is also the
rate limit's ledger (per ID number and per client address, per hour), so the limit holds
across processes.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.audit import audit
from app.auth.models import Area, User
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import each_language
from app.notifications.service import notify_phone
from app.registry.models import Household, RelocationSite, Worker
from app.registry.validation import FieldError, clean_text, parse_id_number
from app.todo.kinds import TodoKind
from app.todo.models import TodoStatus
from app.todo.service import close_item, open_item

from .models import Declaration, DeclarationCode, DeclarationPoint
from .plan import add_risk

# What changed, in the order of the buttons (each has a picture in the template).
KINDS = {
    "lost_job": _l("I lost my job"),
    "came_home": _l("I came back home"),
    "ill_injured": _l("I am ill or injured"),
    "wages_unpaid": _l("My wages are not paid"),
    "want_training": _l("I want training"),
    "want_work_nearby": _l("I want work nearby"),
}
RISK_KINDS = ("lost_job", "came_home", "ill_injured", "wages_unpaid")
MAX_ATTEMPTS = 5
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

# Voice recordings a phone makes, known by their first bytes.
VOICE_TYPES = (
    (b"\x1aE\xdf\xa3", "audio/webm", ".webm"),
    (b"OggS", "audio/ogg", ".ogg"),
    (b"ID3", "audio/mpeg", ".mp3"),
    (b"\xff\xfb", "audio/mpeg", ".mp3"),
    (b"\xff\xf3", "audio/mpeg", ".mp3"),
    (b"#!AMR", "audio/amr", ".amr"),
)


class TooMany(DomainError):
    """The rate limit was reached."""

    def __init__(self) -> None:
        super().__init__(_("Too many requests. Please try again in an hour, or ask your "
                           "officer or the site's office for help."), field="id_number",
                         code="rate_limited", status=429)


def _hash(text: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


# ---- declaration points (the posters) ------------------------------------------------------


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(sa.select(DeclarationPoint.id).where(
                DeclarationPoint.code == code)) is None:
            return code


def point_for(*, by: User | None, site: RelocationSite | None = None,
              area_code: str | None = None, village: str = "") -> DeclarationPoint:
    """The declaration point of a relocation site, or of a village of a county (made on
    first use; flushes)."""
    village = clean_text(village)[:128]
    if site is not None:
        stmt = sa.select(DeclarationPoint).where(DeclarationPoint.site_id == site.id)
        area_code = site.county_code
    else:
        area = db.session.get(Area, area_code) if area_code else None
        if area is None or area.level != "county":
            raise DomainError(_("Choose the county."), field="area_code")
        if not village:
            raise DomainError(_("Enter the village."), field="village")
        stmt = sa.select(DeclarationPoint).where(DeclarationPoint.site_id.is_(None),
                                                 DeclarationPoint.area_code == area_code,
                                                 DeclarationPoint.village == village)
    existing = db.session.scalar(stmt.limit(1))
    if existing is not None:
        return existing
    point = DeclarationPoint(code=_new_code(), area_code=area_code,
                             site_id=getattr(site, "id", None), village=village,
                             created_by_id=getattr(by, "id", None))
    db.session.add(point)
    db.session.flush()
    audit("declaration_point.create", point, user=by)
    return point


def point_by_code(code: str) -> DeclarationPoint | None:
    """The point a public code names (None when unknown)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return db.session.scalar(sa.select(DeclarationPoint).where(DeclarationPoint.code == code))


def point_name(point: DeclarationPoint) -> str:
    """What the page calls the place: the site, or the village and county."""
    if point.site is not None:
        return point.site.name
    county = point.area.name if point.area is not None else point.area_code
    return f"{county} {point.village}".strip()


# ---- the two public steps ------------------------------------------------------------------


def request_code(point: DeclarationPoint, kind: str, id_number: str,
                 client: str) -> DeclarationCode:
    """Step 1: what changed and the ID number. A code goes by SMS to the phone the
    register holds for that ID number, if any (flushes; raises TooMany past the limits)."""
    if kind not in KINDS:
        raise DomainError(_("Choose what changed."), field="kind")
    try:
        number = parse_id_number(id_number).number
    except FieldError as exc:
        raise DomainError(str(exc.message), field="id_number") from None
    config = current_app.config
    since = clock.utcnow() - timedelta(hours=1)
    id_hash, client_hash = _hash("id:" + number), _hash("client:" + (client or ""))
    recent = sa.select(sa.func.count(DeclarationCode.id)).where(
        DeclarationCode.created_at >= since)
    if (db.session.scalar(recent.where(DeclarationCode.id_hash == id_hash)) or 0) >= \
            config["DECLARE_CODES_PER_HOUR"] or \
            (db.session.scalar(recent.where(DeclarationCode.client == client_hash)) or 0) >= \
            config["DECLARE_REQUESTS_PER_HOUR"]:
        audit("declaration.rate_limited", target_type="DeclarationPoint",
              target_id=point.id, detail={"point": point.code})
        raise TooMany()
    worker = db.session.scalar(sa.select(Worker).where(Worker.id_number == number,
                                                       Worker.merged_into_id.is_(None)))
    minutes = config["DECLARE_CODE_MINUTES"]
    row = DeclarationCode(ticket=secrets.token_urlsafe(24), point_id=point.id,
                          id_hash=id_hash, client=client_hash, kind=kind,
                          worker_id=getattr(worker, "id", None),
                          expires_at=clock.utcnow() + timedelta(minutes=minutes))
    db.session.add(row)
    db.session.flush()
    if worker is not None and worker.phone:
        code = f"{secrets.randbelow(1_000_000):06d}"
        row.code_hash = _hash(f"code:{row.id}:{code}")
        notify_phone(worker, "declare_code", f"declare-code:{row.id}", subject=row,
                     code=code, minutes=minutes)
    audit("declaration.code_requested", row, detail={
        "point": point.code, "kind": kind, "registered": worker is not None})
    return row


def ticket(token: str) -> DeclarationCode | None:
    """A code request by its ticket (the second step's address)."""
    if not token or len(token) > 48:
        return None
    return db.session.scalar(sa.select(DeclarationCode).where(DeclarationCode.ticket == token))


def check_voice(data: bytes | None, content_type: str = "") -> tuple[str, str] | None:
    """(type, extension) of an acceptable recording; None when there is none; DomainError
    when it is too large or not a recording."""
    if not data:
        return None
    limit = current_app.config["DECLARE_VOICE_MAX_KB"] * 1024
    if len(data) > limit:
        raise DomainError(_("The recording is too long (at most %(kb)d KB).",
                            kb=limit // 1024), field="voice")
    for magic, mime, ext in VOICE_TYPES:
        if data.startswith(magic):
            return mime, ext
    if data[4:8] == b"ftyp":
        return "audio/mp4", ".m4a"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav", ".wav"
    raise DomainError(_("This file is not a voice recording."), field="voice")


def voice_folder() -> Path:
    """instance/declarations: where voice recordings are kept."""
    folder = Path(current_app.instance_path) / "declarations"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def declare(row: DeclarationCode, code: str, note: str = "",
            voice: bytes | None = None) -> Declaration:
    """Step 2: the one-time code, a note and maybe a recording → a declaration in the
    officer's queue (flushes). A wrong, used or expired code is refused the same way."""
    wrong = DomainError(_("The code is not right, or it has expired. Ask for a new one."),
                        field="code")
    if row.used_at is not None or row.expires_at < clock.utcnow() or \
            row.attempts >= MAX_ATTEMPTS:
        raise wrong
    row.attempts += 1
    db.session.flush()
    code = (code or "").strip()
    if not row.code_hash or not hmac.compare_digest(row.code_hash,
                                                    _hash(f"code:{row.id}:{code}")):
        audit("declaration.code_wrong", row, detail={"attempts": row.attempts})
        raise wrong
    voice_type = check_voice(voice)
    worker = db.session.get_one(Worker, row.worker_id)
    row.used_at = clock.utcnow()
    token = secrets.token_urlsafe(24)
    path = None
    if voice_type is not None and voice:
        target = voice_folder() / f"{token}{voice_type[1]}"
        target.write_bytes(voice)
        path = target.name
    decl = Declaration(point_id=row.point_id, area_code=worker.area_code, worker_id=worker.id,
                       household_id=worker.household_id, kind=row.kind,
                       note=clean_text(note)[:500], voice_path=path,
                       voice_type=voice_type[0] if voice_type else "", receipt_token=token)
    db.session.add(decl)
    db.session.flush()
    household = db.session.get(Household, worker.household_id) if worker.household_id else None
    item = open_item(TodoKind.declaration, worker.area_code,
                     within_days=current_app.config["DECLARE_DUE_DAYS"], worker=worker,
                     household=household, subject=decl,
                     link=f"/monitoring/declarations/{decl.id}",
                     detail=each_language(lambda: f"{KINDS[decl.kind]}" + (
                         f": {decl.note}" if decl.note else "")),
                     dedupe_key=f"declaration:{decl.id}")
    decl.todo_id = item.id
    if household is not None and decl.kind in RISK_KINDS:
        add_risk(household, decl.kind, "declaration", clock.today(), worker=worker,
                 detail={"note": decl.note}, declaration_id=decl.id, todo=False)
    db.session.flush()
    audit("declaration.create", decl, detail={"kind": decl.kind, "voice": bool(path)})
    return decl


def by_receipt(token: str) -> Declaration | None:
    """The declaration a receipt link names."""
    if not token or len(token) > 48:
        return None
    return db.session.scalar(sa.select(Declaration).where(Declaration.receipt_token == token))


def answer_of(decl: Declaration) -> str:
    """What the person is told was done: the officer's answer, or the outcome the to-do
    item was closed with."""
    if decl.answer:
        return decl.answer
    todo = decl.todo
    if todo is not None and todo.status != TodoStatus.open.value:
        return todo.outcome
    return ""


def answer(decl: Declaration, text: str, by: User, *, receipt_link: str = "") -> None:
    """The officer says what was done (flushes): kept with the declaration, the to-do item
    closes, and the person gets an SMS pointing to their receipt."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Say what was done."), field="answer")
    if decl.answer:
        raise DomainError(_("This declaration has already been answered."))
    decl.answer = text[:1000]
    decl.answered_at = clock.utcnow()
    decl.answered_by_id = by.id
    db.session.flush()
    todo = decl.todo
    if todo is not None and todo.status == TodoStatus.open.value:
        close_item(todo, by=by, outcome=text)

    notify_phone(decl.worker, "declare_answer", f"declare-answer:{decl.id}", subject=decl,
                 day=clock.local_date(decl.created_at).isoformat(), answer=decl.answer,
                 link=receipt_link)
    audit("declaration.answer", decl, user=by)


def voice_path(decl: Declaration) -> Path | None:
    """Where the declaration's recording is stored (None without one)."""
    if not decl.voice_path:
        return None
    path = voice_folder() / Path(decl.voice_path).name
    return path if path.exists() else None


def client_of(request: Any) -> str:
    """The client address the rate limit counts."""
    return (request.remote_addr or "")[:64]
