from hypothesis import given, strategies as st

from transforms.text import article_id, normalise_text, split_sentences


def test_normalise_text_folds_bom_newlines_and_trailing_space():
    assert normalise_text("\ufeffA line  \r\nB\r\n\r\n\r\n\r\nC\n") == "A line\nB\n\nC"


def test_article_id_is_16_hex_of_sha256():
    assert article_id("abc") == "ba7816bf8f01cfea"


def test_sentences_split_on_full_stops_but_not_abbreviations():
    text = "Shares rose in the U.S. on Friday. Mr. Lin said so. It was Jan. 8 then."
    assert [s.text for s in split_sentences(text)] == [
        "Shares rose in the U.S. on Friday.", "Mr. Lin said so.", "It was Jan. 8 then."]


def test_headings_are_their_own_sentences():
    text = "The Widening AI Divide\nLin said the gap is wide."
    assert [s.text for s in split_sentences(text)] == ["The Widening AI Divide", "Lin said the gap is wide."]


@given(st.text(max_size=400))
def test_sentence_offsets_always_hold(text):
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text.strip()
