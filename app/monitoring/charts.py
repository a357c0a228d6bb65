"""The zero-employment trend as server-rendered SVG (pygal, no script), inlined on the page."""
from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from app.placements.charts import STYLE

from .zero import Trend

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


def trend_chart(trend: Trend, title: str) -> Markup:
    """Entries and exits per month (bars) and the stock at each month's end (line)."""
    config = pygal.Config(js=[], disable_xml_declaration=True, style=STYLE, width=860,
                          height=340, legend_at_bottom=True, legend_at_bottom_columns=3,
                          print_values=False, explicit_size=False, show_y_guides=True,
                          x_label_rotation=0, title=title)
    chart = pygal.Bar(config)
    chart.x_labels = [m.strftime("%Y-%m") for m in trend.months]
    chart.add(_("Entered"), trend.entries)
    chart.add(_("Cleared"), trend.exits)
    chart.add(_("Households with nobody in work (month end)"), trend.stock)
    svg = chart.render(is_unicode=True)
    return Markup(_SCRIPT.sub("", svg))  # noqa: S704 - pygal output, labels escaped by lxml
