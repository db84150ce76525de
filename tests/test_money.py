import pytest
from hypothesis import example, given, strategies as st

from transforms.money import (
    _MONEY, _NUMBER_START, _PREFIX_REACH, _QUALIFIER, QUALIFIERS, every_year, find_money, qualifier_before, stated_usd,
    to_usd,
)
from transforms.patterns import finditer_anchored, lowered


@pytest.mark.parametrize("text, amount, currency, qualifier", [
    ("raised HK$4.8 billion in", 4.8e9, "HKD", "exact"),
    ("raised US$619 million", 619e6, "USD", "exact"),
    ("lost 2.96 billion yuan", 2.96e9, "CNY", "exact"),
    ("a RMB 5 billion round", 5e9, "CNY", "exact"),
    ("raised $20bn", 20e9, "USD", "exact"),
    ("collectively raising over $1 billion", 1e9, "USD", "more_than"),
    ("up to €1bn from", 1e9, "EUR", "up_to"),
    ("about US$5bil", 5e9, "USD", "approximately"),
    ("a US$500mil Series C", 500e6, "USD", "exact"),
    ("£300m from", 300e6, "GBP", "exact"),
    ("at least $19 billion of", 19e9, "USD", "at_least"),
    ("some 6.8 trillion yuan", 6.8e12, "CNY", "approximately"),
    ("invested Rs 5 billion", 5e9, "INR", "exact"),
    ("about 3 Billion Euros", 3e9, "EUR", "approximately"),
    ("raised RMB5bn", 5e9, "CNY", "exact"),
    ("a $40-billion round", 40e9, "USD", "exact"),
    ("raised Rs 300 crore", 3e9, "INR", "exact"),
    ("seeks $5-6 billion", 5e9, "USD", "exact"),
])
def test_find_money_reads_currency_scale_and_qualifier(text, amount, currency, qualifier):
    money = find_money(text)[0]
    assert (money.amount, money.currency, money.qualifier) == (pytest.approx(amount), currency, qualifier)


@pytest.mark.parametrize("text", ["the app has users 5 million strong", "over the years 20 billion", "NZ$5 million"])
def test_a_currency_code_inside_a_word_is_no_currency(text):
    assert find_money(text) == ()


def test_stated_conversion_wins():
    text = "raised HK$4.8 billion (US$619 million) after"
    first, second = find_money(text)
    assert stated_usd(text, first, [second]) == pytest.approx(619e6)


def test_or_about_conversion_is_stated_too():
    text = "raised HK$4.35 billion, or about US$558 million, at"
    first, second = find_money(text)
    assert stated_usd(text, first, [second]) == pytest.approx(558e6)


def test_to_usd_uses_nearest_year_and_leaves_unknown_currency_null():
    rates = {("HKD", 2023): 7.8, ("HKD", 2024): 7.8, ("CNY", 2024): 7.2}
    assert to_usd(7.8e9, "HKD", 2026, rates) == pytest.approx(1e9)
    assert to_usd(7.2, "CNY", None, rates) == pytest.approx(1.0)
    assert to_usd(1.0, "XYZ", 2024, rates) is None


def test_every_year_answers_each_year_and_undated_articles_exactly():
    rates = every_year({("CNY", 2020): 6.9, ("CNY", 2024): 7.2})
    assert rates[("CNY", 2021)] == 6.9 and rates[("CNY", 2023)] == 7.2 and rates[("CNY", 2099)] == 7.2
    assert to_usd(72, "CNY", None, rates) == pytest.approx(10)  # the latest listed rate


@given(st.text(max_size=300))
def test_find_money_never_raises_and_spans_hold(text):
    for money in find_money(text):
        assert 0 <= money.start < money.end <= len(text)
        assert money.amount >= 0


@given(st.lists(st.sampled_from(["US$", "HK$", "rs", "RMB ", "€", "$", "5", "1,200", ".5", " ", "bn", " billion",
                                 " yuan", " to ", "-", "a", "x"]), max_size=12).map("".join))
def test_amounts_are_tried_only_near_their_numbers(text):
    # find_money tries its patterns only just before numbers; a full scan finds the same amounts.
    scanned = [m.span() for m in _MONEY.finditer(text)]
    assert [m.span() for m in finditer_anchored(_MONEY.regex, _NUMBER_START, lowered(text), _PREFIX_REACH)] == scanned


@given(st.lists(st.sampled_from(["more than", "over", "in excess of", "c.", "some", "Nearly", "of", " ", "  ", "\n",
                                 "x", "a"]), max_size=8).map("".join))
@example("more than of ")
def test_qualifier_test_agrees_with_the_pattern(text):
    match = _QUALIFIER.search(text, max(0, len(text) - 30), len(text))
    expected = next(name for name, _ in QUALIFIERS if match.group(name)) if match else "exact"
    assert qualifier_before(text, len(text)) == expected


@given(st.lists(st.sampled_from(["5", "6.5", "1,200", " ", "-", " to ", "billion", " yuan", " won", "Won", " euros",
                                 " hong kong dollars", "$", "us", "x"]), max_size=12))
def test_the_first_figure_of_a_range_needs_a_currency_word(pieces):
    from transforms.money import _BARE_BEFORE_RANGE, _NUMBER_START, _SUFFIX_WORD
    low = lowered("".join(pieces))
    if not _SUFFIX_WORD.search(low):
        assert not list(finditer_anchored(_BARE_BEFORE_RANGE.regex, _NUMBER_START, low, 0))


def test_a_range_of_our_own_with_and_without_its_currency_word():
    assert [m.amount for m in find_money("It raised 6 billion to 6.5 billion yuan.")] == [6e9, 6.5e9]
    assert find_money("It raised 6 billion to 6.5 billion more.") == ()
