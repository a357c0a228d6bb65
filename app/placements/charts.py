"""Retention charts as server-rendered SVG (pygal), safe to inline under our CSP."""
from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

from .retention import CHECKPOINTS, Group

STYLE = Style(
    background="white", plot_background="white", foreground="#33413c",
    foreground_strong="#1d2623", foreground_subtle="#8a9893", opacity=".85",
    colors=("#0b6e4f", "#d9822b", "#2f6fb0", "#a23b72", "#6b8e23", "#7a5c3e", "#5b5f97"),
    font_family="system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif",
)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


def _config(**kw: object) -> pygal.Config:
    options = {"legend_at_bottom": True, "legend_at_bottom_columns": 3, **kw}
    return pygal.Config(js=[], disable_xml_declaration=True, style=STYLE, width=860,
                        height=380, truncate_legend=28, print_values=False, show_dots=False,
                        explicit_size=False, **options)


def _svg(chart: pygal.graph.graph.Graph) -> Markup:
    # pygal always embeds a config <script>; the page's CSP forbids inline scripts, and the
    # charts need none, so it is removed.
    svg = chart.render(is_unicode=True)
    return Markup(_SCRIPT.sub("", svg))  # noqa: S704 - pygal output, labels escaped by lxml


def _steps(group: Group, horizon: int) -> list[tuple[float, float]]:
    """The Kaplan–Meier step function as points (drawn as a staircase)."""
    points = [(0.0, 100.0)]
    last = 100.0
    for t, s in zip(group.curve.times.tolist(), group.curve.survival.tolist(), strict=True):
        if t > horizon:
            break
        points.append((t, last))
        last = round(100.0 * s, 2)
        points.append((t, last))
    end = min(horizon, group.curve.max_time or 0)
    points.append((float(end), last))
    return points


def curve_chart(groups: list[Group], title: str, horizon: int = 365) -> Markup:
    """Retention curves (percent still in work by day since the start), one line per group."""
    chart = pygal.XY(_config(title=title, x_title=_("Days since the start of the job"),
                             legend_at_bottom=False,
                             y_title=_("Still in work (%)"), range=(0, 100), xrange=(0, horizon),
                             dots_size=0, stroke_style={"width": 2})
                     )
    for group in groups:
        chart.add(f"{group.label} (n={group.n})", _steps(group, horizon))
    return _svg(chart)


def checkpoint_chart(groups: list[Group], title: str) -> Markup:
    """Retention at 30/90/180 days per group (bars; missing where not yet observable)."""
    chart = pygal.Bar(_config(title=title, y_title=_("Still in work (%)"), range=(0, 100),
                              x_label_rotation=20 if len(groups) > 4 else 0))
    chart.x_labels = [g.label for g in groups]
    for day in CHECKPOINTS:
        values = []
        for g in groups:
            s = g.figures[day].survival
            values.append(None if s is None else round(100 * s, 1))
        chart.add(_("Day %(n)s", n=day), values)
    return _svg(chart)
