"""Whom forecasts and energy figures are attributed to."""
from datetime import datetime, timezone

import pytest

from transforms.attribution import attributed_org, spelled_out
from transforms.extract import ArticleText, extract_article


def _sources(refs, text):
    rows = extract_article(ArticleText("0" * 16, text, datetime(2025, 6, 1, tzinfo=timezone.utc)), refs,
                           run_id="r", extractor_version="v").energy_metrics
    return [r.source_org for r in rows]


@pytest.mark.parametrize("text, source", [
    ("Data centres will use 945 TWh by 2030, the International Energy Agency said.", "International Energy Agency"),
    ("According to a report by the Lawrence Berkeley National Laboratory, US data centres could use 12% "
     "of the country's electricity by 2028.", "Lawrence Berkeley National Laboratory"),
    ("The Electric Power Research Institute (EPRI) published a study. EPRI expects data centres to use 9% of "
     "US electricity by 2030.", "Electric Power Research Institute"),
    ("Goldman Sachs analysts estimate that power demand from data centres will grow 160% by 2030.", "Goldman Sachs"),
    ("Data centres will use 945 TWh by 2030, Fatih Birol said.", None),
])
def test_the_organisation_a_sentence_cites(refs, text, source):
    assert _sources(refs, text)[-1] == source


def test_a_citation_carries_through_its_paragraph_only(refs):
    text = ("The IEA said on Thursday that demand was rising fast. Data centres will use 945 TWh by 2030.\n\n"
            "Data centres in Ireland used 21% of its power in 2023.")
    assert _sources(refs, text) == ["IEA", None]


def test_a_quoted_person_speaks_for_their_organisation(refs):
    text = ("Jane Doe, an analyst at Ridgeview Securities, spoke on Monday. She said data centres would need 40 GW "
            "of new capacity by 2027.")
    assert _sources(refs, text) == ["Ridgeview Securities"]


def test_acronyms_are_spelled_out_from_the_article():
    article = "The International Energy Agency met. The Electric Power Research Institute (EPRI) spoke."
    assert spelled_out("IEA", article) == "International Energy Agency"
    assert spelled_out("EPRI", article) == "Electric Power Research Institute"
    assert spelled_out("NEA", article) is None
    assert attributed_org("Demand will double, the IEA said.", [], 0, article) == "International Energy Agency"
