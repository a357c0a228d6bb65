"""Reading the public board's page as a visitor would."""
from __future__ import annotations

import re


def listed_titles(resp) -> list[str]:
    """The titles on the board's cards (not in the filter drop-downs)."""
    return re.findall(r'<h2 class="h6[^"]*">([^<]+)</h2>', resp.get_data(as_text=True))
