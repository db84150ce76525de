"""The gazetteer's lookup: known names open only at a whole name word, longest form first."""
import re

import pytest

from hypothesis import given, strategies as st

from transforms.gazetteer import Gazetteer

ROWS = [
    {"name": "Acme Robotics", "aliases": "Acme|ACME", "country": "US"},
    {"name": "Moody's", "aliases": "", "country": "US"},
    {"name": "xAI", "aliases": "", "country": "US"},
    {"name": "Open Grid Co", "aliases": "OpenGrid|Open Grid", "country": "GB"},
    {"name": "stc", "aliases": "", "country": "SA"},
    {"name": "U.S. Steel", "aliases": "", "country": "US"},
    {"name": "3M", "aliases": "", "country": "US"},
    {"name": "The Lumen Trust", "aliases": "", "country": "GB"},  # "Lumen Trust", cleaned: not known
]
# Many filler names, so that the lookup reads first words with its trie pattern, as the real one does.
FILLER = [{"name": f"Filler{n} Holdings", "aliases": "", "country": "CN"} for n in range(80)]
SMALL, LARGE = Gazetteer.from_rows(ROWS), Gazetteer.from_rows(ROWS + FILLER)
ARTICLE = Gazetteer.of_surfaces(LARGE.by_surface)  # many names of one article: every name word is read

_NAME_WORD = re.compile(r"(?<![\w&])(?:[A-Z0-9]|[a-z]++[A-Z])[\w&'’.-]*")


def reference_find(gaz: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    """The rule, read the slow way: every name word of the text is looked up by its token."""
    found, taken_until = [], 0
    for word in _NAME_WORD.finditer(text):
        if word.start() < taken_until:
            continue
        token = word.group(0).rstrip(".'’")
        bare = token[:-2] if token.endswith(("'s", "’s")) else token
        for surface in gaz.by_first_word.get(token) or gaz.by_first_word.get(bare, ()):
            end = word.start() + len(surface)
            after = text[end:end + 2]
            if text.startswith(surface, word.start()) and not (
                    after[:1].isalnum() or after[:1] in ("&", "_") or (after[:1] == "-" and after[1:].isalnum())):
                found.append((word.start(), end, gaz.by_surface[surface].name))
                taken_until = end
                break
    return found


def names(gaz: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    return [(s, e, c.name) for s, e, c in gaz.find(text)]


PIECES = ["Acme", "Acme Robotics", "ACME", "Moody's", "Moody’s", "xAI", "OpenGrid", "Open Grid", "Open Grid Co",
          "stc", "U.S. Steel", "U.S.", "3M", "Filler7", "Filler7 Holdings", "Acme's", "Acme’s", "Acme-backed",
          "the", "and", "-", ".", "'", "’", "&", " ", " ", "x", "Steel", "Grid", "Co", "s", "Inc."]


@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_find_finds_what_reading_every_name_word_finds(text):
    for gaz in (SMALL, LARGE, ARTICLE):
        assert names(gaz, text) == reference_find(gaz, text)


def test_find_takes_the_longest_form_at_a_name_word():
    text = "Acme Robotics and OpenGrid signed; Open Grid Co said Moody's rated xAI."
    expected = [(0, 13, "Acme Robotics"), (18, 26, "Open Grid Co"), (35, 47, "Open Grid Co"),
                (53, 60, "Moody's"), (67, 70, "xAI")]
    assert names(SMALL, text) == names(LARGE, text) == expected


def test_find_skips_words_inside_other_words_and_lower_case_names():
    # "Acme" inside "Acme-backed" or after "U.S.-" opens no name; "stc" is never a name word.
    text = "An Acme-backed firm, a U.S.-Acme venture and stc."
    assert names(SMALL, text) == names(LARGE, text) == []


def test_find_reads_a_possessive_as_its_name():
    assert names(LARGE, "Acme's shares rose.") == [(0, 4, "Acme Robotics")]


# Runs of capitalised words that stand where a cue would make them a company: places, generic
# words and known names among new ones.
CUED = [
    "The Shanghai-based start-up Qilin Robotics raised money, as did rival Acme Robotics and China.",
    "Investors such as Acme, Hong Kong, Artificial Intelligence and Brightpath Capital joined.",
    "Acme's shares rose while Beijing's shares fell and AI's chief spoke; Northwind Energy Co did too.",
    "Analysts at US firm Lumora, a Tokyo developer, and New York utility Kestrel Power said so.",
    "Backers such as The Lumen Trust and Acme put in more.",
]


@pytest.mark.parametrize("text", CUED)
def test_runs_that_name_nothing_new_skip_the_context_tests_without_changing_what_is_found(text, monkeypatch):
    from transforms import companies

    shortcut = [(s.start, s.end, s.company) for s in companies.find_companies(text, LARGE)]
    monkeypatch.setattr(companies, "_nothing_new", lambda gazetteer: frozenset())
    assert [(s.start, s.end, s.company) for s in companies.find_companies(text, LARGE)] == shortcut


def test_places_generic_words_and_known_names_name_nothing_new():
    from transforms import companies

    nothing_new = companies._nothing_new(LARGE)
    assert {"China", "Hong Kong", "Artificial", "Acme", "Acme Robotics"} <= nothing_new
    assert "The Lumen Trust" not in nothing_new  # cleaned, it is "Lumen Trust": a new company
