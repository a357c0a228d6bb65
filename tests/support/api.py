"""Helpers for the API tests: a bearer-token caller per user (the ``api`` fixture in
tests/integration/conftest.py), and the error-shape check."""
from __future__ import annotations

from typing import Any

from app.auth.tokens import issue_token


class Caller:
    """The test client speaking JSON with one user's bearer token (or none)."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get("/api/v1" + path, query_string=query, headers=self.headers)

    def post(self, path: str, json: Any = None) -> Any:
        return self.client.post("/api/v1" + path, json=json if json is not None else {},
                                headers=self.headers)

    def patch(self, path: str, json: Any) -> Any:
        return self.client.patch("/api/v1" + path, json=json, headers=self.headers)


class Api:
    """``api.as_(user)`` → a Caller with a fresh token; ``api.anonymous`` without one."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.anonymous = Caller(client, None)

    def as_(self, user: Any) -> Caller:
        plain, _token = issue_token(user)
        return Caller(self.client, plain)


def error_of(resp: Any, status: int) -> dict:
    """Assert ``resp`` is the one JSON error shape with ``status``; return its body."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    body = resp.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def ok(resp: Any, status: int = 200) -> Any:
    """Assert the status and return the JSON body."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    return resp.get_json()
