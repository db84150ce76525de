import re

import pytest
from hypothesis import example, given, settings, strategies as st

from transforms.dates import _SAME, _SAME_KEY, _SAME_REACH, _SPANS, find_horizon, find_years
from transforms.patterns import finditer_near


def _years(text, published=2026):
    return [(y.year, y.kind) for y in find_years(text, published)]


@pytest.mark.parametrize("text, expected", [
    ("demand will double by 2030", [(2030, "year")]),
    ("grow 15% a year between 2024 and 2030", [(2024, "baseline"), (2030, "year")]),
    ("rise 160% by 2030 from 2023 levels", [(2030, "year"), (2023, "baseline")]),
    ("reach 39% by the end of the decade", [(2030, "year")]),
    ("spent $1bn last year", [(2025, "year")]),
    ("capacity will triple by mid-century", [(2050, "year")]),
])
def test_find_years(text, expected):
    assert _years(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("over the next three to five years", (3.0, 5.0)),
    ("within ten years", (10.0, 10.0)),
    ("is more than ten years away", (10.0, 10.0)),
    ("sometime soon", (None, None)),
    ("within the next decade", (10.0, 10.0)),
    ("a decade from now", (10.0, 10.0)),
    ("over the next 18 months", (1.5, 1.5)),
])
def test_find_horizon(text, expected):
    assert find_horizon(text) == expected


@given(st.lists(st.sampled_from(["during ", "the ", "end of ", "that ", "same ", "year", "period", "in ", "x", " "]),
                max_size=14).map("".join))
@example("by 2030, during the end of that same year")
def test_same_year_is_found_near_its_key_word(text):
    near = finditer_near(_SAME, _SAME_KEY, text, _SAME_REACH)
    assert [m.span() for m in near] == [m.span() for m in _SAME.finditer(text)]


@given(st.sampled_from(["in", "during", "for", "within", "by"]), st.sampled_from([" ", "\n"]),
       st.integers(1985, 2105), st.sampled_from(["", " and beyond", ".", "0"]))
def test_historical_years_read_back_to_their_word(word, gap, year, after):
    from transforms.dates import _HISTORICAL, _HISTORICAL_WORDS, YEAR
    text = f"Output rose {word}{gap}{year}{after} as planned."
    plain = re.compile(rf"\b(?:{'|'.join(_HISTORICAL_WORDS)})\s(?P<a>{YEAR})\b")
    assert [(m.group("a"), m.end()) for m in _HISTORICAL.finditer(text)] == \
        [(m.group("a"), m.end()) for m in plain.finditer(text)]


def test_a_year_in_the_past_tense_dates_an_undated_article():
    from transforms.dates import infer_reference_year
    assert infer_reference_year("Sales rose in 2024. They will double by 2030.") == 2024
    assert infer_reference_year("Growth will continue in 2031.") is None


@pytest.mark.parametrize("kind, words, pattern", [span for span in _SPANS if span[1]])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_year_pattern_match_holds_one_of_its_words(kind, words, pattern, data):
    # A text is read with a pattern only when it holds one of the pattern's words.
    written = data.draw(st.from_regex(pattern, fullmatch=True))
    assert any(word in written for word in words), (kind, written)


@given(st.text(alphabet="0123456789 yeardcnt٣", max_size=30))
def test_the_year_gate_is_its_written_pattern(text):
    from transforms.dates import _MAY_HAVE_YEAR
    written = r"\d{4}|decade|century|year|today|currently|present|period"
    assert bool(_MAY_HAVE_YEAR.search(text)) == bool(re.search(written, text))


@given(st.text(alphabet="wil Wcoud-.xpectaion\n’", max_size=40))
def test_looking_ahead_is_what_the_future_cues_find(text):
    from transforms.dates import FUTURE_CUES, looks_ahead
    assert looks_ahead(text) == bool(FUTURE_CUES.search(text))


def test_a_sentence_of_our_own_looks_ahead_or_not():
    from transforms.dates import looks_ahead
    assert looks_ahead("Will it? Demand could double") and looks_ahead("It will.")
    assert not looks_ahead("Demand beat expectations") and not looks_ahead("Goodwill rose")
