"""Figures in context: each quantity with its region, years, tense and source.

Forecasts and energy metrics are both views over these figures."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.dates import YearMention, find_horizon, find_years
from transforms.quantities import Quantity, find_quantities
from transforms.regions import find_places
from transforms.text import Sentence

_FUTURE = re.compile(
    r"\b(?:will|would|could|should|may|might|expect\w*|project\w*|forecast\w*|predict\w*|set to|"
    r"on track|on course|likely|poised|aims?|aiming|plan\w*|target\w*|goals?|pledg\w*|guid\w*|"
    r"outlook|sees|see|puts|reckons?|estimates? that|due to|to come online|going to|intends?|"
    r"scenarios?|base case|believes?|anticipat\w*|probability|chance|odds|next \w+ years|coming years)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|,\s(?:while|whereas|but|and)\s|\s—\s|,\swith\s")
_PRONOUN = re.compile(r"^(?:He|She)\b")


@dataclass(frozen=True)
class Figure:
    """A quantity in its sentence, with everything needed to make a row of it."""

    sentence: Sentence
    clause: str
    quantity: Quantity
    region: str | None
    year: int | None
    baseline_year: int | None
    horizon: tuple[float | None, float | None]
    is_projection: bool
    source_person: str | None
    source_org: str | None
    position: int  # of the quantity within the clause


def _clause_of(text: str, start: int) -> tuple[int, int]:
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(text)] + [len(text) + 1]
    for low, high in zip(bounds, bounds[1:]):
        if low <= start < high:
            return low, high - 1 if high <= len(text) else len(text)
    return 0, len(text)


def _region(places: list, clause: tuple[int, int], start: int) -> str | None:
    inside = [p for p in places if clause[0] <= p[0] < clause[1]]
    before = [p for p in inside if p[0] < start]
    if before:
        return before[-1][2]
    return inside[0][2] if inside else None


def _years(years: list[YearMention], clause: tuple[int, int], q: Quantity, nxt: int) -> tuple[int | None, int | None]:
    inside = [y for y in years if clause[0] <= y.start < clause[1]]
    targets = [y for y in inside if y.kind == "year"]
    after = [y for y in targets if q.end <= y.start < nxt]
    before = [y for y in targets if y.end <= q.start]
    year = (after[0] if after else before[-1] if before else targets[0] if targets else None)
    baseline = next((y.year for y in inside if y.kind == "baseline"), None)
    return (year.year if year else None), baseline


def _is_projection(clause: str, year: int | None, published: int | None) -> bool:
    if year and published and year != published:
        return year > published
    return _speaks_of_future(clause)


@lru_cache(maxsize=512)
def _speaks_of_future(clause: str) -> bool:
    # Cached: a long clause holds many figures, and each must not rescan it.
    return bool(_FUTURE.search(clause))


_horizon = lru_cache(maxsize=512)(find_horizon)


def _masked_places(text: str, company_spans: list[tuple[int, int]]) -> list:
    return [p for p in find_places(text) if not any(s <= p[0] < e for s, e in company_spans)]


def find_figures(ctx, people: dict[str, str]) -> list[Figure]:
    """Figures of an article; people maps a name or surname to the full name."""
    figures: list[Figure] = []
    region_before, speaker = None, None
    for sentence in ctx.sentences:
        text = sentence.text
        spans = [(c.start - sentence.start, c.end - sentence.start) for c in ctx.in_sentence(sentence)]
        places = _masked_places(text, spans)
        speaker = _speaker(text, people, speaker)
        quantities = [q for q in find_quantities(text, ctx.year, ctx.refs.rates)
                      if not any(s <= q.start < e for s, e in spans)]
        years = find_years(text, ctx.year)
        companies = ctx.in_sentence(sentence)
        for i, q in enumerate(quantities):
            nxt = quantities[i + 1].start if i + 1 < len(quantities) else len(text)
            clause = _clause_of(text, q.start)
            region = _region(places, clause, q.start) or (places[0][2] if places else region_before)
            year, baseline = _years(years, clause, q, nxt)
            clause_text = text[clause[0]:clause[1]]
            figures.append(Figure(
                sentence, clause_text, q, region, year, baseline, _horizon(clause_text),
                _is_projection(clause_text, year, ctx.year), speaker,
                companies[0].company.name if companies else None, q.start - clause[0]))
        if places:
            region_before = places[0][2]
        if not text.strip().endswith((".", "”", '"', "?", "!")):
            region_before = None  # a heading starts a new context
    return figures


def _speaker(text: str, people: dict[str, str], last: str | None) -> str | None:
    """The person a sentence quotes: named in it, or referred to as he/she."""
    for token, full in people.items():
        if re.search(rf"\b{re.escape(token)}\b", text):
            return full
    return last if _PRONOUN.match(text) else None
