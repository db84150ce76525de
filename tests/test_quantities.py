import pytest
from hypothesis import given, strategies as st

from transforms.quantities import find_quantities


def _q(text):
    return [(q.value, q.value_max, q.unit, q.comparator) for q in find_quantities(text, 2026, {})]


@pytest.mark.parametrize("text, expected", [
    ("used about 415 TWh in 2024", [(415.0, None, "TWh", "~")]),
    ("between 6.7% and 12% by 2028", [(6.7, 12.0, "percent", "=")]),
    ("reach 325 TWh to 580 TWh", [(325.0, 580.0, "TWh", "=")]),
    ("is set to more than double", [(2.0, None, "x", ">")]),
    ("a one-gigawatt cluster", [(1.0, None, "GW", "=")]),
    ("the 835-megawatt reactor", [(835.0, None, "MW", "=")]),
    ("1-4 GW of nuclear", [(1.0, 4.0, "GW", "=")]),
    ("about 180 million tonnes of CO2", [(180e6, None, "tonnes_co2", "~")]),
    ("just under 3% of demand", [(3.0, None, "percent", "<")]),
    ("about a fifth of that total", [(20, None, "percent", "~")]),
])
def test_find_quantities(text, expected):
    assert _q(text) == expected


def test_money_ranges_are_one_quantity_in_usd():
    assert _q("guided to $175 billion to $185 billion") == [(175e9, 185e9, "USD", "=")]


@given(st.text(max_size=300))
def test_find_quantities_never_raises(text):
    for q in find_quantities(text, 2026, {}):
        assert 0 <= q.start < q.end <= len(text)


_PIECES = ["between ", "1", "2.5", "1,200", "40", " ", "-", "–", " to ", " and ", "million", " billion ", "GW",
           " TWh", "MW", "%", " per cent", "gigawatts", "kWh", "x", "b", "e", ".", ",", "one", "ten", "a dozen"]


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_without_number_words_the_digits_pattern_finds_what_the_full_one_finds(text):
    from transforms.numbers import WORDS
    from transforms.quantities import _DIGITS_QUANTITY, _QUANTITY

    if not any(word in text.lower() for word in WORDS):
        assert [m.groupdict() | {"span": m.span()} for m in _DIGITS_QUANTITY.finditer(text)] == \
            [m.groupdict() | {"span": m.span()} for m in _QUANTITY.finditer(text)]
