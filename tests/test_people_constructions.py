"""People and companies as real news names them: one sentence of our own per construction."""
import re

import pytest
from hypothesis import given, strategies as st

from transforms.extract import ArticleText, extract_article


def _extract(refs, text):
    from datetime import datetime, timezone

    return extract_article(ArticleText("0" * 16, text, datetime(2026, 3, 1, tzinfo=timezone.utc)), refs,
                           run_id="r", extractor_version="v")


def _people(refs, text):
    return [(p.name, p.title, p.organization) for p in _extract(refs, text).people]


@pytest.mark.parametrize("text, person", [
    # Roles written with capitals, after the organisation's possessive.
    ("Ruth Adler, Nvidia's Chairman and Chief Operating Officer, spoke at the event.",
     ("Ruth Adler", "Chairman and Chief Operating Officer", "Nvidia")),
    ("Omar Fenn, Managing Partner at Lux Capital, said valuations were stretched.",
     ("Omar Fenn", "Managing Partner", "Lux Capital")),
    # A co- role, and one with qualifiers before it.
    ("Ada Chen, the co-CEO of SMIC, said orders were steady.", ("Ada Chen", "co-CEO", "SMIC")),
    ("Luis Ortega, distinguished vice-president analyst at Gartner, said spending would grow.",
     ("Luis Ortega", "distinguished vice-president analyst", "Gartner")),
    # "said X, the company's chief financial officer": the company the text is about.
    ("Oracle raised its outlook, said Petra Lind, the company's chief financial officer.",
     ("Petra Lind", "chief financial officer", "Oracle")),
    # An organisation's acronym with no possessive before a lower-case role.
    ("Nadia Vos, CNESA chairman, opened the forum.", ("Nadia Vos", "chairman", "CNESA")),
    # A lower-case qualifier between the firm and the role.
    ("Morgan Stanley semiconductor analyst Wen Bo cut his target.",
     ("Wen Bo", "analyst", "Morgan Stanley")),
    # Initials as a first name.
    ("Nvidia CEO J.R. Holt said demand was strong.", ("J.R. Holt", "CEO", "Nvidia")),
    ("AMD chief executive TK Rao said so on Monday.", ("TK Rao", "chief executive", "AMD")),
    # A government role's organisation, and a country that is no employer.
    ("Pia Lund, Under Secretary of Energy for Science at the Energy Department, told lawmakers.",
     ("Pia Lund", "Under Secretary", "Energy Department")),
    ("On Monday, US President Jean Marc Dupuis said the plan would go ahead.",
     ("Jean Marc Dupuis", "US President", None)),
    ("White House AI czar Dan Hale said the rules would change.", ("Dan Hale", "czar", "White House")),
    ("The plan was approved at a meeting chaired by Premier Zhou Lin on Friday.",
     ("Zhou Lin", "Premier", None)),
    # "its chief executive": the sentence's subject, not the company named last.
    ("The accord gives Microsoft a stake in Mistral AI, and its president Dora Kim will join the board.",
     ("Dora Kim", "president", "Microsoft")),
    ("Baidu is buying a stake in Zhipu AI from its co-founder and former director Liu Wen.",
     ("Liu Wen", "former director", "Baidu")),
    # "X, led by Y" and "analysts led by Y".
    ("Meta Platforms, led by Carl Dunn, raised its spending plan.", ("Carl Dunn", "head", "Meta Platforms")),
    ("Acme Robotics was set up in 2021, led by Gu Ming, a physicist.", ("Gu Ming", "head", "Acme Robotics")),
    ("Goldman Sachs cut its forecast. Analysts led by Rita Moss wrote in a note.",
     ("Rita Moss", "Analyst", "Goldman Sachs")),
    # Appointments and "who heads".
    ("Scale AI appointed Victor Lamb as interim CEO.", ("Victor Lamb", "interim CEO", "Scale AI")),
    ("Fay Wong, who heads Alibaba Cloud, said prices would fall.", ("Fay Wong", "head", "Alibaba Cloud")),
    # Possessives: a person's company, a company's person.
    ("Ken Sato's AI start-up, xAI, raised money.", ("Ken Sato", None, "xAI")),
    ("Tech investor Mo Harris' Breakthrough Energy Ventures joined the round.",
     ("Mo Harris", None, "Breakthrough Energy Ventures")),
    ("Sequoia Capital's Ian Voss said the deal was priced well.", ("Ian Voss", None, "Sequoia Capital")),
])
def test_attribution_forms(refs, text, person):
    assert person in _people(refs, text)


