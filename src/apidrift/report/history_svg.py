"""The history view's plots, drawn server-side as inline SVG so report.html stays one file with no
script library: findings per night by severity (stacked bars), and per operation (a heat map)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from markupsafe import Markup, escape

from apidrift.report.tracking import TrendPoint

SEVERITY_COLOURS: Final = (("breaking", "#d92d20"), ("warning", "#f79009"), ("info", "#2e6be6"))
_BAR: Final = 26
_GAP: Final = 10
_PLOT_H: Final = 160
_LEFT: Final = 44
_BOTTOM: Final = 46
_TOP: Final = 14
_CELL_W: Final = 36
_CELL_H: Final = 20
_LABEL_W: Final = 250


def night_label(night: str) -> str:
    """`2026-06-03T02:00:00+00:00` → `06-03`: the axis shows month and day."""
    return night[5:10] if len(night) >= 10 else night


def severity_chart(trend: Sequence[TrendPoint]) -> Markup:
    """Stacked bars, one per night, breaking at the bottom; every segment titled with its count."""
    top = max((p.breaking + p.warning + p.info for p in trend), default=0) or 1
    width = _LEFT + len(trend) * (_BAR + _GAP) + _GAP
    height = _TOP + _PLOT_H + _BOTTOM
    base = _TOP + _PLOT_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="severity-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Findings per night by severity</title>",
        f'<line x1="{_LEFT}" y1="{base}" x2="{width}" y2="{base}" class="axis"/>',
        f'<text x="{_LEFT - 6}" y="{_TOP + 4}" text-anchor="end" class="tick">{top}</text>',
        f'<text x="{_LEFT - 6}" y="{base}" text-anchor="end" class="tick">0</text>',
    ]
    for i, point in enumerate(trend):
        x = _LEFT + _GAP + i * (_BAR + _GAP)
        y = float(base)
        night = escape(point.night)
        parts.append(
            f'<g class="night" data-night="{night}" data-new="{point.new}" data-resolved="{point.resolved}">'
        )
        for severity, colour in SEVERITY_COLOURS:
            count = getattr(point, severity)
            if not count:
                continue
            h = count / top * _PLOT_H
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{_BAR}" height="{h:.1f}" fill="{colour}" '
                f'data-severity="{severity}" data-count="{count}"><title>{night_label(point.night)}: '
                f"{count} {severity}</title></rect>"
            )
        label_y = base + 14
        parts.append(
            f'<text x="{x + _BAR / 2}" y="{label_y}" text-anchor="middle" class="tick">'
            f"{escape(night_label(point.night))}</text>"
        )
        if point.new:
            parts.append(
                f'<text x="{x + _BAR / 2}" y="{label_y + 14}" text-anchor="middle" class="tick new">'
                f"+{point.new}</text>"
            )
        parts.append("</g>")
    legend_x = _LEFT
    for severity, colour in SEVERITY_COLOURS:
        parts.append(f'<rect x="{legend_x}" y="{height - 10}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{height - 1}" class="tick">{severity}</text>')
        legend_x += 80
    parts.append("</svg>")
    return Markup("".join(parts))


def operation_chart(trend: Sequence[TrendPoint]) -> Markup:
    """A heat map: a row per operation, a column per night, darker for more findings."""
    operations = sorted({op for p in trend for op in p.by_operation}, key=lambda op: (op == "(other)", op))
    top = max((n for p in trend for n in p.by_operation.values()), default=0) or 1
    width = _LABEL_W + len(trend) * _CELL_W + 8
    height = 22 + len(operations) * _CELL_H + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="operation-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Findings per night by operation</title>",
    ]
    for j, point in enumerate(trend):
        x = _LABEL_W + j * _CELL_W + _CELL_W / 2
        parts.append(
            f'<text x="{x}" y="14" text-anchor="middle" class="tick">'
            f"{escape(night_label(point.night))}</text>"
        )
    for i, op in enumerate(operations):
        y = 22 + i * _CELL_H
        parts.append(
            f'<g class="operation" data-operation="{escape(op)}"><text x="{_LABEL_W - 8}" y="{y + 14}" '
            f'text-anchor="end" class="op">{escape(op)}</text>'
        )
        for j, point in enumerate(trend):
            count = point.by_operation.get(op, 0)
            x = _LABEL_W + j * _CELL_W
            shade = 0.12 + 0.88 * count / top if count else 0.0
            fill = f"rgba(180,35,24,{shade:.2f})" if count else "#f2f4f7"
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{_CELL_W - 2}" height="{_CELL_H - 2}" fill="{fill}" '
                f'data-night="{escape(point.night)}" data-count="{count}"><title>{escape(op)}, '
                f"{night_label(point.night)}: {count} findings</title></rect>"
            )
            if count:
                colour = "#fff" if shade > 0.5 else "#1c2430"
                parts.append(
                    f'<text x="{x + _CELL_W / 2}" y="{y + 14}" text-anchor="middle" class="cell-count" '
                    f'fill="{colour}">{count}</text>'
                )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
