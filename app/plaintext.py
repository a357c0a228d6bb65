"""What people type into short text fields (names, titles): no invisible characters.

Zero-width characters, direction overrides (U+202E turns 张三 into 三张 on screen) and other
control characters make a name that looks like another person's, or like nothing at all;
they never belong in a name or a title. Pure: no Flask, no database.
"""
from __future__ import annotations

import unicodedata

# Unicode categories Cc (control) and Cf (format: zero-width, bidi controls, BOM),
# plus the line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def invisible_characters(text: str) -> list[str]:
    """The invisible or direction-control characters in ``text``, as U+XXXX codes."""
    return sorted({f"U+{ord(c):04X}" for c in text
                   if unicodedata.category(c) in _INVISIBLE_CATEGORIES})
