"""Both message catalogues are complete and up to date with the code."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import i18n  # noqa: E402


def _extracted_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F",
         str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-o", str(pot),
         "--no-location", "--omit-header", str(ROOT / "app")],
        check=True, cwd=ROOT, capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def _catalogue_ids(lang: str) -> set[str]:
    path = ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def test_no_untranslated_entries():
    assert i18n.untranslated("zh") == []
    assert i18n.untranslated("en") == []


def test_catalogues_cover_every_string_in_the_code(tmp_path):
    in_code = _extracted_ids(tmp_path)
    assert len(in_code) > 500  # the extraction really read the code (it once read nothing)
    for lang in ("zh", "en"):
        missing = sorted(in_code - _catalogue_ids(lang))
        assert missing == [], f"run `make i18n` and translate for {lang}: {missing[:20]}"


def test_chinese_translations_are_chinese():
    path = ROOT / "app" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    def words(text: str) -> str:
        return re.sub(r"%\(\w+\)[sd]|%[sd]", "", text)  # placeholders are not prose

    latin_only = [m.id for m in catalog if m.id and isinstance(m.string, str)
                  and m.string and not any("\u4e00" <= ch <= "\u9fff" for ch in m.string)
                  and any(ch.isalpha() for ch in words(m.string))]
    # Brand names and codes may stay Latin; prose may not.
    assert [m for m in latin_only if len(m) > 12 and " " in m] == []
