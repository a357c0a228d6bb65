"""bandit over app/: every finding is either fixed or answered here, with its reason."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ANSWERED = {
    ("app/api/tokens_api.py", "B105"): "'Bearer' is the token type name, not a password",
    ("app/auth/undo.py", "B704"): "the flash with its Undo form, a template Jinja rendered "
                                  "with autoescaping",
    ("app/board/views.py", "B704"): "a fragment Jinja rendered with autoescaping, cached as the "
                                    "HTML it already is",
    ("app/employment/views.py", "B704"): "the worker page's section, a template Jinja rendered "
                                         "with autoescaping",
    ("app/employers/forms.py", "B704"): "the place select: attributes escaped by WTForms' "
                                        "html_params, options built with Markup.format",
    ("app/auth/demo.py", "B105"): "the documented demo password; production seeds random ones",
    ("app/auth/demo.py", "B311"): "seeded random for reproducible demo data, not for secrets",
    ("app/imports/bulk.py", "B608"): "table and column names come from the SQLAlchemy model, "
                                     "quoted by the dialect; values are bound parameters",
    ("app/imports/runner.py", "B403"): "pickle spools parsed rows to an anonymous temp file",
    ("app/imports/runner.py", "B301"): "reads back only the temp file this process just wrote",
    ("app/maintenance/backup.py", "B404"): "runs pg_dump/pg_restore",
    ("app/maintenance/backup.py", "B603"): "fixed argument lists, no shell, paths from the CLI",
    ("app/notifications/senders.py", "B310"): "the gateway URL is checked to be http(s)",
    ("app/matching/html.py", "B704"): "the score bar, its explained parts and the matches "
    "page's rows: ids, numbers and markupsafe-escaped data, labels and sentences",
    ("app/placements/queue_html.py", "B704"): "the follow-up queue's rows: ids, dates, and "
                                              "names and labels escaped by markupsafe",
    ("app/registry/listing_html.py", "B704"): "the worker list's rows: ids, and names, "
                                              "numbers and labels escaped by markupsafe",
    ("app/placements/charts.py", "B704"): "pygal SVG with <script> removed; labels escaped",
    ("app/monitoring/charts.py", "B704"): "pygal SVG with <script> removed; labels escaped",
    ("app/placements/views.py", "B704"): "the blank outcome form's fields, rendered by Jinja with "
                                         "autoescaping, cached as the HTML they already are",
    ("app/placements/worker_panel.py", "B704"): "the worker page's panel, rendered by Jinja with "
                                                "autoescaping",
    ("app/registry/timeline.py", "B704"): "a sentence from our own catalogue; its values are "
                                          "escaped by Markup's % (links built by Markup.format)",
}


@pytest.mark.slow
def test_bandit_findings_are_all_answered():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "app", "-c", "pyproject.toml", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stdout)
    unanswered = sorted(
        (r["filename"], r["test_id"], r["line_number"], r["issue_text"])
        for r in report["results"]
        if (r["filename"].removeprefix("./"), r["test_id"]) not in ANSWERED
    )
    assert unanswered == []
    assert not any(r["issue_severity"] == "HIGH" for r in report["results"])