def test_people_in_a_list_of_investors(refs):
    people = _people(refs, "Earlier backers including Accel, Jon Meyer and Nina Park took part, as did "
                           "investors such as Kairos Capital and Hu Wei of the China Development Bank.")
    assert ("Jon Meyer", "investor", None) in people and ("Nina Park", "investor", None) in people
    assert not any(name == "Kairos Capital" for name, _, _ in people)
    assert not any(title == "investor" and name == "Hu Wei" for name, title, _ in people)


def test_a_round_led_by_a_firm_names_nobody(refs):
    assert _people(refs, "Lumen Labs raised $50 million in a Series B, led by Hillhouse Capital.") == []


def test_a_possessive_after_s_is_not_part_of_a_company_name(refs):
    names = {c.name for c in _extract(refs, "Investor Mo Harris' Breakthrough Energy Ventures joined.").company_mentions}
    assert names == {"Breakthrough Energy Ventures"}


def test_initials_do_not_end_a_sentence():
    from transforms.text import split_sentences

    assert len(split_sentences("TSMC chief executive C.C. Wei spoke. Shares rose.")) == 2


def _companies(refs, text):
    return {c.name: c.country for c in _extract(refs, text).company_mentions}


@pytest.mark.parametrize("text", [
    "Because of AI, we expect to double sales.",
    "Separately, a group of investors agreed to buy shares.",
    "Executives told analysts that Artificial Intelligence (AI) is their main engine.",
    "The models rival Western counterparts at a fraction of the cost.",
    "Amazon plans to build 5GW AI campuses in Ohio.",
    "The start-up said its agent beat Google's Deep Research on the benchmark.",
    "The IMF, the International Monetary Fund, warned of a bubble.",
])
def test_words_that_name_no_company(refs, text):
    from transforms.gazetteer import Gazetteer  # noqa: F401 - only the gazetteer's own names may appear
    found = _companies(refs, text)
    assert not any(name.startswith(("Because", "Separately", "Artificial", "Western", "5GW", "Deep", "International"))
                   for name in found), found


def test_an_opening_word_is_not_part_of_a_company_name(refs):
    assert "Lumen Robotics Inc" in _companies(refs, "When Lumen Robotics Inc raised funds, rivals followed.")


def test_a_person_of_a_company_is_not_part_of_its_name(refs):
    text = "Margins will recover, said Kim Ji-woo of Hanbit Investment & Securities."
    assert "Hanbit Investment & Securities" in _companies(refs, text)
    assert ("Kim Ji-woo", None, "Hanbit Investment & Securities") in _people(refs, text)


def test_funds_are_investment_firms(refs):
    found = _companies(refs, "The round was led by Suzhou Robotics Industry Fund, a state-backed investor.")
    assert found.get("Suzhou Robotics Industry Fund") == "CN"


def test_a_name_with_and_without_ai_is_one_company(refs):
    rows = _extract(refs, "Meituan is buying AI company Polar Star from its founder. Polar Star AI builds models.")
    assert [c.name for c in rows.company_mentions if c.name.startswith("Polar")] == ["Polar Star"]


def test_a_company_found_from_context_takes_its_parent_s_country(refs):
    assert _companies(refs, "Power equipment maker State Grid Yuanheng Group won the tender.")\
        .get("State Grid Yuanheng Group") == "CN"


def test_a_company_found_from_context_takes_the_article_s_clear_home_country(refs):
    text = ("Baidu, Alibaba and Tencent backed the round, as did venture firm Qiantang Capital. "
            "ByteDance declined to comment.")
    assert _companies(refs, text)["Qiantang Capital"] == "CN"
    mixed = "Nvidia, Alibaba and SoftBank backed the round, as did venture firm Qiantang Capital."
    assert _companies(refs, mixed)["Qiantang Capital"] is None


