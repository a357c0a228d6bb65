"""Messages said in the page's language (issue #15: mixed languages)."""
from __future__ import annotations


def test_the_please_log_in_message_is_in_the_page_language(client):
    resp = client.get("/registry/workers", follow_redirects=True)
    assert "请先登录" in resp.get_data(as_text=True)
    resp = client.get("/registry/workers?lang=en", follow_redirects=True)
    assert "Please log in to access this page." in resp.get_data(as_text=True)
