"""Quantities with units in a sentence: energy, power, percentages, multiples,
emissions and money, with ranges and comparators."""
from __future__ import annotations

import re
from typing import NamedTuple

from transforms.money import QUALIFIERS, find_money, qualifier_before, stated_usd, to_usd
from transforms.numbers import FRACTIONS, MULTIPLES, NUMBER, SCALE, WORDS, parse_number, scale_factor
from transforms.patterns import CaselessPattern, lowered

UNITS = {
    "twh": "TWh", "terawatt-hours": "TWh", "terawatt hours": "TWh", "terawatt-hour": "TWh",
    "gwh": "GWh", "gigawatt-hours": "GWh", "gigawatt hours": "GWh",
    "mwh": "MWh", "megawatt-hours": "MWh", "megawatt hours": "MWh",
    "gw": "GW", "gigawatts": "GW", "gigawatt": "GW", "mw": "MW", "megawatts": "MW", "megawatt": "MW",
    "kw": "kW", "kilowatts": "kW", "kilowatt": "kW",
    "kwh": "kWh", "kilowatt-hours": "kWh", "kilowatt hours": "kWh", "kilowatt-hour": "kWh",
    "%": "percent", "per cent": "percent", "percent": "percent",
}
COMPARATORS = {"exact": "=", "approximately": "~", "more_than": ">", "at_least": ">=",
               "less_than": "<", "up_to": "<="}
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUM = rf"(?:{NUMBER}|\b(?:{'|'.join(WORDS)})\b)"


def _quantity(number: str, first: str) -> CaselessPattern:
    """A figure with its unit; first: the characters a figure may open with (a lookahead that
    lets the engine skip every other position)."""
    return CaselessPattern(
        rf"(?=[{first}])(?P<between>between\s)?(?P<v1>{number})(?:\s?(?P<s1>million|billion|trillion))?"
        rf"(?:\s?(?P<u1>{_UNIT}))?(?:\s?(?P<sep>-|–|to|and)\s?(?P<v2>{number})(?:\s?(?P<s2>million|billion|trillion))?)?"
        rf"[\s-]?(?P<unit>{_UNIT})(?![\w])")


_QUANTITY = _quantity(_NUM, r"\dbtofsenhad")
# The same where no number word is written: it opens only with a digit or "between", so far
# fewer positions are tried.
_DIGITS_QUANTITY = _quantity(NUMBER, r"\db")
_TONNES = CaselessPattern(
    rf"(?P<v1>{NUMBER})\s?(?P<s1>{SCALE})?\s(?:metric\s)?(?:tonnes|tons)(?P<of>\sof\s(?:CO2|carbon dioxide|carbon|CO₂))?")
_EMISSIONS = CaselessPattern(r"\b(?:CO2|CO₂|carbon|emission\w*|emitted|emit)\b")
_MULTIPLE = CaselessPattern(
    rf"\b(?P<word>{'|'.join(MULTIPLES)})\b|\b(?P<n>{_NUM})\s?(?:times|-fold|fold)\b")
_FRACTION = CaselessPattern(
    rf"(?<!other\s)(?<!first\s)(?<!second\s)\b(?P<f>{'|'.join(sorted(FRACTIONS, key=len, reverse=True))})\b"
    r"(?!\s?(?:-|of a|of the)\s?(?:year|century|decade|story|picture|equation))")
# A fraction is a share when followed by "of" or qualified ("roughly a third"), not "one quarter to the next".
_FRACTION_SHARE = re.compile(r"\s(?:of|the)\b")
_RANGE_FROM = CaselessPattern(r"\branges?\sfrom\s$")


class Quantity(NamedTuple):
    """A figure in a sentence: value (and range end), unit, comparator, span."""

    value: float | None
    value_max: float | None
    unit: str
    comparator: str
    start: int
    end: int
    currency: str | None = None
    amount: float | None = None


def _is_year(token: str, unit: str | None) -> bool:
    return unit is None and bool(re.fullmatch(r"(?:19|20)\d\d", token))


def _comparator(text: str, start: int) -> str:
    return COMPARATORS[qualifier_before(text, start)]


