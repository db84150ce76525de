"""Named people with their role and organisation, from appositions and attributions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from transforms.companies import DESCRIPTORS, INSTITUTION, NOT_BUSINESS, ORG_HEADS, CompanySpan
from transforms.patterns import CaselessPattern, alternation, lowered
from transforms.regions import PLACES

# A personal name: two to four capitalised words ("Lian Jye Su", "Mac McFarland", "Dana O'Neil").
# It opens with a capital so that the engine can skip lower-case text quickly.
_NAME_TAIL = r"(?:(?<=M)a?c[A-Z]|(?<=[OD])'[A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z]?[a-z]+)?"
_NAME_WORD = rf"[A-Z]{_NAME_TAIL}"
# A first name may be initials ("C.C. Wei", "KR Sridhar"), but not a common two-letter acronym. One
# opening capital for every form lets the engine skip to capitals.
_NOT_INITIALS = "".join(f"(?<!{a})" for a in ("AI", "US", "UK", "EU", "UN", "EV", "VC", "HK", "PC", "TV", "IT", "AM", "PM"))
_AFTER_FIRST_CAPITAL = rf"(?:{_NAME_TAIL}|\.(?:[A-Z]\.){{0,2}}(?=\s)|[A-Z]{_NOT_INITIALS}(?=\s[A-Z][a-z]))"
_FIRST_NAME = rf"[A-Z]{_AFTER_FIRST_CAPITAL}"
PERSON = rf"{_FIRST_NAME}(?:\s{_NAME_WORD}){{1,3}}"
ROLE_WORDS = (
    r"(?:co-)?founder|(?:co\s?-\s?)?(?:chief executive(?: officer)?|CEO)|chief [a-zA-Z ]{2,30}?(?:officer|scientist|analyst|strategist|economist)|"
    r"CEO|CFO|CTO|COO|chairman|chairwoman|chair|president|vice[- ]president|vice[- ]chair|"
    r"executive director|managing director|director|general manager|(?:co\s?-\s?)?head(?: of (?:(?!\s(?:at|with|for)\s)[^,;.—])+)?|"
    r"(?:senior |lead |chief |principal |[a-z]+-[a-z]+ |credit |equity )?(?:analyst|strategist|economist)|"
    r"partner|principal|fund manager|portfolio manager|staff scientist|scientist|researcher|"
    r"spokesperson|spokesman|spokeswoman|adviser|advisor|professor|dean|governor|engineer|executive|"
    r"(?:senior |research |visiting )?fellow|lecturer|consultant|official|banker|trader|lawyer|"
    r"finance chief|(?:Energy |Commerce |Treasury |Defense |State |Labor |Interior |Agriculture |Transportation )?"
    r"Secretary|minister|President|premier|czar|tsar|(?:project |team )?leader"
)
_ROLE_PREFIX = r"former|then|current|acting|interim|deputy|senior|vice|under|assistant|distinguished"
ROLE = rf"(?:(?:{_ROLE_PREFIX})\s)?(?:{ROLE_WORDS})(?:,?\s(?:and|&)\s(?:{ROLE_WORDS}))?"
_ORG = r"[A-Z][\w&.'-]*(?:\s(?:&\s)?[A-Z][\w&.'-]*){0,5}"
# Lower-case words that may qualify a role ("semiconductor analyst", "distinguished vice-president
# analyst"), not the words of a clause.
_QUALIFIER = (r"(?:(?!(?:who|which|that|and|or|but|said|says|told|is|was|are|were|has|had|have|will|would|"
              r"in|on|at|of|for|with|by|to|from|as|the|a|an|its|his|her|their)\s)[a-z][\w-]*\s)")
_ROLE_START = rf"(?i:(?:{ROLE_WORDS}|{_ROLE_PREFIX})\b)"
_OWN = r"(?:'s|’s)"
# An organisation that opens a pattern, where a comma or space follows it: tried only from the
# first capital of each word and read without backtracking (the words end where the space or comma
# is), so that a long word is read once, not once from each of its capitals ("A" * 10**5 took
# minutes). Matches start at the word, the organisation at its capital: read starts with _start.
# Every pattern opening with an organisation should open with this.
_OPENING_ORG = (r"(?<![\w&.'-])(?:(?![A-Z])[\w&.'-])*+"
                r"(?P<org>[A-Z][\w&.'-]*+(?:\s(?:&\s)?[A-Z][\w&.'-]*+){0,5})")
_AFTER_NAME = re.compile(
    rf"(?P<name>{PERSON})(?:\s\((?:left|right|centre|center|L|R|C)\))?,\s(?:(?:the|a|an|its)\s)?"
    rf"(?:(?P<org1>{_ORG}){_OWN}\s|(?P<org0>(?!{_ROLE_START}){_ORG})\s(?=[a-z])"
    rf"|(?:company|firm|group|bank|start-?up|lab){_OWN}\s)?"
    rf"(?P<role>(?i:{_QUALIFIER}{{0,2}}?{ROLE})"
    rf"(?:(?:\s(?!(?:at|of|with|for)\s)[a-z][\w-]*){{1,2}}(?=\s(?:at|of|with|for)\s(?:the\s)?[A-Z]))?)"
    rf"(?:\s(?:at|of|with|for)\s(?P<org2>[^,;.()]{{1,80}}))?")
# "Constellation chief executive Joe Dominguez": found role first (on lower-cased text, which is
# much faster than a case-insensitive pattern), then the name after it and the organisation before.
_ROLE_LOWER = re.compile(ROLE.lower())
_NAME_AFTER_ROLE = re.compile(rf",?\s(?P<name>{PERSON})")
_ORG_BEFORE_ROLE = re.compile(rf"(?P<org>{_ORG})(?:'s|’s|')?\s{_QUALIFIER}{{0,2}}$")
_WHOSE = re.compile(rf"{_OPENING_ORG},\s(?:whose|run by|led by|headed by)\s(?P<role>(?i:{ROLE}))"
                    rf"(?:\sis)?,?\s(?P<name>{PERSON})")
_WHO = re.compile(rf"(?P<name>{PERSON}),\swho\s(?:studies|works|teaches|researches|leads|heads|runs)\s"
                  rf"[^,;.]{{0,60}}?\b(?:at|for)\s(?P<org>[^,;.()]{{2,80}})")
_WHO_FOUNDED = re.compile(rf"(?P<name>{PERSON}),\swho\s(?P<role>(?:co-)?found)(?:ed|s)\s(?:the\s)?(?P<org>{_ORG})")
# "MiniMax, founded by former SenseTime executive Yan Junjie" and "Founded in 2022 by X, MiniMax ...":
# the founder of the company named, whatever the words before the name say they were.
_FOUNDER_NAME = rf"(?:\S+\s){{0,4}}?(?P<name>{PERSON})(?=,|\.|;|\s(?:and|in|who|to|at|with)\b)"
_AND_FOUNDER = re.compile(rf"\sand\s(?P<name>{PERSON})(?=[,.;]|\s(?:in|who|to|at|with)\b|$)")
_FOUNDED_BY = [
    re.compile(rf"{_OPENING_ORG},?\s(?:which\s|that\s)?(?:was\s|is\s)?(?P<role>(?:co-)?found)ed\s"
               rf"(?:in\s[\w ]{{0,20}}?\s)?by\s{_FOUNDER_NAME}"),
    re.compile(rf"\b(?P<role>(?:[Cc]o-)?[Ff]ound)ed\s(?:in\s[\w ]{{0,20}}?\s)?by\s{_FOUNDER_NAME},\s(?P<org>{_ORG})"),
]
# A word followed by a capitalised one: a name of two capitalised words may start at its last capital.
# Read in the reversed sentence, where the last such pair comes first and the engine skips to capitals.
_LAST_BEFORE_CAPITAL = re.compile(r"[A-Z]\s[^A-Z\s]*+[A-Z]")
# "Jane Roe said": a person speaks; companies found by their names or cues are never taken for one.
_SPEECH_VERBS = ["said", "says", "told", "added", "wrote", "noted", "argued", "warned", "explained", "stated"]
_MAY_SPEAK = re.compile(alternation([f" {verb}" for verb in _SPEECH_VERBS]))
# rf"(?<![\w’'.-])(?P<name>{PERSON})\s(?:said|...)\b", with the character before the name checked
# after its first capital, so that the engine skips to capitals instead of trying every character.
_SPEAKER = re.compile(rf"(?P<name>[A-Z](?<![\w’'.-].){_AFTER_FIRST_CAPITAL}(?:\s{_NAME_WORD}){{1,3}})"
                      rf"\s(?:{'|'.join(_SPEECH_VERBS)})\b")
_TITLE_WORD = re.compile(rf"(?i:{_ROLE_START}|officer)")
_PERSON_OF = re.compile(rf"(?P<name>{PERSON})\sof\s$")
_POSSESSIVE = r"(?:'s|’s|(?<=s)['’](?=\s))"  # "Musk's", "Gates'"
_OWNER = re.compile(rf"(?P<name>{PERSON}){_POSSESSIVE}\s")
_OWNED = re.compile(r"[A-Za-z][\w.-]+")
# "Elon Musk's AI start-up, xAI," and "Masayoshi Son's investment firm": the company named next.
_OWNED_KIND = re.compile(rf"(?:[\w-]+\s){{0,3}}?(?:{DESCRIPTORS})\b")
# "Lightspeed's Jane Roe said": a company's person, where what follows shows a person.
_COMPANYS_PERSON = re.compile(
    rf"(?:'s|’s)\s(?P<name>{PERSON})(?=,\s|\s(?:said|says|told|tells|added|adds|noted|notes|wrote|writes|"
    rf"explained|argued|warned|believes|expects|will\sjoin|joined|joins)\b)")
# Investors listed by name ("investors including Jane Roe, Acme Capital and John Doe"): the
# people among them are investors, with no organisation.
_BACKERS = re.compile(r"\b(?:investors|backers|angels|investments?\sfrom|funding\sfrom|participation\sfrom)"
                      r"(?:,?\s(?:such\sas|including|like))?\s")
_MAY_LIST_BACKERS = re.compile(alternation(["investors", "backers", "angels", "investment from", "investments from",
                                              "funding from", "participation from"]))
_BACKER_ITEM = re.compile(rf"{PERSON}(?=$|\s(?!of\s)[a-z])")  # "X of Y" is an arm of Y
_LIST_ITEM = re.compile(r",\s(?:and\s)?|\sand\s")
_NOT_FIRST = re.compile(
    r"^(?:In|On|At|The|For|By|As|And|But|When|After|Before|Since|While|With|From|Last|This|That|"
    r"Chief|Founder|President|Chairman|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# Roles that belong to an employer named nearby, unlike "President" or "Secretary".
_EMPLOYED = CaselessPattern(r"founder|chief|CEO|CFO|CTO|COO|chair|president|director|manager|head|partner|"
                       r"executive|spokes")
_DEPARTMENT = re.compile(r"^(Energy|Commerce|Treasury|Defense|State|Labor|Interior|Agriculture|Transportation) Secretary$")
# Heads of state are capitalised; a lower-case "president" is a company's.
_GOVERNMENT = re.compile(r"^(?:(?:Vice |vice |Prime |prime )?President|(?i:secretary|minister|\w+ secretary|premier|czar|tsar))$")
_OWNED_BY = re.compile(r"(?:owned|backed|led|funded|run) by\s(?:the\s)?$|(?:with|from|at)\s$")
# "Meta, led by Mark Zuckerberg," and "X was founded in 2023, led by Y": the person runs the company.
_LED_BY = re.compile(
    rf"{_OPENING_ORG}(?:\s(?:was|is|has\sbeen)\s[^,;]{{0,40}})?,\s(?:which\sis\s|and\s)?(?:led|run|headed)\sby\s"
    rf"(?:(?:its\s)?(?P<role>(?i:{ROLE}))\s)?(?P<name>{PERSON})(?=[,.;)]|\s(?:and|who|since|in|as)\b|$)")
# "Morgan Stanley analysts led by Jane Roe wrote": an analyst of the firm that published the note.
_TEAM_LED_BY = re.compile(
    rf"(?:{_OPENING_ORG}\s{_QUALIFIER}{{0,2}})?(?P<role>(?i:analyst|economist|strategist|researcher))s\s"
    rf"(?:at\s(?P<org2>{_ORG})\s)?led\sby\s(?P<name>{PERSON})")
# "Scale AI appointed Jason Roe as interim CEO", "X named Y its chief financial officer".
_APPOINTED = re.compile(
    rf"\b(?:appointed|appoints|named|names|hired|hires|promoted|promotes|tapped|taps)\s(?P<name>{PERSON}),?\s"
    rf"(?:as\s)?(?:(?:its|the|a|an)\s)?(?:new\s)?(?P<role>(?i:{ROLE}))")
_APPOINTING = re.compile(alternation(["appoint", "named", "names", "hire", "promote", "tapped", "taps"]))
# "Wang Jian, who heads Alibaba Cloud": the organisation right after the verb.
_WHO_HEADS = re.compile(rf"(?P<name>{PERSON}),\swho\s(?:(?:now|also|currently)\s)?(?P<verb>heads|leads|runs|chairs)\s"
                        rf"(?:the\s)?(?P<org>{_ORG})")
_ITS = re.compile(r"\bits\s(?:[\w-]+\s(?:and|&)\s)?(?:former\s)?$")  # "its co-founder and former director"
_WHO_IS = re.compile(rf"(?P<name>{_NAME_WORD}),\swho\sis\s(?:also\s)?(?:the\s)?(?P<role>{ROLE})")


# Every role holds one of these words (lower case), which a trie pattern finds fast.
_ROLE_KEYS = (
    "founder|chief|ceo|cfo|cto|coo|chair|president|director|manager|head|analyst|strategist|"
    "economist|partner|principal|scientist|researcher|spokes|adviser|advisor|professor|engineer|"
    "executive|secretary|minister|fellow|lecturer|consultant|official|banker|trader|lawyer|dean|governor|"
    "premier|czar|tsar|leader").split("|")
_ROLE_KEY = re.compile(alternation(_ROLE_KEYS))
# A cheap test for a role word, "who", "founded", "led by" or "appointed": the patterns need one of them.
_MAY_NAME_PERSON = re.compile(alternation([*_ROLE_KEYS, "who", "founded", "led by", "run by", "headed by", "appoint",
                                             "named", "hired", "promoted", "tapped"]))
_ROLE_REACH = 60  # a role starts at most this far before its first key word ("former energy-sector analyst")
# What a role holds before its first key word: lower-case letters, spaces and hyphens ("former
# energy-sector analyst", "co - founder"). A role cannot open before the last other character.
_BEFORE_KEY = re.compile(r"[a-z\s-]*")


@dataclass(frozen=True)
class PersonMention:
    """A person named in one sentence, with role and organisation as written."""

    name: str
    title: str | None
    organization: str | None
    start: int
    end: int


# Words of business names, never of a person's ("Qiming Venture Partners").
_BUSINESS_WORDS = frozenset(ORG_HEADS.split("|")) | {"Venture", "Investment", "Fund", "Funds", "Bank", "Asset", "Group"}


def _valid_name(name: str, companies: list[CompanySpan], start: int) -> bool:
    tokens = name.split()
    if name in PLACES or any(t in PLACES or t in _BUSINESS_WORDS for t in tokens) or _NOT_FIRST.match(name):
        return False
    return all(not (c.start <= start < c.end) for c in companies)


_BRACKETED = re.compile(r"\s*\(.*$")
_AT_THE = re.compile(r"\sat\s(?:the\s)?(?=[A-Z])")
_CAPITALISED_END = re.compile(r"\b[A-Z][\w&.'’ -]*$")
_OWN_SPLIT = re.compile(r"(?:'s|’s)\b")
_ROLE_AI = re.compile(r"\sAI$")
_BASED_END = re.compile(r"\s[A-Z][\w]*-based$")
_ROLE_ONLY = re.compile(rf"(?i:{ROLE_WORDS})$")
_FORMER_BEFORE = re.compile(r"\bformer\s(?:\S+\s){0,3}$")


def _written_org(fragment: str) -> str | None:
    """An organisation as written: the capitalised part of a fragment, without "(ACRONYM)"."""
    fragment = _BRACKETED.sub("", fragment.strip())
    fragment = _AT_THE.split(fragment)[-1]  # "Secretary of X at the Y Department"
    institution = INSTITUTION.search(fragment)
    if institution:  # its "'s" belongs to the name ("the People's Bank of China")
        return institution.group(0)
    match = _CAPITALISED_END.search(fragment)
    if not match:
        return None
    org = _OWN_SPLIT.split(match.group(0))[0].strip()
    org = _ROLE_AI.sub("", org)  # the role's own word: "White House AI adviser"
    org = _BASED_END.sub("", org)  # where the person works: "Greenpeace Beijing-based analyst"
    if not org or _NOT_FIRST.match(org) or _ROLE_ONLY.match(org):
        return None
    return org


def _org_in(fragment: str | None, offset: int, companies: list[CompanySpan], written: bool = True) -> str | None:
    """The company named in a fragment, else (if written) the fragment as an organisation."""
    if not fragment:
        return None
    for span in companies:
        if offset <= span.start < offset + len(fragment):
            return span.company.name
    return _written_org(fragment) if written else None


def _employer(sentence: str, position: int, companies: list[CompanySpan], fallback: str | None) -> str | None:
    """The company a role without an organisation refers to: nearest before it ("its chief
    executive": the first, the sentence's subject), else the topic."""
    before = [c for c in companies if c.end <= position and not _OWNED_BY.search(sentence[max(0, c.start - 20):c.start])]
    if not before:
        return fallback
    return before[0 if _ITS.search(sentence, max(0, position - 20), position) else -1].company.name


@dataclass(frozen=True)
class _Candidate:
    """A name a pattern found, its role, and where the text may name its organisation."""

    name: str
    start: int  # of the whole match: "former" and the employer are looked for before it
    name_span: tuple[int, int]
    role: str | None
    orgs: tuple[tuple[str, int, bool], ...]  # (fragment, offset, may be taken as written)
    employed: bool = False  # works for the company the text is about, whatever the role


def _group(m: re.Match, name: str, written: bool = True) -> tuple[tuple[str, int, bool], ...]:
    return ((m.group(name), m.start(name), written),) if m.group(name) else ()


def _start(m: re.Match) -> int:
    """Where a match's own words start: one opening with an organisation (_OPENING_ORG) starts at
    the organisation's word, the organisation at its first capital."""
    return min(m.start(group) for group in ("org", "role") if m.start(group) >= 0)


def _candidates(sentence: str, lower: str, last_name: int) -> Iterator[_Candidate]:
    """Every (name, role, organisation) reading the patterns give, strongest first; no name
    starts after last_name."""
    for pattern in _FOUNDED_BY if "founded" in lower else ():
        for m in pattern.finditer(sentence):
            yield _Candidate(m["name"], _start(m), m.span("name"), m["role"].lower() + "er", _group(m, "org"))
            other = _AND_FOUNDER.match(sentence, m.end("name"))  # "founded by A and B"
            if other:
                yield _Candidate(other["name"], _start(m), other.span("name"),
                                 m["role"].lower() + "er", _group(m, "org"))
    for m in _WHOSE.finditer(sentence) if "whose" in lower or " by" in lower else ():  # "OpenAI, whose chief executive is Sam Altman"
        yield _Candidate(m["name"], _start(m), m.span("name"), m["role"], _group(m, "org"))
    for m in _LED_BY.finditer(sentence) if "led by" in lower or "run by" in lower or "headed by" in lower else ():  # "Meta, led by Mark Zuckerberg"
        if not NOT_BUSINESS.search(m["org"]):  # not "Series B, led by ..."
            yield _Candidate(m["name"], _start(m), m.span("name"), m["role"] or "head", _group(m, "org"))
    for m in _TEAM_LED_BY.finditer(sentence) if "led by" in lower else ():  # "analysts led by X wrote"
        yield _Candidate(m["name"], _start(m), m.span("name"), m["role"], _group(m, "org") + _group(m, "org2"), True)
    for m in _APPOINTED.finditer(sentence) if _APPOINTING.search(lower) else ():  # "Scale AI appointed X as interim CEO"
        yield _Candidate(m["name"], m.start(), m.span("name"), m["role"], ())
    for m in _AFTER_NAME.finditer(sentence):  # "Tang Jie, founder of Zhipu AI"
        yield _Candidate(m["name"], m.start(), m.span("name"), m["role"],
                         _group(m, "org1") + _group(m, "org0") + _group(m, "org2") + _group(m, "role", written=False))
    for role in _roles(lower):  # "Constellation chief executive X"
        if role.start() > last_name:
            break  # no name can follow it
        name = _NAME_AFTER_ROLE.match(sentence, role.end())
        if not name:
            continue
        at = max(0, role.start() - 80)
        org = _ORG_BEFORE_ROLE.search(sentence, at, role.start())
        # A capitalised word opening the sentence is usually the role's own first word ("Chief
        # executive X"), unless it is an acronym or a name of several words ("IEA executive
        # director X", "White House AI czar X").
        orgs = ((org["org"], org.start("org"), org.start("org") > 0 or org["org"].isupper() or " " in org["org"]),) \
            if org else ()
        yield _Candidate(name["name"], org.start() if org else role.start(), name.span("name"),
                         sentence[role.start():role.end()], orgs + ((role.group(0), role.start(), False),))
    if "who" not in sentence:
        return  # the patterns below need it
    for m in _WHO.finditer(sentence):  # "Chen Hao, who studies finance at Peking University"
        yield _Candidate(m["name"], m.start(), m.span("name"), None, _group(m, "org"))
    for m in _WHO_FOUNDED.finditer(sentence):  # "Wang Jian, who founded Alibaba Cloud"
        yield _Candidate(m["name"], m.start(), m.span("name"), m["role"] + "er", _group(m, "org"))
    for m in _WHO_HEADS.finditer(sentence):  # "Wang Jian, who heads Alibaba Cloud"
        yield _Candidate(m["name"], m.start(), m.span("name"), "head", _group(m, "org"))


def _roles(lower: str) -> Iterator[re.Match]:
    """Like finditer_near(_ROLE_LOWER, _ROLE_KEY, lower, _ROLE_REACH), but each role is looked for
    only from where the letters, spaces and hyphens before its key word begin: most roles then
    take a few tries, not sixty."""
    backwards, position = lower[::-1], 0
    while (key := _ROLE_KEY.search(lower, position)) is not None:
        at = key.start()
        back = len(lower) - at  # where the reversed text reads on from the key word's start
        run = _BEFORE_KEY.match(backwards, back, len(lower) - max(position, at - _ROLE_REACH)).end() - back
        role = _ROLE_LOWER.search(lower, at - run)
        if role is None:
            return
        yield role
        position = max(role.end(), role.start() + 1)


def _last_name_start(sentence: str) -> int:
    """The last capital followed, after the rest of its word and one space, by a capital; -1 if none."""
    last = _LAST_BEFORE_CAPITAL.search(sentence[::-1])
    return len(sentence) - last.end() if last else -1


def find_people(sentence: str, offset: int, companies: list[CompanySpan], fallback: str | None = None,
                known: dict[str, str] | None = None) -> list[PersonMention]:
    """People named in a sentence (offset is its start in the article).

    fallback is the topic company; known maps single names already seen to full names."""
    # Every pattern but "X, who is" needs a name of two capitalised words: none starts after the last pair.
    last_name = _last_name_start(sentence)
    if last_name < 0 and "who" not in sentence:
        return []
    lower = lowered(sentence)  # shared with the other patterns that read this sentence
    has_role = bool(_MAY_NAME_PERSON.search(lower))
    possessive = "'s" in sentence or "’s" in sentence or "s' " in sentence or "s’ " in sentence
    backers = bool(_MAY_LIST_BACKERS.search(lower))
    speech = last_name >= 0 and bool(_MAY_SPEAK.search(sentence))
    if not has_role and not possessive and not backers and not speech and not (companies and " of " in sentence):
        return []  # most sentences name nobody; skip the costly patterns
    local = [CompanySpan(c.start - offset, c.end - offset, c.surface, c.company) for c in companies
             if offset <= c.start < offset + len(sentence)]
    found: dict[str, PersonMention] = {}
    for c in (_candidates(sentence, lower, last_name) if has_role and last_name >= 0 else ()):
        if c.name in found or not _valid_name(c.name, local, c.name_span[0]):
            continue
        org = next((o for o in (_org_in(text, at, local, written) for text, at, written in c.orgs) if o), None)
        role = c.role
        if org is None and (c.employed or role and _EMPLOYED.search(role) and not _GOVERNMENT.match(role)):
            org = _employer(sentence, c.start, local, fallback)
        department = _DEPARTMENT.match(role or "")
        if department and (org is None or org in PLACES):  # "Energy Secretary X": the Energy Department's
            org = f"{department.group(1)} Department"
        if org in PLACES:  # "US President X": a country is no employer; the title keeps it
            role, org = f"{org} {role}" if role else role, None
        if role and _FORMER_BEFORE.search(sentence, max(0, c.start - 40), c.start):
            role = f"former {role}"
        found[c.name] = PersonMention(c.name, role, org, offset + c.name_span[0], offset + c.name_span[1])
    for m in _WHO_IS.finditer(sentence) if "who" in sentence else ():  # "Yan, who is also chairman": a later role
        full = (known or {}).get(m.group("name"))
        if full and full not in found:
            found[full] = PersonMention(full, m.group("role"), _employer(sentence, m.start(), local, fallback),
                                        offset + m.start("name"), offset + m.end("name"))
    for span in local:  # "Lisa Su of AMD": read back from each company named after "of"
        m = _PERSON_OF.search(sentence, max(0, span.start - 60), span.start) \
            if sentence.endswith(" of ", 0, span.start) else None
        if m and m.group("name") not in found and _valid_name(m.group("name"), local, m.start("name")):
            found[m.group("name")] = PersonMention(m.group("name"), None, span.company.name, offset + m.start(),
                                                   offset + m.end("name"))
    if possessive:
        _possessives(sentence, offset, local, fallback, found)
    for m in _SPEAKER.finditer(sentence) if speech else ():
        if m["name"] not in found and _valid_name(m["name"], local, m.start("name")) \
                and not _TITLE_WORD.search(m["name"]) and not NOT_BUSINESS.search(m["name"]) \
                and not any(m.start() <= c.start < m.end("name") for c in local):
            found[m["name"]] = PersonMention(m["name"], None, None, offset + m.start(), offset + m.end("name"))
    if backers and last_name >= 0:
        _investors(sentence, offset, local, found)
    return list(found.values())


def _possessives(sentence: str, offset: int, local: list[CompanySpan], fallback: str | None,
                 found: dict[str, PersonMention]) -> None:
    """People named with a possessive: "Elon Musk's xAI", "Lightspeed's Jane Roe said"."""
    for m in _OWNER.finditer(sentence):
        name = m.group("name")
        if name in found or not _valid_name(name, local, m.start("name")):
            continue
        owned = _OWNED.match(sentence, m.end())
        org = _org_in(owned.group(0), owned.start(), local, written=False) if owned else None
        if org is None and _OWNED_KIND.match(sentence, m.end()):
            after = [c for c in local if c.start >= m.end()]
            org = after[0].company.name if after else fallback
        if org:
            found[name] = PersonMention(name, None, org, offset + m.start(), offset + m.end("name"))
    for span in local:
        m = _COMPANYS_PERSON.match(sentence, span.end)
        if m and m.group("name") not in found and _valid_name(m.group("name"), local, m.start("name")):
            found[m.group("name")] = PersonMention(m.group("name"), None, span.company.name,
                                                   offset + m.start("name"), offset + m.end("name"))


def _investors(sentence: str, offset: int, local: list[CompanySpan], found: dict[str, PersonMention]) -> None:
    """People listed among a round's investors."""
    for cue in _BACKERS.finditer(sentence):
        end = next((i for i in (sentence.find(c, cue.end()) for c in ".;(") if i >= 0), len(sentence))
        start = cue.end()
        for piece in _LIST_ITEM.split(sentence[start:end]):
            m = _BACKER_ITEM.match(piece)
            at = start + sentence.find(piece, start) - start
            start = at + len(piece)
            if m and m.group(0) not in found and _valid_name(m.group(0), local, at) \
                    and all(not (at <= c.start < at + m.end()) for c in local):
                found[m.group(0)] = PersonMention(m.group(0), "investor", None, offset + at, offset + at + m.end())
