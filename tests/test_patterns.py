"""Patterns built from word lists, and case-insensitive patterns over lower-cased text."""
import re

from hypothesis import given, strategies as st

from transforms.patterns import CaselessPattern, alternation, finditer_anchored, finditer_near, keywords_first, lowered

WORDS = st.lists(st.text(alphabet="abAB. ", min_size=1, max_size=5), min_size=1, max_size=12)


@given(WORDS, st.text(alphabet="abAB. x", max_size=60))
def test_alternation_matches_like_a_longest_first_list(words, text):
    listed = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    trie = re.compile(alternation(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in listed.finditer(text)]


@given(WORDS, st.text(alphabet="abAB. x", max_size=60))
def test_alternation_not_after_checks_the_character_before(words, text):
    checked = re.compile(r"(?<![a.])(?:" + alternation(words) + ")")
    rewritten = re.compile(alternation(words, not_after="[a.]"))
    assert [m.span() for m in rewritten.finditer(text)] == [m.span() for m in checked.finditer(text)]


def test_alternation_backs_off_to_a_shorter_word():
    rx = re.compile(r"\b(?:" + alternation(["China", "Chinese"]) + r")\b")
    assert [m.group(0) for m in rx.finditer("Chinese firms in China, Chinesey")] == ["Chinese", "China"]


@given(st.text(alphabet="aAbBİß\u0130 .,-", max_size=60))
def test_caseless_finds_what_ignorecase_finds_at_the_same_positions(text):
    pattern = r"\b(?:ab|ba)\b|b\W+a"
    caseless = CaselessPattern(pattern)
    assert [m.span() for m in caseless.finditer(text)] == \
        [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert len(lowered(text)) == len(text)


def test_caseless_keeps_escapes_and_group_names():
    rx = CaselessPattern(r"(?P<Unit>\bMW\b)\W+(?P=Unit)|\S+\sCO2")
    assert rx.pattern == r"(?P<Unit>\bmw\b)\W+(?P=Unit)|\S+\sco2"
    assert rx.search("50 Mw, mW").span() == (3, 9)
    assert rx.match("tonnes co2", 0) and not rx.fullmatch("tonnes co2 x")


def test_caseless_split_keeps_the_spelling():
    assert CaselessPattern(r"\bis\b").split("Power Is here is", maxsplit=1) == ["Power ", " here is"]


@given(st.text(alphabet="ab -x", max_size=80))
def test_finditer_near_finds_what_finditer_finds(text):
    pattern = re.compile(r"(?:a{1,5}\s)?-?x+b?|b-x")  # every match holds an "x" within 8 characters
    near = finditer_near(pattern, re.compile("x"), text, reach=10)
    assert [m.span() for m in near] == [m.span() for m in pattern.finditer(text)]


@given(st.text(alphabet="ab 1-.", max_size=80))
def test_finditer_anchored_finds_what_finditer_finds(text):
    pattern = re.compile(r"(?:ab?\s?)?(?<![\w.])1+(?:-1+)?b?")  # every match opens at most 3 before a key
    anchored = finditer_anchored(pattern, re.compile(r"(?<![\w.])1"), text, before=3)
    assert [m.span() for m in anchored] == [m.span() for m in pattern.finditer(text)]


@given(st.lists(st.sampled_from(["ab", "a", "b[ab]", "ba(?:a|b)?", "a b", "b\\w*", "a[^]|b]"]), min_size=1, max_size=4),
       st.text(alphabet="ab _-", max_size=60))
def test_keywords_first_matches_what_the_pattern_matches(words, text):
    pattern = r"\b(?:" + "|".join(words) + r")\b"
    rewritten = keywords_first(pattern)
    assert rewritten != pattern
    assert [m.span() for m in re.finditer(rewritten, text)] == [m.span() for m in re.finditer(pattern, text)]


@given(st.lists(st.sampled_from(["\\bab", "\\ba\\b", "ba", "\\b(?:a|b a)b", "\\bb?a", "\\bb\\w*", "(?<!a)\\bb"]),
                min_size=1, max_size=4),
       st.text(alphabet="ab _-", max_size=60))
def test_keywords_first_rewrites_each_alternative(branches, text):
    pattern = "|".join(branches)
    rewritten = keywords_first(pattern)
    assert [m.span() for m in re.finditer(rewritten, text)] == [m.span() for m in re.finditer(pattern, text)]


def test_keywords_first_leaves_other_patterns_alone():
    for pattern in (r"\b(?:s?ome|x)\b", r"(?:ab|c)\b", r"\b(?:[ab]c|d)", r"\bs?ome|x", r"(?<!a)\bb|\b\d"):
        assert keywords_first(pattern) == pattern



@given(st.text(alphabet="ab$ 1-.", max_size=80))
def test_finditer_anchored_with_a_lead_finds_what_finditer_finds(text):
    pattern = re.compile(r"(?:(?<!\w)ab?\$\s?)?(?<![\w.])1+(?:-1+)?b?|\$\s?1+")  # opens before the key only after "$"
    anchored = finditer_anchored(pattern, re.compile(r"(?<![\w.])1"), text, before=4, lead=re.compile(r"\$\s?$"))
    assert [m.span() for m in anchored] == [m.span() for m in pattern.finditer(text)]
