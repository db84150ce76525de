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


@given(st.text(alphabet="aAbZ. U.S.\t5-", max_size=50))  # a paragraph is one line: no "\n"
def test_abbreviations_read_backwards_are_those_of_the_written_search(paragraph):
    import re

    from transforms.text import _ABBREVIATIONS, _INITIALS, _is_abbreviation

    def written(dot):
        match = re.search(r"([A-Za-z.]+)$", paragraph[max(0, dot - 30):dot])
        word = match.group(1).lower().strip(".") if match else None
        return paragraph[dot] == "." and match is not None and \
            (word in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word)))
    for dot in range(len(paragraph)):
        assert _is_abbreviation(paragraph, paragraph[::-1], dot) == written(dot)


def test_sentences_of_our_own_split_after_no_abbreviation():
    text = "Mr. Smith met U.S. officials. J. Roe left at 5 p.m. Then Acme Inc. rose."
    assert [s.text for s in split_sentences(text)] == ["Mr. Smith met U.S. officials.",
                                                      "J. Roe left at 5 p.m. Then Acme Inc. rose."]  # "p.m." as initials
