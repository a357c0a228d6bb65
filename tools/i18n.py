"""Catalogue upkeep: `python tools/i18n.py missing|fill-en|apply FILE.json`.

- missing: list msgids without a translation in either catalogue (exit 1 if any).
- fill-en: the English catalogue's msgstr is the msgid where empty (msgids are English).
- apply [FILE.json …]: set Chinese translations from {"msgid": "译文"} mappings; without
  arguments, from every app/**/i18n_zh.json (each feature keeps its own file).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "app" / "translations"


def _load(lang: str):
    path = ROOT / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return path, read_po(fh, locale=lang)


def _save(path: Path, catalog) -> None:
    catalog.fuzzy = False  # a fuzzy header makes `pybabel compile` skip the whole catalogue
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=100, no_location=True)


def untranslated(lang: str) -> list[str]:
    """msgids with an empty or fuzzy translation in the catalogue of ``lang``."""
    _, catalog = _load(lang)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    """Run one command."""
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "missing":
        problems = {lang: untranslated(lang) for lang in ("zh", "en")}
        for lang, ids in problems.items():
            for msgid in ids:
                print(f"{lang}\t{msgid}")
        return 1 if any(problems.values()) else 0
    if command == "fill-en":
        path, catalog = _load("en")
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id if isinstance(message.id, str) else tuple(
                    message.id)
            message.flags.discard("fuzzy")
        _save(path, catalog)
        return 0
    if command == "apply":
        files = [Path(a) for a in argv[2:]] or sorted(ROOT.parent.rglob("i18n_zh.json"))
        mapping: dict[str, str] = {}
        for file in files:
            mapping.update(json.loads(file.read_text(encoding="utf-8")))
        path, catalog = _load("zh")
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in mapping:
                message.string = mapping[key]
                message.flags.discard("fuzzy")
        _save(path, catalog)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
