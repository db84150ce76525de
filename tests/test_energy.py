"""Energy words: the fast presence tests agree with the word lists as written."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from transforms.energy import _ENERGY_MONEY, ENERGY_CONTEXT, SECTOR_WORDS, SECTORS
from transforms.patterns import CaselessPattern

AS_WRITTEN = {
    ENERGY_CONTEXT: r"electricity|(?<!computing )\bpower\b|energy|"
                    r"demand(?! for (?!electricity|power|energy))|consum(?!er)\w*|"
                    r"capacity(?! utili[sz]ation)|\bgrid|emission|solar|wind|nuclear|\bcoal\b|\bgas\b|generat\w*|\bload\b|"
                    r"reactor|renewable|non-fossil|batter\w*|storage|utilit\w*",
    _ENERGY_MONEY: r"electricity|(?<!computing )\bpower\b|energy|\bgrid|nuclear|solar|wind|renewable|"
                   r"utilit\w*|network|reactor|\bgas\b|\bcoal\b|transmission|substation",
}
PIECES = ["power", "Power", "computing ", "grid", "coal", "gas", "load", "demand", " for ", "AI ", "chips",
          "consumption", "consumer", "capacity", " utilization", "electricity", "wind", "Utility", "network", "x",
          "s", " ", "-", "_", "1"]


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_presence_tests_agree_with_the_word_lists(text):
    for fast, written in AS_WRITTEN.items():
        assert bool(fast.search(text)) == bool(re.search(written, text, re.IGNORECASE)), (written[:20], text)


@pytest.mark.parametrize("name, pattern", SECTORS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_sector_word_holds_one_of_its_keys(name, pattern, data):
    # A text is tried with a sector's pattern only when it holds one of the sector's words.
    written = data.draw(st.from_regex(re.compile(CaselessPattern(pattern).pattern), fullmatch=True))
    assert any(word in written for word in SECTOR_WORDS[name]), (name, written)