def test_a_known_company_with_its_legal_suffix_written_another_way(refs):
    rows = _extract(refs, "Suppliers included Disco Co. and others. Disco Corp declined to comment.")
    assert [(c.name, c.n_mentions) for c in rows.company_mentions] == [("Disco Corporation", 2)]


def test_a_name_with_and_without_its_legal_suffix_is_one_company(refs):
    text = "Japanese robotics startup Lumen Drive Inc. raised money. Tokyo-based Lumen Drive’s valuation rose."
    assert _companies(refs, text) == {"Lumen Drive": "JP"}


def test_every_founder_named_with_and(refs):
    people = _people(refs, "Lumen Labs, which was founded by former Google engineers Ana Ruiz and Tom Okafor, raised money.")
    assert ("Ana Ruiz", "founder", "Lumen Labs") in people and ("Tom Okafor", "founder", "Lumen Labs") in people


def test_a_photo_caption_names_a_person_beside_the_role(refs):
    people = _people(refs, "Lisa Park (left), chief executive of Nvidia, arrives at the summit in Seoul.")
    assert ("Lisa Park", "chief executive", "Nvidia") in people


def test_a_processing_unit_is_a_product_not_a_company(refs):
    assert _companies(refs, "The Z900, a data centre graphics processing unit, ships this year.") == {}


def test_a_person_who_speaks_without_a_title(refs):
    people = _people(refs, "Demand will keep rising, Mara Lind said on Tuesday. Acme Robotics said it agreed. "
                           "The Commerce Department said so, and Chief Executive Officer Jo Park said so too.")
    assert ("Mara Lind", None, None) in people
    assert {name for name, _, _ in people} == {"Mara Lind", "Jo Park"}


_ROLE_PIECES = ["former ", "senior ", "energy-sector ", "co - ", "co-", "chief ", "executive ", "officer ",
                "analyst", "head of ", "vice-", "president", "coo", "dean", ", ", "'s ", "3 ", "x", "\t", " and "]


@given(st.lists(st.sampled_from(_ROLE_PIECES), max_size=14))
def test_roles_are_found_from_the_letters_before_their_key_word_as_from_sixty_before(pieces):
    from transforms.patterns import finditer_near
    from transforms.people import _ROLE_KEY, _ROLE_LOWER, _ROLE_REACH, _roles
    text = "".join(pieces)
    assert [m.span() for m in _roles(text)] == \
        [m.span() for m in finditer_near(_ROLE_LOWER, _ROLE_KEY, text, _ROLE_REACH)]


def test_roles_of_a_sentence_of_our_own():
    from transforms.people import _roles
    text = "the firm's former energy-sector analyst, and co - head jane roe, 2 senior vice-president"
    assert [m.group(0) for m in _roles(text)] == ["former energy-sector analyst, and co - head",
                                                  "senior vice-president"]


_SPEAKER_PIECES = ["Jane", "Roe", "McDonald", "O'Neil", "C.C.", "KR", "AI", "Wei", " ", "said", "says", "told",
                   "'", "’", ".", "-", "x", "saidx", ", "]


@given(st.lists(st.sampled_from(_SPEAKER_PIECES), max_size=12))
def test_speakers_found_from_their_first_capital_are_those_of_the_written_pattern(pieces):
    from transforms.people import _SPEAKER, _SPEECH_VERBS, PERSON
    text = "".join(pieces)
    written = re.compile(rf"(?<![\w’'.-])(?P<name>{PERSON})\s(?:{'|'.join(_SPEECH_VERBS)})\b")
    assert [m.span("name") for m in _SPEAKER.finditer(text)] == [m.span("name") for m in written.finditer(text)]


def test_a_speaker_of_our_own():
    from transforms.people import _SPEAKER
    text = "Analysts at x.Jane Roe said no, but Jane Roe said yes."
    assert [m["name"] for m in _SPEAKER.finditer(text)] == ["Jane Roe"]
