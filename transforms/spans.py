"""Overlapping matches resolved: the first come keeps its place, or (spaCy's EntityRuler) the
longest, then the earliest."""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def first_come(items: Iterable[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """The items whose (non-empty) span overlaps no item kept before it, in the order given."""
    items = list(items)
    if len(items) < 2:
        return items  # most calls: nothing to overlap
    # Characters taken by kept spans, marked once: testing a span costs its own length, not the
    # number of spans kept before it (a text naming one company 10,000 times).
    taken = bytearray(max((span(item)[1] for item in items), default=0))
    kept = []
    for item in items:
        start, end = span(item)
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            kept.append(item)
    return kept


def longest_first(items: Iterable[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """The items whose (non-empty) span overlaps no longer one, nor an earlier one as long, in
    text order."""
    items = list(items)
    if len(items) < 2:
        return items
    ordered = sorted(items, key=lambda item: (span(item)[0] - span(item)[1], span(item)[0]))
    return sorted(first_come(ordered, span), key=lambda item: span(item)[0])
