"""Fixtures of the integration tests beyond tests/conftest.py."""
from __future__ import annotations

import pytest

from tests.support.api import Api


@pytest.fixture
def api(client, db) -> Api:
    """Bearer-token callers bound to the test's client and transaction."""
    return Api(client)
