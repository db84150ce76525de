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
    r"on track|on course|likely|poised|aims?|aiming|plan(?:s|ned|ning)?|target\w*|goals?|pledg\w*|guid\w*|"
    r"outlook|sees|see|puts|reckons?|estimates? that|due to|to come online|going to|intends?|"
    r"scenarios?|base case|believes?|anticipat\w*|probability|chance|odds|next \w+ years|coming years)\b",
    re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|,\s(?:while|whereas|but|and)\s|\s—\s|,\swith\s")
_PRONOUN = re.compile(r"^(?:He|She)\b")
_PLACE_AFTER = re.compile(r"^[^,;.]{0,25}?\b(?:in|for|across|of)\s(?:the\s)?$")


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
    index: int  # of the sentence in the article


@dataclass
class _Context:
    """What earlier sentences tell about figures that do not restate it."""

    paragraph_region: str | None = None
    region: str | None = None
    year: int | None = None
    speaker: str | None = None


def _clause_of(text: str, start: int) -> tuple[int, int]:
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(text)] + [len(text) + 1]
    for low, high in zip(bounds, bounds[1:]):
        if low <= start < high:
            return low, min(high, len(text))
    return 0, len(text)


def _region(text: str, places: list, clause: tuple[int, int], q: Quantity, state: _Context) -> str | None:
    """A place right after the figure ("102 TWh in China"), else before it in the clause, else
    after it, else the paragraph's place, else the last figure's."""
    inside = [p for p in places if clause[0] <= p[0] < clause[1]]
    right_after = [p for p in inside if p[0] >= q.end and _PLACE_AFTER.match(text[q.end:p[0]])]
    before = [p for p in inside if p[0] < q.start]
    after = [p for p in inside if p[0] >= q.end]
    chosen = (right_after[:1] or before[-1:] or after[:1])
    return chosen[0][2] if chosen else state.paragraph_region or state.region


def _years(years: list[YearMention], clause: tuple[int, int], q: Quantity, nxt: int,
           state: _Context, future: bool) -> tuple[int | None, int | None, bool]:
    """(year, baseline, is_now) of a figure: its clause's year, else its sentence's, else
    (for a report of the past) the year of the figures before it."""
    inside = [y for y in years if clause[0] <= y.start < clause[1]]
    targets = [y for y in inside if y.kind in ("year", "now", "same")]
    after = [y for y in targets if q.end <= y.start < nxt]
    before = [y for y in targets if y.end <= q.start]
    chosen = after[0] if after else before[-1] if before else targets[0] if targets else None
    if chosen is None:
        others = [y for y in years if y.kind in ("year", "same")]
        chosen = others[0] if others else None
    baseline = next((y.year for y in inside if y.kind == "baseline"), None)
    if chosen is None:
        return (None if future else state.year), baseline, False
    if chosen.kind == "same":
        return state.year, baseline, False
    return chosen.year, baseline, chosen.kind == "now"


@lru_cache(maxsize=512)
def _speaks_of_future(clause: str) -> bool:
    # Cached: a long clause holds many figures, and each must not rescan it.
    return bool(_FUTURE.search(clause))


_horizon = lru_cache(maxsize=512)(find_horizon)


def _is_projection(clause: str, year: int | None, reference: int | None, now: bool) -> bool:
    if now:
        return False
    if year and reference and year != reference:
        return year > reference
    return _speaks_of_future(clause)


def _is_heading(text: str) -> bool:
    return not text.rstrip().endswith((".", "!", "?", '"', "”", "’", ":", ";", ")"))


def find_figures(ctx, people: dict[str, str]) -> list[Figure]:
    """Figures of an article; people maps a name or surname to the full name."""
    figures: list[Figure] = []
    state = _Context()
    for index, sentence in enumerate(ctx.sentences):
        text = sentence.text
        if sentence.start == 0 or ctx.article.text[sentence.start - 1] == "\n":
            state.paragraph_region = None
        if _is_heading(text):
            state = _Context()
            continue
        spans = [(c.start - sentence.start, c.end - sentence.start) for c in ctx.in_sentence(sentence)]
        places = [p for p in find_places(text) if not any(s <= p[0] < e for s, e in spans)]
        state.speaker = _speaker(text, people, state.speaker)
        figures += _sentence_figures(ctx, sentence, index, spans, places, state)
        if places and state.paragraph_region is None:
            state.paragraph_region = places[0][2]
    return figures


def _sentence_figures(ctx, sentence, index, spans, places, state: _Context) -> list[Figure]:
    text = sentence.text
    quantities = [q for q in find_quantities(text, ctx.year, ctx.refs.rates)
                  if not any(s <= q.start < e for s, e in spans)]
    years = find_years(text, ctx.year)
    companies = ctx.in_sentence(sentence)
    out = []
    for i, q in enumerate(quantities):
        nxt = quantities[i + 1].start if i + 1 < len(quantities) else len(text)
        clause = _clause_of(text, q.start)
        clause_text = text[clause[0]:clause[1]]
        future = _speaks_of_future(clause_text)
        year, baseline, now = _years(years, clause, q, nxt, state, future)
        region = _region(text, places, clause, q, state)
        out.append(Figure(
            sentence, clause_text, q, region, year, baseline, _horizon(clause_text),
            _is_projection(clause_text, year, ctx.year, now), state.speaker,
            companies[0].company.name if companies else None, q.start - clause[0], index))
        state.region = region or state.region
        state.year = year or state.year
    return out


def _speaker(text: str, people: dict[str, str], last: str | None) -> str | None:
    """The person a sentence quotes: named in it, or referred to as he/she."""
    for token, full in people.items():
        if re.search(rf"\b{re.escape(token)}\b", text):
            return full
    return last if _PRONOUN.match(text) else None
