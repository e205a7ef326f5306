"""Geometry for small server-rendered SVG bar charts (no JavaScript, no style attributes)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 26
GAP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int
    y: int
    width: int  # value bar
    total_width: int  # background bar (total)
    text: str


def horizontal_bars(items: list[tuple[str, int, int]]) -> dict:
    """ITEMS are (label, value, total): a bar of VALUE drawn over a lighter bar of TOTAL."""
    scale_max = max([t for _l, _v, t in items] + [1])
    room = WIDTH - LABEL_WIDTH - 90
    bars = []
    for i, (label, value, total) in enumerate(items):
        y = 10 + i * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=label if len(label) <= 28 else label[:27] + "…",
                value=value,
                total=total,
                y=y,
                width=round(room * value / scale_max),
                total_width=round(room * total / scale_max),
                text=f"{value} / {total}",
            )
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "height": 20 + len(items) * (BAR_HEIGHT + GAP),
    }


def column_chart(items: list[tuple[str, int]]) -> dict:
    """Vertical columns, one per ITEM (label, value), e.g. completions per month."""
    height, base, top = 240, 200, 24
    scale_max = max([v for _l, v in items] + [1])
    step = (WIDTH - 40) / max(len(items), 1)
    columns = []
    for i, (label, value) in enumerate(items):
        h = round((base - top) * value / scale_max)
        columns.append(
            {
                "label": label,
                "value": value,
                "x": round(20 + i * step + step * 0.15),
                "w": round(step * 0.7),
                "y": base - h,
                "h": h,
                "cx": round(20 + i * step + step / 2),
            }
        )
    return {"columns": columns, "width": WIDTH, "height": height, "base": base}
