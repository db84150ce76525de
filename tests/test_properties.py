"""Extractors never raise, keep offsets, and cost grows linearly with input."""
import time

from hypothesis import given, settings, strategies as st

from transforms.extract import ArticleText, extract_article

NEWSY = st.lists(st.sampled_from([
    "Nvidia", "raised", "$4.5bn", "HK$", "(US$1 billion)", "by 2030", "45%", "TWh", "GW", "said",
    "Tencent Holdings", "chief executive", "Zhang Wei,", "Series B", "double", "over the next five years",
    "Shanghai-based", "start-up", "Inc", "(", ")", ".", ",", "\n", "１２３", "9" * 40, "between", "and",
]), max_size=80).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=500), NEWSY))
def test_extract_never_raises_and_offsets_hold(refs, text):
    rows = extract_article(ArticleText("0" * 16, text), refs, run_id="r", extractor_version="v")
    for table in ("company_mentions", "people", "funding", "forecasts", "energy_metrics"):
        for row in getattr(rows, table):
            assert text[row.char_start:row.char_end] == row.evidence


def _cost(refs, text: str) -> float:
    start = time.process_time()
    extract_article(ArticleText("0" * 16, text), refs, run_id="r", extractor_version="v")
    return time.process_time() - start


def test_cost_grows_linearly(refs, seed_text):
    """8x the text must cost well under 64x (catches quadratic regex backtracking)."""
    one = min(_cost(refs, seed_text) for _ in range(3))
    eight = min(_cost(refs, "\n".join([seed_text] * 8)) for _ in range(3))
    assert eight < one * 20


def test_one_long_sentence_is_linear(refs):
    sentence = "Nvidia and Tencent raised more than $1 billion " * 20
    one = min(_cost(refs, sentence) for _ in range(3))
    eight = min(_cost(refs, sentence * 8) for _ in range(3))
    assert eight < one * 20


@given(st.text(alphabet="aAbB \n\t.'’-", max_size=40))
def test_last_name_start_is_the_last_capital_before_a_capitalised_word(sentence):
    import re
    from transforms.people import _last_name_start
    # The definition, read forwards: the last capital whose word ends at one space before a capital.
    last = re.match(r".*[A-Z](?=[^A-Z\s]*+\s[A-Z])", sentence, re.S)
    assert _last_name_start(sentence) == (last.end() - 1 if last else -1)
