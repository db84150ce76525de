"""A DataFrame as a plain-text table that fits a terminal's width.

Cells are written for people: 41bn rather than 4.100000e+10, dates without a midnight time,
lists as comma-separated items, control characters escaped; the widest text columns give up
width first and are cut with an ellipsis (ids never are); columns that still do not fit are left out and said so.
"""
from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from flows.cli_errors import printable

GAP = "  "
MIN_TEXT = 8  # a text column is never cut narrower than this (or its header)
ELLIPSIS = "…"


def width_of(text: str) -> int:
    """Terminal cells a text takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cut(text: str, cells: int) -> str:
    """The text in at most `cells` terminal cells, an ellipsis marking a cut."""
    if width_of(text) <= cells:
        return text
    out, used = [], 0
    for ch in text:
        w = width_of(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def number(value) -> str:
    """A number as people write it: whole numbers plain, millions and more as m, bn, tn."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return "-"
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            return f"{value / scale:,.2f}".rstrip("0").rstrip(".") + suffix
    if value.is_integer():
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _cell(value, date_only: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "-"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")
    if isinstance(value, (np.ndarray, list, tuple)):
        return ", ".join(_cell(v, date_only) for v in value)
    if isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        return number(value)
    return printable(" ".join(str(value).split()))


def _column(series: pd.Series) -> list[str]:
    date_only = False
    if pd.api.types.is_datetime64_any_dtype(series):
        times = series.dropna()
        date_only = bool(len(times)) and bool((times == times.dt.normalize()).all())
    return [_cell(v, date_only) for v in series.tolist()]


def render(frame: pd.DataFrame, width: int = 120) -> str:
    """The frame as aligned text lines no wider than `width` cells."""
    headers = [printable(str(c)) for c in frame.columns]
    cells = [_column(frame[c]) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    widths = [max([width_of(h)] + [width_of(v) for v in col]) for h, col in zip(headers, cells)]
    left_out = 0
    while sum(widths) + len(GAP) * (len(widths) - 1) > width:
        floors = [w if _is_id(h) else max(MIN_TEXT, width_of(h)) for h, w in zip(headers, widths)]
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i] and not numeric[i]]
        if shrinkable:  # one cell at a time from the widest: long texts end up equally cut
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1
        elif len(widths) > 1:  # every column at its floor: the last ones are left out
            for seq in (headers, cells, numeric, widths):
                seq.pop()
            left_out += 1
        else:
            widths[0] = width
    lines = [GAP.join(_pad(cut(h, w), w, n) for h, w, n in zip(headers, widths, numeric)),
             GAP.join("-" * w for w in widths)]
    for row in zip(*cells) if cells else []:
        lines.append(GAP.join(_pad(cut(v, w), w, n) for v, w, n in zip(row, widths, numeric)))
    if left_out:
        lines.append(f"({left_out} more columns do not fit in {width} characters)")
    return "\n".join(line.rstrip() for line in lines)


def _is_id(header: str) -> bool:
    """Ids are never cut: they are what people copy into the next command."""
    return header.endswith("id")


def _pad(text: str, cells: int, right: bool) -> str:
    space = " " * (cells - width_of(text))
    return space + text if right else text + space
