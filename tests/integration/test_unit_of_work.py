"""One unit of work per action (app.unit_of_work): commit once, or roll back and show the
refusal on the form; its API and CLI faces; writes that belong to the request."""
from __future__ import annotations

import click
import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_login import login_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from wtforms import StringField

from app.api.common import domain_errors
from app.auth.models import AuditLog, User
from app.errors_domain import DomainError
from app.registry.models import Household
from app.registry.service import RegisterInvalid
from app.unit_of_work import action, cli_action
from tests.conftest import text_of


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    village = StringField()


def _households(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Household.id)))


@pytest.fixture
def commits(db):
    """How many times the session committed (outer transactions only)."""
    counted: list[object] = []

    def count(session: Session) -> None:
        if not session.in_nested_transaction():  # an action's savepoint is not a commit
            counted.append(session)

    sa.event.listen(Session, "after_commit", count)
    yield counted
    sa.event.remove(Session, "after_commit", count)


def _add_household(db, factory) -> None:
    db.session.add(Household(number=f"T-{factory.seq()}", area_code="520526"))
    db.session.flush()


def test_refused_action_rolls_back_and_shows_the_error_on_its_field(app, db, factory,
                                                                    commits):
    before = _households(db)
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        with action(form) as done:
            _add_household(db, factory)
            raise DomainError("That name is taken.", field="name")
        assert not done and isinstance(done.error, DomainError)
        assert form.name.errors == ["That name is taken."]
        assert get_flashed_messages() == []
    assert _households(db) == before  # the write inside the refused action is gone
    assert commits == []


def test_refusal_naming_no_field_is_flashed_and_several_fields_each_get_theirs(app, db):
    with app.test_request_context(method="POST"):
        form = NameForm()
        with action(form):
            raise DomainError("The household is closed.")
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "The household is closed.")]
        with action(form):
            raise RegisterInvalid({"name": "Enter the name.", "village": "Too long."})
        assert form.name.errors == ["Enter the name."]
        assert form.village.errors == ["Too long."]
        with action(form, unfielded="form"):
            raise DomainError("Too many attempts.")
        assert form.form_errors == ["Too many attempts."]


def test_successful_action_commits_once(app, db, factory, commits):
    before = _households(db)
    with app.test_request_context(method="POST"):
        with action(NameForm()) as done:
            _add_household(db, factory)
            _add_household(db, factory)
        assert done and done.error is None
    assert len(commits) == 1
    assert _households(db) == before + 2


def test_only_domain_errors_are_caught(app, db):
    with app.test_request_context(method="POST"), pytest.raises(KeyError):
        with action(NameForm()):
            raise KeyError("a bug is not a refusal")


def test_api_face_rolls_back_and_answers_json(app, db, factory, commits):
    before = _households(db)
    with app.test_request_context("/api/v1/households", method="POST"):
        with pytest.raises(HTTPException) as raised:
            with domain_errors():
                _add_household(db, factory)
                raise DomainError("Full.", field="name", code="full", status=409)
        assert raised.value.code == 409
        assert raised.value.data["fields"] == {"name": ["Full."]}
        with domain_errors():
            _add_household(db, factory)
    assert _households(db) == before + 1 and len(commits) == 1


def test_cli_face_fails_with_the_message(app, db, factory):
    before = _households(db)
    with app.app_context(), pytest.raises(click.ClickException, match="Nope."):
        with cli_action():
            _add_household(db, factory)
            raise DomainError("Nope.")
    assert _households(db) == before


def test_a_refused_form_shows_field_errors_and_saves_nothing(client, login_as, db):
    login_as("officer", area_code="520526")
    households = _households(db)
    audits = db.session.scalar(sa.select(sa.func.count(AuditLog.id)))
    resp = client.post("/registry/households/new", data={
        "number": "", "site_id": "", "area_code": "", "village": "x", "head_name": "y"})
    assert resp.status_code == 422
    assert "请选择所在县（市、区）。" in text_of(resp)  # next to the county field
    assert _households(db) == households
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == audits
    resp = client.post("/registry/households/new", data={
        "number": "", "site_id": "", "area_code": "520526", "village": "x", "head_name": "y"})
    assert resp.status_code == 302
    assert _households(db) == households + 1
    assert [a.action for a in db.session.scalars(sa.select(AuditLog).order_by(
        AuditLog.id.desc()).limit(1))] == ["household_create"]  # written by the service


def test_language_switch_is_saved_after_the_request_even_when_the_action_is_refused(
        client, login_as, db):
    user = login_as("officer", area_code="520526")
    assert user.locale != "en"
    resp = client.post("/registry/households/new?lang=en", data={
        "number": "", "site_id": "", "area_code": "", "village": "x", "head_name": "y"})
    assert resp.status_code == 422  # the refused action rolled back…
    assert "Choose the county." in text_of(resp)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"  # …the account kept the language


def test_before_request_hooks_do_not_commit_the_language_is_written_after(app, db, factory,
                                                                          commits):
    user = factory.user("officer", area_code="520526")
    with app.test_request_context("/registry/workers?lang=en"):
        login_user(user)
        app.preprocess_request()
        assert commits == []
        app.process_response(app.response_class())
        assert len(commits) == 1
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
