"""Money in news text: currencies, scales, qualifiers, stated conversions."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from transforms.numbers import NUMBER, NUMBER_AFTER_CURRENCY, SCALE, parse_number, scale_factor
from transforms.patterns import CaselessPattern, alternation, finditer_anchored, lowered

PREFIXES = {
    "US$": "USD", "HK$": "HKD", "S$": "SGD", "NT$": "TWD", "A$": "AUD", "C$": "CAD",
    "RMB": "CNY", "CNY": "CNY", "USD": "USD", "HKD": "HKD", "EUR": "EUR", "GBP": "GBP",
    "JPY": "JPY", "AED": "AED", "SAR": "SAR", "INR": "INR", "KRW": "KRW", "Rs": "INR",
    "€": "EUR", "£": "GBP", "¥": "CNY", "₩": "KRW", "₹": "INR", "$": "USD",
}
SUFFIXES = {
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "dollars": "USD", "euros": "EUR",
    "euro": "EUR", "pounds": "GBP", "yen": "JPY", "won": "KRW", "rupees": "INR",
    "dirhams": "AED", "riyals": "SAR", "usd": "USD", "hkd": "HKD", "eur": "EUR",
    "hong kong dollars": "HKD", "us dollars": "USD", "u.s. dollars": "USD",
}
QUALIFIERS = [
    ("more_than", r"more than|over|above|exceeding|exceed|exceeds|surpass|surpassing|in excess of|upwards of|north of"),
    ("at_least", r"at least|no less than|a minimum of"),
    ("less_than", r"less than|under|below|just under|fewer than"),
    ("up_to", r"up to|as much as|as many as|a maximum of"),
    ("approximately", r"about|around|roughly|approximately|nearly|almost|close to|some|an estimated|an approximate|circa|c\."),
]
# Lower case: the money patterns read lower-cased text.
_PREFIX = alternation({p.lower() for p in PREFIXES})
_SUFFIX = alternation(SUFFIXES)
_MONEY = CaselessPattern(  # the lookahead lets the engine skip positions that cannot start an amount
    rf"(?=[$€£¥₩₹a-z\d])(?:(?<![^\W\d_])(?P<pre>{_PREFIX})\s?(?P<num>{NUMBER_AFTER_CURRENCY})"
    # The first of "$5-6 billion" takes its scale from the second.
    rf"(?:[\s-]?(?P<scale>{SCALE})|(?=\s?(?:-|–|to)\s?\$?(?:{NUMBER_AFTER_CURRENCY})\s?(?P<range_scale>{SCALE})))?"
    rf"|(?P<num2>{NUMBER})(?:[\s-]?(?P<scale2>{SCALE}))?[\s-](?P<suf>{_SUFFIX})\b)")
# The first figure of "6 billion to 6.5 billion yuan" has its currency only after the second.
_BARE_BEFORE_RANGE = CaselessPattern(
    rf"(?P<num>{NUMBER})(?:\s?(?P<scale>{SCALE}))?(?=\s?(?:to|-|–)\s?(?:{NUMBER})(?:\s?(?:{SCALE}))?\s(?P<suf>{_SUFFIX})\b)")
# Every amount opens with its number or with a prefix (and a space) just before it: the costly
# patterns are tried only there.
_NUMBER_START = re.compile(r"\d(?<![\d.,]\d)")  # a digit first: the engine skips to digits
_PREFIX_REACH = max(map(len, PREFIXES)) + 1
_PREFIX_LAST = re.compile(rf"(?:{_PREFIX})\s?$")  # an amount starts before its number only after one
# Every _BARE_BEFORE_RANGE match names its currency in a word ("yuan"): most texts have none, and
# one search for them costs less than trying the pattern at each number.
_SUFFIX_WORD = re.compile(_SUFFIX)
# What a text ends with when a qualifier (and perhaps "of") stands last in it.
_QUALIFIER_ENDINGS = (*(word.replace("\\", "") for _, words in QUALIFIERS for word in words.split("|")), "of")
_QUALIFIER = CaselessPattern(
    r"(?:" + "|".join(f"(?P<{name}>\\b(?:{words}))" for name, words in QUALIFIERS) + r")\s+(?:of\s+)?$")


class Money(NamedTuple):
    """An amount of money found in a sentence, with its span there."""

    amount: float
    currency: str
    qualifier: str
    start: int
    end: int


def _currency(text: str, match: re.Match) -> str:
    if match.group("pre"):
        pre = text[match.start("pre"):match.end("pre")]  # as written: "Rs" is rupees, "RS" is not
        return PREFIXES.get(pre) or PREFIXES.get(pre.upper(), "USD")
    return SUFFIXES[match.group("suf")]


def qualifier_before(text: str, start: int) -> str:
    """The qualifier ("more than" -> more_than) written just before position start."""
    if not lowered(text)[max(0, start - 30):start].rstrip().endswith(_QUALIFIER_ENDINGS):
        return "exact"  # a cheap test first: most figures have no qualifier
    # Bounds, not a slice: the lower-cased text is then the sentence's, made once.
    match = _QUALIFIER.search(text, max(0, start - 30), start)
    if not match:
        return "exact"
    return next(name for name, _ in QUALIFIERS if match.group(name))


@lru_cache(maxsize=2048)
def find_money(text: str) -> tuple[Money, ...]:
    """Every amount of money in text, in order of appearance (cached: clauses are re-read)."""
    found = []
    low = lowered(text)
    for match in finditer_anchored(_MONEY.regex, _NUMBER_START, low, _PREFIX_REACH, _PREFIX_LAST):
        number = parse_number(match.group("num") or match.group("num2"))
        if number is None:
            continue
        scale = scale_factor(match.group("scale") or match.group("range_scale") or match.group("scale2"))
        found.append(Money(number * scale, _currency(text, match), qualifier_before(text, match.start()),
                           match.start(), match.end()))
    for match in finditer_anchored(_BARE_BEFORE_RANGE.regex, _NUMBER_START, low, 0) if _SUFFIX_WORD.search(low) else ():
        if any(m.start <= match.start() < m.end for m in found):
            continue
        found.append(Money(parse_number(match.group("num")) * scale_factor(match.group("scale")),
                           SUFFIXES[match.group("suf")], qualifier_before(text, match.start()),
                           match.start(), match.end()))
    return tuple(sorted(found, key=lambda m: m.start))


_DIGIT = re.compile(r"\d")


def stated_usd(text: str, money: Money, following: list[Money]) -> float | None:
    """A USD conversion the article states right after an amount: "(US$619 million)"; following
    holds the amounts after it, in text order."""
    for other in following:
        gap = text[money.end:other.start]
        if other.currency == "USD" and money.currency != "USD" and re.fullmatch(
            r"\s*(?:\(|,?\s*or\s+(?:about\s+|around\s+|roughly\s+|some\s+)?)\s*", gap
        ):
            return other.amount
        if _DIGIT.search(gap):
            return None  # the gap to every later amount holds a number, which no conversion's gap does
    return None


def to_usd(amount: float | None, currency: str | None, year: int | None,
           rates: dict[tuple[str, int], float]) -> float | None:
    """Convert with reference rates (units per USD), nearest year available."""
    if amount is None or currency is None:
        return None
    if currency == "USD":
        return amount
    if (currency, year) in rates:
        return amount / rates[(currency, year)]
    years = [y for (c, y) in rates if c == currency]
    if not years:
        return None
    return amount / amount_per_usd(currency, year or max(years), rates)


def every_year(rates: dict[tuple[str, int], float], first: int = 1990,
               last: int = 2100) -> dict[tuple[str, int | None], float]:
    """Rates for every year of a range, each from the nearest year listed, and under year None
    the latest listed (for undated articles), so that lookups are exact."""
    currencies = {c for c, _ in rates}
    expanded = {(c, y): rates[(c, y)] if (c, y) in rates else amount_per_usd(c, y, rates)
                for c in currencies for y in range(first, last + 1)}
    latest = {(c, None): rates[(c, max(y for k, y in rates if k == c))] for c in currencies}
    return expanded | latest


def amount_per_usd(currency: str, year: int, rates: dict[tuple[str, int], float]) -> float:
    """Units of a currency per USD in a year: the listed year nearest to it (the later on a tie)."""
    years = [y for (c, y) in rates if c == currency]
    return rates[(currency, min(years, key=lambda y: (abs(y - year), -y)))]


_JAPAN_WORDS = ("Japan", "Tokyo", " yen", "Nikkei", "Osaka")
_CHINA_WORDS = ("China", "Chinese", "yuan", "renminbi", "Beijing", "Shanghai", "Shenzhen", "RMB")


def yen_or_yuan(money: Money, text: str, article: str) -> Money:
    """ "¥" is the sign of the yen as well as of the yuan: an amount written with it is yen in an
    article that names Japan more often than China (text: the amount's sentence)."""
    if money.currency != "CNY" or not text[money.start:money.end].lstrip().startswith("¥"):
        return money
    return money._replace(currency="JPY") if _names_japan_more(article) else money


@lru_cache(maxsize=8)  # counted once per article, not once per amount
def _names_japan_more(article: str) -> bool:
    return sum(article.count(word) for word in _JAPAN_WORDS) > sum(article.count(word) for word in _CHINA_WORDS)


def implied_rate(texts, currency: str, resolve=lambda m, text: m) -> float | None:
    """Units of a currency per USD as the article itself converts it ("¥35 billion ($230 million)"),
    from the first stated conversion among texts; resolve re-reads an amount's currency in context."""
    for text in texts:
        money = [resolve(m, text) for m in find_money(text)]
        for i, m in enumerate(money):
            if m.currency == currency:
                usd = stated_usd(text, m, money[i + 1:])
                if usd:
                    return m.amount / usd
    return None
