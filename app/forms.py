"""Form pieces shared by every feature."""
from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
