"""Years and horizons as news writes them: "by 2030", "between 2024 and 2030",
"by the end of the decade", "over the next three to five years"."""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from transforms.numbers import WORDS
from transforms.patterns import CaselessPattern, finditer_near, keywords_first, lowered
from transforms.spans import first_come

YEAR = r"(?:19[9]\d|20\d\d|2100)"
_NUMWORD = r"(?:\d+|" + "|".join(WORDS) + r")"
_SPANS = [(kind, words, re.compile(keywords_first(pattern))) for kind, words, pattern in [
    # (kind, words one of which every match holds (none: no test), pattern): target years,
    # baselines and ranges of years. Each pattern opens with its letters or digits and checks what
    # stands before them afterwards, so that the engine can skip to where it may match.
    ("range", ("between",), rf"\b(?:between)\s(?P<a>{YEAR})\sand\s(?P<b>{YEAR})\b"),
    ("range", ("from",), rf"\b(?:from)\s(?P<a>{YEAR})\s(?:through|to|until)\s(?P<b>{YEAR})\b"),
    ("range", ("-", "–"), rf"\b(?:over|in|for|during)\s(?:the\s)?(?P<a>{YEAR})\s?[-–]\s?(?P<b>{YEAR})\b"),
    ("range", ("through", "to"), rf"(?P<a>{YEAR})(?<!\w\d{{4}})\s(?:through|to)\s(?P<b>{YEAR})\b"),
    ("baseline", ("from", "than", "since", "compared", "versus", "vs", "over"), rf"\b(?:from|than|since|compared (?:with|to)|versus|vs\.?|over)\s(?:in\s)?(?:the\s)?(?:its\s)?(?:levels?\sof\s)?(?P<a>{YEAR})(?:\slevels?)?\b"),
    ("baseline", ("level",), rf"\b(?:its|the)\s(?P<a>{YEAR})\slevels?\b"),
    ("year", (), rf"\b(?:by|in|for|through|until|to|before|after|at|of|during|from)\s(?:the\s)?(?:end\sof\s|start\sof\s|middle\sof\s|first\shalf\sof\s|second\shalf\sof\s|calendar\s|fiscal\s|mid-|early\s|late\s)?(?P<a>{YEAR})\b"),
    ("year", (), rf"(?P<a>{YEAR})(?<![\d,.$]\d{{4}})(?!\d|,\d)(?!\s?(?:TWh|GWh|MW|GW|%|per))"),
]]
_NOW = re.compile(keywords_first(r"\b(?:today|currently|at present|so far this year)\b"))
_SAME = re.compile(r"\b(?:(?:by|at|to|over|during|in)\s)?(?:the\s)?(?:end\sof\s)?(?:the|that|same)\s(?:same\s)?(?:year|period)\b")
# Every match of _SAME holds one of these within 30 characters of its start.
_SAME_KEY, _SAME_REACH = re.compile(r"year|period"), 30
_BY_YEAR = re.compile(keywords_first(r"\bby\s(?:the\s)?(?:end\sof\s)?\d{4}"))
# "in 2024", found from its year (which the engine skips to) and read back to its word.
_HISTORICAL_WORDS = ("in", "during", "for")
_HISTORICAL = re.compile(rf"(?P<a>{YEAR})(?:" + "|".join(rf"(?<=\b{w}\s\d{{4}})" for w in _HISTORICAL_WORDS) + r")\b")
_THIS_YEAR = re.compile(keywords_first(r"\bthis year\b"))
# A year named as such, not one compared with ("up from 2023") nor part of a number.
_NAMED_YEAR = re.compile(rf"(?<![\d,.])(?<!from\s)(?<!since\s)(?<!than\s)(?<!with\s)(?<!to\s)\b{YEAR}\b(?![\d,])")
# Words that make a statement forward-looking ("expectations" are what results beat or missed; a
# "project" is mostly a thing built, a projection only as a verb: "projects its growth").
FUTURE_CUES = CaselessPattern(
    r"\b(?:will|would|could|should|may|might|expect(?!ations?\b)\w*|forecast\w*|predict\w*|set to|"
    r"project(?:ed|ing|ions?)|projects?(?=\s(?:that|its|their|our|a|an)\s)|"
    r"on track|on course|likely|poised|aims?|aiming|plan(?:s|ned|ning)?|target\w*|goals?|pledg\w*|guid\w*|"
    r"outlook|sees|see|puts|reckons?|due to|to come online|going to|intends?|"
    r"scenarios?|base case|believes?|anticipat\w*|probability|chance|odds|next \w+ years|coming years|"
    r"further out)\b")
# The same after the character before a cue, which is no letter or digit: a pattern that opens with
# such a character, which the engine skips to, not with a letter (nearly every character of a text);
# then the cues as FUTURE_CUES runs them, grouped by their first letter, not one after another.
_FUTURE_AFTER_GAP = CaselessPattern(r"\W" + FUTURE_CUES.regex.pattern)


def looks_ahead(text: str) -> bool:
    """Whether FUTURE_CUES finds a cue in text: at its start, or after a character no cue opens with."""
    return bool(FUTURE_CUES.match(text) or _FUTURE_AFTER_GAP.search(text))


_COMPARED_WITH = re.compile(r"\b(?:from|than|compared (?:with|to)|versus|over)\s(?:the\s)?$")
_DECADE_END = re.compile(keywords_first(r"\b(?:by|before)\s(?:the\s)?end\sof\s(?:the|this)\sdecade\b"))
_RELATIVE = [(re.compile(keywords_first(words)), delta) for words, delta in [
    (r"\b(?:this year|current year)\b", 0), (r"\b(?:last year|a year earlier)\b", -1), (r"\b(?:next year)\b", 1)]]
