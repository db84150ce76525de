"""Named people with their role and organisation, from appositions and attributions."""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.companies import CompanySpan
from transforms.regions import PLACES

# A personal name: two to four capitalised words ("Lian Jye Su", "Fatih Birol").
PERSON = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?(?:\s[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?){1,3}"
ROLE_WORDS = (
    r"(?:co-)?founder|chief executive(?: officer)?|chief [a-zA-Z ]{2,30}?(?:officer|scientist|analyst|strategist|economist)|"
    r"CEO|CFO|CTO|COO|chairman|chairwoman|chair|president|vice president|vice chair|"
    r"executive director|managing director|director|general manager|head(?: of (?:(?!\s(?:at|with|for)\s)[^,;.—])+)?|"
    r"(?:senior |lead |chief |power-markets |credit |equity )?(?:analyst|strategist|economist)|"
    r"partner|principal|fund manager|portfolio manager|staff scientist|scientist|researcher|"
    r"spokesperson|spokesman|spokeswoman|adviser|advisor|professor|engineer|executive|"
    r"finance chief|(?:Energy |Commerce |Treasury )?Secretary|minister|President"
)
ROLE = rf"(?:(?:former|then|current|acting|deputy|senior|vice)\s)?(?:{ROLE_WORDS})(?:\s(?:and|&)\s(?:{ROLE_WORDS}))?"
_AFTER_NAME = re.compile(
    rf"(?P<name>{PERSON}),\s(?:(?:the|a|an|its)\s)?(?:(?P<org1>[A-Z][\w&.' -]{{1,60}}?)(?:'s|’s)\s)?"
    rf"(?P<role>{ROLE})(?:\s(?:at|of|with|for)\s(?P<org2>[A-Z][^,;.]{{1,80}}))?"
)
_BEFORE_NAME = re.compile(
    rf"(?:(?P<org>[A-Z][\w&.' -]{{1,60}}?)(?:'s|’s|')?\s)?(?P<role>(?i:{ROLE})),?\s(?P<name>{PERSON})"
)
_OWNER = re.compile(rf"(?P<name>{PERSON})(?:'s|’s)\s(?P<org>[A-Za-z][\w.-]+)")
_STOP_ORG = re.compile(r"^(?:The|A|An|Its|Their|His|Her|And|But|While|As|Last|This|That)\b")


@dataclass(frozen=True)
class PersonMention:
    """A person named in one sentence, with role and organisation as written."""

    name: str
    title: str | None
    organization: str | None
    start: int
    end: int


def _valid_name(name: str, companies: list[CompanySpan], text: str, start: int) -> bool:
    tokens = name.split()
    if any(t in PLACES for t in tokens):
        return False
    return all(not (c.start <= start < c.end) for c in companies)


def _org_in(fragment: str | None, offset: int, companies: list[CompanySpan],
            written: bool = True) -> str | None:
    """The company named in a fragment, else (if written) the fragment as an org name."""
    if not fragment:
        return None
    for span in companies:
        if offset <= span.start < offset + len(fragment):
            return span.company.name
    if not written:
        return None
    fragment = re.sub(r"^(?:the|The)\s", "", fragment.strip())
    if _STOP_ORG.match(fragment) or not fragment[:1].isupper():
        return None
    return re.split(r"(?:'s|’s)\b", fragment)[0].strip() or None


def find_people(sentence: str, offset: int, companies: list[CompanySpan]) -> list[PersonMention]:
    """People named in a sentence (offset is its start in the article)."""
    local = [CompanySpan(c.start - offset, c.end - offset, c.surface, c.company) for c in companies
             if offset <= c.start < offset + len(sentence)]
    found: dict[str, PersonMention] = {}
    for pattern, org_groups in ((_AFTER_NAME, ("org1", "org2")), (_BEFORE_NAME, ("org",))):
        for m in pattern.finditer(sentence):
            name = m.group("name")
            if name in found or not _valid_name(name, local, sentence, m.start("name")):
                continue
            org = None
            for group in (*org_groups, "role"):
                org = org or _org_in(m.group(group), m.start(group), local, written=group != "role")
            role = m.group("role")
            found[name] = PersonMention(name, role, org, offset + m.start("name"), offset + m.end("name"))
    for m in _OWNER.finditer(sentence):
        name = m.group("name")
        owned = _org_in(m.group("org"), m.start("org"), local)
        if name not in found and owned and _valid_name(name, local, sentence, m.start("name")):
            found[name] = PersonMention(name, None, owned, offset + m.start(), offset + m.end("name"))
    return list(found.values())
