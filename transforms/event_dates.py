"""When a sentence says an event happened: "on Tuesday", "on Jan. 8", "in March 2024", "last month",
resolved against the article's publication date."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta, weekday as Weekday, MO, TU, WE, TH, FR, SA, SU

from transforms.spans import longest_first

_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
          r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
_YEAR = r"(?:19[89]\d|20\d\d)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAYS = {"Monday": MO, "Tuesday": TU, "Wednesday": WE, "Thursday": TH, "Friday": FR,
             "Saturday": SA, "Sunday": SU}
_WEEKDAY = "(?:" + "|".join(_WEEKDAYS) + ")"
_SEASONED = r"(?i:(?:early|late|mid-?|the\send\sof|the\sstart\sof)\s?)?"

# (kind, pattern), most specific first: where two matches overlap the longer one wins. A dateline
# ("NEW YORK, Jan 7 -") names the article's date, not the event's: day patterns need "on" or a year.
_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in [
    ("day", rf"\b(?P<month>{_MONTH})\s(?P<day>{_DAY}),?\s(?P<year>{_YEAR})\b"),
    ("day", rf"\b(?P<day>{_DAY})\s(?P<month>{_MONTH})\s(?P<year>{_YEAR})\b"),
    ("day", rf"\b(?i:on)\s(?P<month>{_MONTH})\s(?P<day>{_DAY})\b"),
    ("day", rf"\b(?i:on)\s(?P<day>{_DAY})\s(?P<month>{_MONTH})\b"),
    ("month", rf"\b(?i:in|during|since|from|last|this|by|until)\s{_SEASONED}(?P<month>{_MONTH})\s(?P<year>{_YEAR})\b"),
    ("month", rf"\b(?P<rel>(?i:in|during|last|this|by|until))\s{_SEASONED}(?P<month>{_MONTH})\b(?!\s\d)"),
    ("weekday", rf"\b(?P<rel>(?i:last|this)\s)?(?P<weekday>{_WEEKDAY})\b"),
    ("yesterday", r"\b(?i:yesterday)\b"),
    ("week", r"\b(?P<rel>(?i:last|this|earlier\sthis|late\slast|earlier\slast))\sweek\b"),
    ("month", r"\b(?P<rel>(?i:last|this|earlier\sthis|late\slast|earlier\slast))\smonth\b"),
    ("year", r"\b(?P<rel>(?i:last|this|earlier\sthis|late\slast|earlier\slast))\syear\b"),
    ("year", rf"\b(?i:in|during)\s{_SEASONED}(?P<year>{_YEAR})\b(?!\s?[-–]\s?\d)"),
]]


class EventDate(NamedTuple):
    """A resolved date, how precise the text was, and where the text says it."""

    date: date
    precision: str  # day | week | month | year
    start: int
    end: int


class _Mention(NamedTuple):
    kind: str
    match: re.Match


# Words each pattern above needs, tested with `in` first: most clauses name no date, and a
# pattern opening with \b and a caseless group gets no help from the engine's literal search.
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _gates(text: str) -> tuple[bool, ...]:
    month = any(stem in text for stem in _MONTH_STEMS)
    year = "19" in text or "20" in text
    return (month and year, month and year, month, month, month and year, month, "day" in text,
            True, "week" in text, "month" in text, "year" in text, year)


def _mentions(text: str) -> list[_Mention]:
    found = [_Mention(kind, m) for (kind, pattern), needed in zip(_PATTERNS, _gates(text)) if needed
             for m in pattern.finditer(text)]
    return longest_first(found, lambda x: x.match.span())


# Words before a date that put it ahead of the article: "plans to list in March".
_FUTURE_CUE = re.compile(r"\b(?i:will|plans?|planning|planned|expects?|expected|due|set\sto|aims?|"
                         r"intends?|is\sto|are\sto|could|would|scheduled)\b")


def find_event_dates(text: str, published: date | None, planned: bool = False) -> list[EventDate]:
    """Every date expression in text that resolves, in order. Relative ones ("on Tuesday",
    "last month", a month without a year) need the publication date and read as the last such
    day or month; for a planned event, a date that a word of intent precedes ("will list in
    March") reads as the next one."""
    out = []
    for mention in _mentions(text):
        future = planned and bool(_FUTURE_CUE.search(text, 0, mention.match.start()))
        resolved = _resolve(mention.kind, mention.match, published, future)
        if resolved:
            out.append(EventDate(resolved[0], resolved[1], mention.match.start(), mention.match.end()))
    return out


def _group(match: re.Match, name: str) -> str | None:
    return match.groupdict().get(name)


@lru_cache(maxsize=64)  # a month's few spellings; dateutil's parser is slow
def _month_number(word: str) -> int:
    return date_parser.parse(word.rstrip(".")[:3] + " 1 2000").month


def _resolve(kind: str, match: re.Match, published: date | None, future: bool) -> tuple[date, str] | None:
    year = int(_group(match, "year")) if _group(match, "year") else None
    rel = (_group(match, "rel") or "").strip().lower()
    if kind == "day":
        month, day = _month_number(match.group("month")), int(re.match(r"\d+", match.group("day")).group())
        return _dated(year, month, day, published, future)
    if kind == "month" and _group(match, "month"):
        month = _month_number(match.group("month"))
        if year is None:
            year = _year_of_month(month, published, future, strictly=rel == "last")
        return (date(year, month, 1), "month") if year else None
    if year is not None:  # "in 2024"
        return date(year, 1, 1), "year"
    if published is None:
        return None
    return _relative(kind, rel, match, published, future)


def _relative(kind: str, rel: str, match: re.Match, published: date, future: bool) -> tuple[date, str] | None:
    back = rel.endswith("last")
    if kind == "weekday":
        weekday: Weekday = _WEEKDAYS[match.group("weekday")]
        if future and not back:
            return published + relativedelta(weekday=weekday(+1)), "day"
        step = relativedelta(days=-1) if back else relativedelta()
        return published + step + relativedelta(weekday=weekday(-1)), "day"
    if kind == "yesterday":
        return published - timedelta(days=1), "day"
    if kind == "week":
        monday = published - timedelta(days=published.weekday())
        return (monday - timedelta(days=7) if back else monday), "week"
    if kind == "month":
        first = published.replace(day=1)
        return (first - relativedelta(months=1) if back else first), "month"
    if kind == "year":
        return date(published.year - 1 if back else published.year, 1, 1), "year"
    return None


def _dated(year: int | None, month: int, day: int, published: date | None, future: bool) -> tuple[date, str] | None:
    if year is None:
        if published is None:
            return None
        year = published.year
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if not future and candidate > published + timedelta(days=1):
            year -= 1  # "on Dec. 31" in a May article: last December
        elif future and candidate < published - timedelta(days=1):
            year += 1
    try:
        return date(year, month, day), "day"
    except ValueError:
        return None


def _year_of_month(month: int, published: date | None, future: bool, strictly: bool) -> int | None:
    """The year of a month named without one: the last such month up to the article's (before it
    for "last March"), or the next one for a planned event."""
    if published is None:
        return None
    if future and not strictly:
        return published.year if month >= published.month else published.year + 1
    if month < published.month or (month == published.month and not strictly):
        return published.year
    return published.year - 1
