"""The articles table's language: read from an article's opening."""
from flows.extraction import language

ENGLISH = ("The company said on Tuesday that it would build two data centres near the coast, and that "
           "demand for its chips had risen faster than analysts expected over the past year.")


def test_an_english_opening_is_english():
    assert language(ENGLISH) == "en"


def test_other_languages_are_told_apart():
    assert language("Le gouvernement a annoncé mardi un plan pour soutenir les entreprises d'intelligence "
                    "artificielle, avec des investissements dans les centres de données.") == "fr"
    assert language("Die Regierung hat am Dienstag einen Plan zur Unterstützung von Unternehmen der "
                    "künstlichen Intelligenz angekündigt, und die Analysten erwarten mehr.") == "de"


def test_a_lead_of_names_and_figures_is_read_further():
    lead = "Zhipu, MiniMax, Moonshot, StepFun, Baichuan: 4.2, 3.9, 3.3, 2.7, 1.8 (2025); " * 3
    assert len(lead) >= 200
    assert language(lead + ENGLISH + " " + ENGLISH) == "en"
