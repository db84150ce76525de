"""Extraction takes time linear in the text, whatever the text: hostile shapes at n and 8n
characters take about 8 times as long, never the 64 times of a quadratic scan.

A ratio within one run, not a timed threshold: n is grown until extracting it takes a measurable
time, so a quadratic shape fails in seconds instead of hanging the suite."""
from __future__ import annotations

import random
import time

import pytest

from transforms.extract import ArticleText, extract_article

_WORDS = random.Random(16)
_CAPITALISED = " ".join(_WORDS.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") +
                        "".join(_WORDS.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(_WORDS.randint(1, 8)))
                        for _ in range(4000))
# Names no gazetteer knows, each found from its cue: an article that introduces thousands of companies.
_NEW_COMPANIES = " ".join("The Shanghai-based start-up " + "".join(
    _WORDS.choice("BCDFGHKLMNPRSTVZ") + _WORDS.choice("aeiou") for _ in range(4)).capitalize() + " Robotics raised money."
    for _ in range(6000)) + " "
# Each shape is a unit repeated to the wanted length.
SHAPES = {
    "capitals": "A",
    "one letter": "a",
    "capitalised words": _CAPITALISED + " ",
    "digits": "7",
    "CJK with full-width digits": "人工智能公司２０２５年营收１３０亿元，同比增长５０％。",
    "CJK with Latin names": "英伟达Nvidia公司２０２５年营收１３０亿美元，OpenAI融资５０亿美元，阿里巴巴Alibaba Group称",
    "full-width digits": "１２３４５６７８９０",
    "punctuation": ".,;:!?-()'\"“”—",
    "no spaces": "OpenAIraisedUS$5bnfromNvidiaandTencentHoldings",
    "one long sentence": "the company said that it would invest $5bn in data centres in China and ",
    "repeated company names": "Nvidia Alibaba Group Tencent Holdings OpenAI Zhipu AI ",
    "known names joined into one word": "Nvidia.Alibaba-Tencent'OpenAI’",
    "new companies": _NEW_COMPANIES,
    "names and roles": "Li Wei, chief executive of Zhipu AI, and Sarah Cole, founder of Halcyon Partners, ",
    "initials": "A. B. C. ",
    "amounts in one clause": "¥5 billion or 3 billion yuan (US$400 million), ",
    "sentences with amounts": "It raised 5 billion yuan or more. ",
    "dates": "on Jan. 8, 2025, in March 2024, last month, on Tuesday, ",
}
# Each shape stands inside one sentence that holds the cue words every costly pattern waits for.
_BEFORE = ("Li Wei, chief executive of Zhipu AI, who founded Halcyon Partners, whose analysts led by Sarah Cole "
           "appointed Tom Reed as chief financial officer, said the International Energy Agency (IEA) expects OpenAI's "
           "shares of US$5bn to rise 5% to 945 TWh by 2030, according to Goldman Sachs, such as ")
_AFTER = (" raised $5bn in a Series B round led by Sequoia Capital, chief executive David Park of Nvidia said on "
          "Monday in 2025")
_MEASURABLE = 0.05  # seconds of CPU time at n: enough to time, short enough that 64 times it is bearable
_TOLERANCE = 16  # 8 for linear time, with room for noise; a quadratic scan gives 64


def _seconds(refs, unit: str, n: int) -> float:
    """CPU seconds to extract a text of n characters made of unit, the best of two; each repeat
    opens with its own line, so that no cache keyed on the text serves the second."""
    body = (unit * (n // len(unit) + 1))[:n]
    best = float("inf")
    for repeat in range(2):
        article = ArticleText("linear", f"Repeat {repeat} of {n}.\n{_BEFORE}{body}{_AFTER}")
        started = time.process_time()
        extract_article(article, refs, run_id="r", extractor_version="v")
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("shape", SHAPES)
def test_extraction_time_grows_linearly(refs, shape):
    unit = SHAPES[shape]
    _seconds(refs, unit, 100)  # patterns compiled, caches warm
    n = 2000
    while (small := _seconds(refs, unit, n)) < _MEASURABLE:
        n *= 2
    large = _seconds(refs, unit, 8 * n)
    assert large / small < _TOLERANCE, f"{shape}: {n} chars {small:.3f}s, {8 * n} chars {large:.3f}s"