def _measures(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    if not _MAY_HAVE_UNIT.search(text):
        return found
    pos = 0
    low = lowered(text)
    quantity = _QUANTITY if any(word in low for word in WORDS) else _DIGITS_QUANTITY
    while (m := quantity.search(text, pos)) is not None:
        pos = m.end()
        mixed = m.group("u1") and UNITS[m.group("u1").lower()] != UNITS[m.group("unit").lower()]
        if m.group("v2") and (_is_year(m.group("v1"), m.group("u1")) or mixed
                              or (m.group("sep") == "and" and not m.group("between"))):
            if mixed:  # "grew 23% to 640 GW": two figures
                found.append(Quantity(parse_number(m.group("v1")), None, UNITS[m.group("u1").lower()],
                                      _comparator(text, m.start("v1")), m.start("v1"), m.end("u1")))
            pos = m.start("v2")  # "by 2030 and 6.6GW": the second number stands alone
            continue
        v1 = parse_number(m.group("v1"))
        if v1 is None:
            continue
        v1 *= scale_factor(m.group("s1")) if m.group("s1") else 1
        v2 = parse_number(m.group("v2")) if m.group("v2") else None
        if v2 is not None and m.group("s2"):
            v2 *= scale_factor(m.group("s2"))
        unit = UNITS[m.group("unit").lower()]
        if v2 is not None and v2 < v1:
            v2 = None
        v1, v2, unit = _in_table_unit(v1, v2, unit)
        comparator = "=" if v2 else _comparator(text, m.start("v1"))
        if unit == "percent" and v2 is None and v1 % 10 == 0 and text.endswith("mid-", 0, m.start("v1")):
            v1, comparator = v1 + 5, "~"  # "mid-20%": about 25%
        found.append(Quantity(v1, v2, unit, comparator, m.start("v1"), m.end()))
    for m in _TONNES.finditer(text) if "ton" in lowered(text) else ():
        if not m.group("of") and not _EMISSIONS.search(text):
            continue  # tonnes of steel or grain are not emissions
        value = parse_number(m.group("v1")) * scale_factor(m.group("s1"))
        found.append(Quantity(value, None, "tonnes_co2", _comparator(text, m.start()), m.start(), m.end()))
    return found


def _in_table_unit(v1: float, v2: float | None, unit: str) -> tuple[float, float | None, str]:
    """Kilowatt-hours and kilowatts counted in billions, as national statistics give them ("4,100
    billion kWh", "3.35 billion kilowatts"), in the tables' own units (TWh, GWh, MWh; GW)."""
    if unit == "kWh":
        divisor, unit = next((d, u) for d, u in ((1e9, "TWh"), (1e6, "GWh"), (1e3, "MWh")) if v1 >= d or d == 1e3)
    elif unit == "kW" and v1 >= 1e6:
        divisor, unit = 1e6, "GW"
    else:
        return v1, v2, unit
    return v1 / divisor, (v2 / divisor if v2 is not None else None), unit


# Cheap tests that let most sentences skip the costly patterns: words any match must hold (as
# plain substring tests, faster than a pattern for a few words), digits, and units (a pattern
# that opens with literals, which the engine can skip to).
_MULTIPLE_WORDS = ("doubl", "tripl", "quadrupl", "fold", "times")
_FRACTION_WORDS = ("half", "third", "quarter", "fifth", "tenth")
_FIGURE_WORDS = (*_MULTIPLE_WORDS, *_FRACTION_WORDS, "watt")  # "two gigawatts"
_DIGIT = re.compile(r"\d")
_MAY_HAVE_UNIT = CaselessPattern(r"%|watt|per ?cent|tonnes|tons|wh\b|gw\b|mw\b|kw\b")


def _relatives(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    found: list[Quantity] = []
    low = lowered(text)
    for m in _MULTIPLE.finditer(text) if any(word in low for word in _MULTIPLE_WORDS) else ():
        value = MULTIPLES[m.group("word").lower()] if m.group("word") else parse_number(m.group("n"))
        if value and not _overlaps(m.start(), m.end(), taken):
            found.append(Quantity(float(value), None, "x", _comparator(text, m.start()), m.start(), m.end()))
    for m in _FRACTION.finditer(text) if any(word in low for word in _FRACTION_WORDS) else ():
        qualified = qualifier_before(text, m.start()) != "exact"
        if not _overlaps(m.start(), m.end(), taken) and (qualified or _FRACTION_SHARE.match(text, m.end())):
            found.append(Quantity(FRACTIONS[m.group("f").lower()], None, "percent",
                                  _comparator(text, m.start()), m.start(), m.end()))
    return found


def _money(text: str, year: int | None, rates: dict) -> list[Quantity]:
    money = find_money(text)
    found: list[Quantity] = []
    skip = set()
    for i, m in enumerate(money):
        if i in skip:
            continue
        later = money[i + 1:]
        usd = stated_usd(text, m, later)
        if usd is not None:
            skip.add(i + 1)
        usd = usd if usd is not None else to_usd(m.amount, m.currency, year, rates)
        high = None
        if later and re.fullmatch(r"\s?(?:-|–|to|and)\s?", text[m.end:later[0].start]):
            high = to_usd(later[0].amount, later[0].currency, year, rates)
            skip.add(i + 1)
        found.append(Quantity(usd, high, "USD", "=" if high else COMPARATORS[m.qualifier], m.start,
                              money[i + 1].end if high else m.end, m.currency, m.amount))
    return found


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and end > s for s, e in spans)


def _join_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "ranges from 700 TWh, if ..., to 1,700 TWh" is one figure with a range."""
    if "range" not in lowered(text):
        return found
    out: list[Quantity] = []
    skip = set()
    for i, q in enumerate(found):
        if i in skip:
            continue
        if _RANGE_FROM.search(text[max(0, q.start - 15):q.start]):
            later = next((j for j in range(i + 1, len(found)) if found[j].unit == q.unit), None)
            if later is not None and re.search(r"\bto\s$", text[max(0, found[later].start - 4):found[later].start]):
                skip.add(later)
                q = Quantity(q.value, found[later].value, q.unit, "=", q.start, q.end, q.currency, q.amount)
        out.append(q)
    return out


def find_quantities(text: str, year: int | None = None, rates: dict | None = None) -> list[Quantity]:
    """Every figure with a unit in a text, in order of appearance."""
    if not _DIGIT.search(text):
        low = lowered(text)
        if not any(word in low for word in _FIGURE_WORDS):
            return []
    found = _measures(text) + _money(text, year, rates or {})
    spans = [(q.start, q.end) for q in found]
    found += _relatives(text, spans)
    return _join_ranges(text, sorted(found, key=lambda q: q.start))


__all__ = ["Quantity", "find_quantities", "COMPARATORS", "QUALIFIERS"]
