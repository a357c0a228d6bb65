"""The openings import's column-mapping step, walked as an officer would."""
from __future__ import annotations

import re


def map_and_run(client, location: str, mapping: dict[int, str] | None = None):
    page = client.get(location)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    chosen = {}
    for i in range(len(re.findall(r'name="map_(\d+)"', body))):
        m = re.search(rf'name="map_{i}".*?</select>', body, re.S)
        sel = re.search(r'<option value="([^"]*)" selected', m.group(0))
        chosen[i] = sel.group(1) if sel else ""
    chosen.update(mapping or {})
    return client.post(location, data={f"map_{i}": k for i, k in chosen.items()})
