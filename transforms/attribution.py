"""Who a figure comes from: "according to the IEA", "Goldman Sachs analysts estimate",
"..., the International Energy Agency said"."""
from __future__ import annotations

import re
from functools import lru_cache

from transforms.companies import CompanySpan
from transforms.patterns import keywords_first

# A name of capitalised words, perhaps joined by "of", "for", "and" or "&".
_NAME = r"[A-Z][\w&.’'-]*(?:\s(?:(?:of|for|on|and|&)\s)?[A-Z][\w&.’'-]*)*"
_VERBS = (r"said|says|estimated|estimates|expects|expected|forecast|forecasts|projects|projected|predicts|"
          r"predicted|reckons|sees|found|finds|reported|reports|warned|calculated|calculates|believes|wrote")
_ACCORDING = re.compile(
    rf"\b[Aa]ccording\sto\s(?:the\s|a\s|an\s|its\s)?(?:(?:[\w-]+\s){{0,2}}?(?:report|study|analysis|survey|"
    rf"estimates?|forecasts?|data|figures|research|projections?)\s(?:by|from|of)\s(?:the\s)?)?(?P<org>{_NAME})")
_VERB = re.compile(keywords_first(rf"\b(?:{_VERBS})\b"))
# What stands right before such a verb when an organisation says something (read up to the verb).
# Its words take no apostrophe and give nothing back, so that a run of capitals is read once.
_RUN = r"[A-Z][\w&.-]*+(?:\s(?:(?:of|for|on|and|&)\s)?[A-Z][\w&.-]*+)*+"
_SAID_BY = re.compile(
    rf"(?P<org>{_RUN})(?:['’]s?\s(?:[\w-]+\s){{0,2}}?(?:report|study|analysis|data|research|forecast|outlook))?"
    rf"(?:\s(?:analysts?|economists?|researchers?|strategists?))?\s(?:has\s|have\s|had\s)?$")
# Words that make a name an organisation rather than a person.
_ORGANISATION = re.compile(
    r"\b(?:Agency|Administration|Laboratory|Lab|Office|Council|Department|Institute|University|Commission|"
    r"Bureau|Association|Ministry|House|Reserve|Bank|Fund|Forum|Authority|Organi[sz]ation|Research|Group|"
    r"Corporation|Interconnection|Operator|Board|Centre|Center|Foundation|Academy|Securities|Capital|"
    r"Partners|Management|Consulting|Analytics|Advisors|Advisers|Economics|Energy|Power|Grid)\b")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,6}")
_NAME_BEFORE = re.compile(rf"(?P<long>{_NAME})\s$")


def attributed_org(text: str, companies: list[CompanySpan], offset: int, article: str) -> str | None:
    """The organisation a sentence attributes what it says to, if it names one; companies are
    the sentence's, with positions in the article, which starts the sentence at offset."""
    cited = list(_ACCORDING.finditer(text)) if "ccording" in text else []
    cited += [m for v in _VERB.finditer(text) if (m := _SAID_BY.search(text, max(0, v.start() - 120), v.start()))]
    for m in cited:
        org = _organisation(m.group("org"), m.start("org") + offset, companies, article)
        if org:
            return org
    return None


def _organisation(name: str, start: int, companies: list[CompanySpan], article: str) -> str | None:
    """The canonical name of a company, an organisation's name as written, an acronym spelled
    out where the article does so; None for what may be a person."""
    bare = _without_the(name)
    name, start = bare, start + len(name) - len(bare)
    for span in companies:
        if span.start <= start < span.end or start <= span.start < start + len(name):
            return span.company.name
    if _ACRONYM.fullmatch(name):
        return spelled_out(name, article) or name
    return name if _ORGANISATION.search(name) else None


@lru_cache(maxsize=64)
def spelled_out(acronym: str, article: str) -> str | None:
    """An acronym as the article spells it out: "International Energy Agency (IEA)", else a
    name whose initials make it ("the International Energy Agency ... the IEA")."""
    defined = article.find(f"({acronym})")
    if defined > 0:
        long = _NAME_BEFORE.search(article, max(0, defined - 100), defined)
        if long:
            return _without_the(long.group("long"))
    if not acronym.isalpha():
        return None
    initials = re.search(r"\b" + r"\s(?:(?:of|for|on|and|&)\s)?".join(f"{c}[a-z][\\w’'-]*" for c in acronym) + r"\b",
                         article)
    return initials.group(0) if initials else None


def _without_the(name: str) -> str:
    return name[4:] if name.startswith("The ") else name