_HORIZON_SPAN = CaselessPattern(
    rf"\b(?:within|over|in)\s(?:the\s)?(?:next|coming)\s(?:(?P<months>{_NUMWORD})\smonths|decade)\b"
    r"|\ba\sdecade\s(?:from\snow|away)\b|\bwithin\sa\sdecade\b")
_MID_CENTURY = re.compile(keywords_first(r"\b(?:by|before)\s(?:the\s)?(?:mid-?century|middle\sof\s(?:the|this)\scentury)\b"))
_HORIZON = CaselessPattern(
    rf"\b(?:(?:over|for|in|during)\s(?:the\s)?(?:next|coming)|within(?:\sthe\snext)?|in|over)\s(?P<a>{_NUMWORD})(?:\s(?:to|or|-)\s(?P<b>{_NUMWORD}))?\s(?:more\s)?years\b"
    rf"|\b(?P<c>{_NUMWORD})\s(?:to\s(?P<d>{_NUMWORD})\s)?years\saway\b")


class YearMention(NamedTuple):
    """A year a figure may refer to, with its role and position in the text."""

    year: int
    kind: str  # "year", "baseline", "now" (today), or "same" (the year named before)
    start: int
    end: int


def _number(token: str | None) -> int | None:
    if not token:
        return None
    return int(token) if token.isdigit() else WORDS.get(token.lower())


# \d{4} spelled out: the engine takes twice as long over a repeat that opens an alternation.
_MAY_HAVE_YEAR = re.compile(r"\d\d\d\d|decade|century|year|today|currently|present|period")
_YEAR_DIGITS = re.compile(YEAR)


def find_years(text: str, published_year: int | None) -> list[YearMention]:
    """Years named in a text: target or reference years and baselines."""
    if not _MAY_HAVE_YEAR.search(text):
        return []
    found = first_come(_mentions(text, published_year), lambda y: (y.start, y.end))  # earlier kinds win
    return sorted(found, key=lambda y: y.start)


def _mentions(text: str, published_year: int | None) -> Iterator[YearMention]:
    # Each pattern runs only where the words it needs are present: most sentences lack them.
    for kind, words, pattern in _SPANS if _YEAR_DIGITS.search(text) else ():
        for m in pattern.finditer(text) if not words or any(word in text for word in words) else ():
            if kind == "range":
                yield YearMention(int(m.group("a")), "baseline", m.start(), m.start("b") - 1)
                yield YearMention(int(m.group("b")), "year", m.start("b"), m.end())
            else:
                yield YearMention(int(m.group("a")), kind, m.start(), m.end())
    for m in _MID_CENTURY.finditer(text) if "century" in text else ():
        yield YearMention(2050, "year", m.start(), m.end())
    year_word = "year" in text
    if published_year:
        decade_end = (published_year // 10 + 1) * 10 if published_year % 10 else published_year
        for m in _DECADE_END.finditer(text) if "decade" in text else ():
            yield YearMention(decade_end, "year", m.start(), m.end())
        for pattern, delta in _RELATIVE if year_word else ():
            for m in pattern.finditer(text):
                # "up 18% from a year earlier": the year compared with, not the figure's
                kind = "baseline" if _COMPARED_WITH.search(text, max(0, m.start() - 20), m.start()) else "year"
                yield YearMention(published_year + delta, kind, m.start(), m.end())
        for m in _NOW.finditer(text):
            yield YearMention(published_year, "now", m.start(), m.end())
    for m in finditer_near(_SAME, _SAME_KEY, text, _SAME_REACH) if year_word or "period" in text else ():
        yield YearMention(0, "same", m.start(), m.end())


def infer_reference_year(text: str) -> int | None:
    """For an undated article: the one year a sentence names beside "this year" ("the 2025 picture
    ... this year"), else the latest year it reports in the past tense ("in 2024")."""
    beside = []
    for m in _THIS_YEAR.finditer(text) if "this year" in text else ():
        named = {int(y) for y in _NAMED_YEAR.findall(_sentence_around(text, m.start(), m.end()))}
        beside += named if len(named) == 1 else []
    if beside:
        return max(beside)
    years = []
    for m in _HISTORICAL.finditer(text):
        word = next(w for w in _HISTORICAL_WORDS if text.endswith(w, 0, m.start() - 1))
        sentence = _sentence_around(text, m.start() - 1 - len(word), m.end())
        if not (looks_ahead(sentence) or _BY_YEAR.search(sentence)):
            years.append(int(m.group("a")))
    return max(years) if years else None


def _sentence_around(text: str, start: int, end: int) -> str:
    begin = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    ends = [e for e in (text.find(". ", end), text.find("\n", end)) if e >= 0]
    return text[begin:min(ends) if ends else len(text)]


def find_horizon(text: str) -> tuple[float | None, float | None]:
    """(min, max) years of a horizon such as "over the next three to five years", "within the
    next decade" or "over the next 18 months"."""
    low_text = lowered(text)
    m = _HORIZON.search(text) if "years" in low_text else None  # every such horizon names "years"
    if m:
        low = _number(m.group("a") or m.group("c"))
        high = _number(m.group("b") or m.group("d")) or low
        return (float(low), float(high)) if low is not None else (None, None)
    span = _HORIZON_SPAN.search(text) if "decade" in low_text or "month" in low_text else None
    if span and span.group("months"):
        months = _number(span.group("months"))
        return (months / 12, months / 12) if months else (None, None)
    return (10.0, 10.0) if span else (None, None)
