"""Places named in text."""
from hypothesis import given, strategies as st

from transforms.regions import _PLACE_RE, PLACES, _place_forms, find_places


@given(st.lists(st.sampled_from(["China", "mainland", "the world", "world's", "around", "Global", "globally", "US",
                                 "U.S.", "Hong Kong", " ", ", ", "x", "-", "."]), max_size=10).map("".join))
def test_places_found_in_two_scans_are_those_of_one_pattern(text):
    assert _place_forms(text) == [(m.start(), m.end(), PLACES[m.group(0)]) for m in _PLACE_RE.finditer(text)]


def test_a_superlative_world_ranks_rather_than_places():
    assert [p[2] for p in find_places("China and the world's largest utility, and global demand")] == ["CN", "WORLD"]


_SUPERLATIVE_PIECES = ["the world's", "world’s", " largest", " ranked", " ranks", " third", " placing", " worldwide",
                       " globally", " in the world", " China", " US", " rank", "x"]


@given(st.lists(st.sampled_from(_SUPERLATIVE_PIECES), max_size=10))
def test_every_superlative_holds_one_of_its_words(pieces):
    from transforms.regions import _RANK_WORDS, _SUPERLATIVE
    text = "".join(pieces)
    for m in _SUPERLATIVE.finditer(text):
        assert any(word in m.group(0) for word in _RANK_WORDS), m.group(0)


def test_a_superlative_of_our_own_is_no_place():
    assert [p[2] for p in find_places("China ranked third worldwide, behind the US")] == ["CN", "US"]
    assert [p[2] for p in find_places("China is the world's largest market")] == ["CN"]
