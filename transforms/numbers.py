"""Numbers as news writes them: digits, scale words, number words, multiples."""
from __future__ import annotations

import re

SCALES = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "bil": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "m": 1e6,
    "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5,
}
WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "a dozen": 12, "dozen": 12,
}
# Multiples: "double" is 2 x.
MULTIPLES = {
    "double": 2, "doubled": 2, "doubles": 2, "doubling": 2, "triple": 3, "tripled": 3,
    "triples": 3, "tripling": 3, "quadruple": 4, "quadrupled": 4, "quadruples": 4,
    "quadrupling": 4, "twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5,
    "tenfold": 10,
}
# Fractions as percentages: "a fifth" is 20 percent.
FRACTIONS = {
    "half": 50, "a half": 50, "a third": 100 / 3, "one third": 100 / 3,
    "two thirds": 200 / 3, "two-thirds": 200 / 3, "a quarter": 25, "one quarter": 25,
    "three quarters": 75, "a fifth": 20, "one fifth": 20, "a tenth": 10, "one tenth": 10,
}

_GROUPED, _PLAIN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)", r"\d+(?:\.\d+)?(?!\d)"
# A number standing alone, not the tail of a word or of another number ("A380", "1.5.2").
NUMBER = rf"(?<![\w.]){_GROUPED}|(?<![\w.,]){_PLAIN}"
# A number right after a currency sign or code, which may touch it ("RMB5bn").
NUMBER_AFTER_CURRENCY = rf"{_GROUPED}|{_PLAIN}"
SCALE = r"(?:trillion|billion|million|thousand|crore|lakh|bln|bil|mln|trn|tn|bn|mn|mil|[bmk])\b"
_NUMBER_RE = re.compile(NUMBER)


def parse_number(token: str) -> float | None:
    """A digit string ("1,837", "4.8") or a number word ("three") as a float."""
    token = token.strip()
    if _NUMBER_RE.fullmatch(token):
        return float(token.replace(",", ""))
    return float(WORDS[token.lower()]) if token.lower() in WORDS else None


def scale_factor(word: str | None) -> float:
    """Multiplier of a scale word ("bn" -> 1e9); 1 when absent or unknown."""
    return SCALES.get((word or "").lower(), 1.0)
