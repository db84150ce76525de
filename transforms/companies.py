"""Company mentions: gazetteer matches plus companies recognised from context."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator, NamedTuple

from transforms.gazetteer import Company, Gazetteer, slugify
from transforms.regions import PLACES, find_places
from transforms.spans import longest_first

# A word of a proper name: capitalised, camel-case (miHoYo, xAI) or 5Y-style.
_TOKEN = r"(?:[A-Z][\w'’-]*(?:\.[\w-]+)*|[a-z]{1,3}+[A-Z][\w-]*|\d++[A-Z][\w-]*)"  # ++: no backtracking
NAME = rf"{_TOKEN}(?:\s(?:&\s|of\s)?{_TOKEN}){{0,5}}"
# Last words that mark a business name ("Halcyon Street Partners", "X Inc").
ORG_HEADS = (
    "Inc|Inc.|Ltd|Ltd.|Co|Co.|Corp|Corp.|Corporation|Company|Group|Holdings|Holding|LLC|PLC|plc|"
    "JSC|AG|SE|NV|Limited|Partners|Capital|Securities|Investments|Management|Ventures|"
    "Technologies|Technology|Advisors|Advisers|Advisory|Research|Insight|Labs|Systems|"
    "Semiconductor|Electronics|Networks|Data Centers|Platforms|Intelligence|Robotics|"
    "Solutions|Markets|Analytics|Consulting|Industries|Equity|Asset Management|"
    "Fund Management|Fund|Funds|Energy|Power|International|Medical|AI"
)
# Heads that also end the names of products, units and reports ("OpenAI's Deep Research"): after
# another company's possessive they name no company of their own.
_WEAK_HEADS = re.compile(
    r"\s(?:Research|Intelligence|AI|Systems|Platforms|Solutions|Analytics|Insight|Labs|Energy|Power|Networks|"
    r"Robotics|Medical|Technology|Technologies|Electronics|Semiconductor|Data Centers|Markets|International)$")
# Common nouns that introduce a company name ("games developer miHoYo").
DESCRIPTORS = (
    "start-up|startup|company|firm|developer|maker|designer|brokerage|consultancy|chipmaker|"
    "rival|lender|insurer|investor|operator|provider|utility|giant|unicorn|group|owner|"
    "manufacturer|supplier|bank|carrier|producer|retailer|outfit|subsidiary|unit|parent|"
    "fund|conglomerate|lab|champion|peer|shareholder|backer"
)
# Words that make a name an agency, school, place, outlet or event, not a business.
NOT_BUSINESS = re.compile(
    r"\b(?:Agency|Authority|Administration|Commission|Department|Ministry|Office|Council|"
    r"University|Institute|Institution|Laboratory|Lab|College|School|Government|Bureau|"
    r"Exchange|Association|Center|Centre|Committee|Congress|Senate|House|Court|Reserve|"
    r"Party|Times|Post|Journal|News|Daily|Magazine|Report|Index|Act|Program|Programme|"
    r"Summit|Conference|Forum|Market|Valley|Initiative|Plan|List|Campus|Project|"
    r"Series|Round|Tranche|Mr|Ms|Dr|President|Secretary|Minister|Monetary)\b"
    r"|-(?:ready|based|backed|owned|listed|focused|led|style|linked)\b"
)
# Companies not in the gazetteer are found from context: a maximal run of capitalised words is a
# company when it ends in a business word, when a cue stands before it ("games developer X",
# "Shanghai-based X", "shares of X") or after it ("X's shares", "X (0100.HK)", "X, a ... firm").
# A run is rf"(?<![\w&.-]){_TOKEN}(?:\s(?:&\s|of\s)?{_TOKEN}){{0,7}}"; _RUN finds the same runs from
# their first capital, which the engine skips to (the run's pattern opens with a look-behind, tried
# at every character): a run's first word opens with that capital ("cap"), or with one to three
# lower-case letters before it ("eBay"), or with digits ("5Y"), whose start runs() looks back for.
_RUN = re.compile(
    rf"[A-Z](?:(?<![\w&.-].)(?P<cap>)[\w'’-]*(?:\.[\w-]+)*"
    rf"|(?:(?<=(?<![\w&.-])[a-z].)|(?<=(?<![\w&.-])[a-z][a-z].)|(?<=(?<![\w&.-])[a-z][a-z][a-z].)"
    rf"|(?<=\d.)(?P<digits>))[\w-]*)"
    rf"(?:\s(?:&\s|of\s)?{_TOKEN}){{0,7}}")
_WORD_CHAR = re.compile(r"[\w&.-]")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_HEAD_END = re.compile(rf"\s(?:{ORG_HEADS})$")
_HEADS = tuple(ORG_HEADS.split("|"))
# A list after a plural business noun: "operators such as Vantage Data Centers, DataBank and Switch".
_SUCH_AS = (r"\b(?P<noun>companies|firms|operators|groups|start-?ups|rivals|peers|makers|developers|providers|"
            r"investors|lenders|banks|funds|utilities|chipmakers|customers|clients|backers)\s(?:such\sas|including)"
            rf"\s(?:{_TOKEN}(?:\s{_TOKEN}){{0,4}},?\s(?:and\s)?){{0,5}}")
_SUCH_AS_BEFORE = re.compile(rf"{_SUCH_AS}$")
_MAY_BE_PEOPLE = {"investors", "backers", "customers", "clients"}
_PERSON_SHAPED = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?\s[A-Z][a-z]+(?:-[a-z]+)?")
_CUE_BEFORE = re.compile(rf"(?:\b(?:{DESCRIPTORS})|-based(?:\s[a-z-]+)?|\bshares\sof|\bfounder\sof)\s$")
_CUE_WORDS = (*DESCRIPTORS.split("|"), " of")
_CUE_AFTER = re.compile(
    rf"(?:'s|’s|')\s(?:shares|stock|listing|IPO|debut|founder|chief)\b"
    rf"|\s\((?:(?:NYSE|Nasdaq|NASDAQ|HKEX|SSE|SZSE|TSE|LSE|KRX)\s?:\s?[A-Z0-9.]+|\d{{3,6}}\.[A-Z]{{1,2}}|[A-Z]{{1,5}}\.[A-Z]{{1,2}})\)"
    rf"|,\s(?:the|a|an)\s(?:(?!(?:at|of|for|with|in)\s|(?:processing|generating)\sunit)[\w-]+\s){{0,4}}?(?:{DESCRIPTORS})"
    rf"(?=[,.;]|\s(?:that|which|whose|based|in|with|backed|owned|founded|run|led|known|and|of)\b)")
_BASED_PREFIX = re.compile(r"^[A-Z][\w ]*?-based\s")


def _has_company_cue(text: str, start: int, end: int) -> bool:
    """Whether the run of capitalised words text[start:end] stands where a company name does."""
    run = text[start:end]
    # str tests first: they let most runs skip the patterns.
    if (run.endswith(_HEADS) and _HEAD_END.search(run)) or ("-based" in run and _BASED_PREFIX.match(run)):
        return True
    if _may_follow_cue(text, max(0, start - 40), start) and _CUE_BEFORE.search(text, max(0, start - 40), start):
        return True
    if _CUE_AFTER.match(text, end):
        return True
    # Only the last "such as" can lead a list that runs up to the name.
    low = max(0, start - 120)
    listed = max(text.rfind("such as", low, start), text.rfind("including", low, start))
    cue = _SUCH_AS_BEFORE.search(text[low:start], max(0, listed - low - 20)) if listed >= 0 else None
    # Investors and customers may be people: a plain "Firstname Lastname" in their list is one.
    return bool(cue) and not (cue.group("noun") in _MAY_BE_PEOPLE and _PERSON_SHAPED.fullmatch(run))


def _may_follow_cue(text: str, low: int, start: int) -> bool:
    """A cheap test that lets most names skip _CUE_BEFORE, which needs one of these words last
    in text[low:start], then a space."""
    if start <= low or not text[start - 1].isspace():
        return False
    tail = start - 1
    while tail > low and text[tail - 1].isspace():
        tail -= 1
    return text.endswith(_CUE_WORDS, low, tail) or text.find("-based", low, start) >= 0


# A name followed by one of these is a product or place, not a company ("the Hailuo AI video tool").
_PRODUCT_AFTER = re.compile(
    r"\s(?:model|models|video|tool|app|chatbot|chips?|platform|assistant|system|campus|report|index|"
    r"series|family|cluster|project|plant|reactor|site|brand|service|division)\b")
# A name followed by a kind of business and another name is that business's line, not a company
# ("Shanghai-based GPU designer Biren", "EV maker BYD").
_KIND_AFTER = re.compile(
    r"\s(?:[a-z-]+\s)?(?:start-?up|company|firm|developer|maker|designer|chipmaker|manufacturer|supplier|"
    r"producer|provider|operator|lender|insurer|utility|carrier|retailer|outfit|lab)\s+(?:[A-Z]|\d+[A-Z])")
# Words that open a run of capitalised words without being part of the name: articles, "Shares
# of", "Shanghai-based", and at a sentence's start a kind of business ("Rival Baichuan ...").
_KIND_WORDS = "|".join(d.capitalize() for d in DESCRIPTORS.split("|")
                       if d not in ("group", "fund", "bank", "unit", "lab", "champion", "parent", "owner"))
# The rest of an institution's name ("Institute for AI Industry Research").
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:Institute|University|Center|Centre|Council|Agency|Administration|Commission|Ministry|Department|"
    r"Office|Bureau|Academy|Foundation|Association|School|College|Laboratory)\s(?:for|of|on)\s$")
# Institutions whose names hold a company's ("the People's Bank of China" is not Bank of China).
INSTITUTION = re.compile(r"People['’]s Bank of China")
_LEADING = re.compile(
    r"^(?:(?:The|A|An|Its|Their|His|Her|Shares|Stock|Units|Parts|Some|Many|Most|All|Both|Each|When|Because|"
    r"Separately|Meanwhile|However|Although|While|If|After|Before|Since|Unlike|Like|Despite|Western|Eastern)"
    r"\s(?:of\s)?)+"
    rf"|^[A-Z][\w ]*?-based\s|^(?:{_KIND_WORDS})\s(?=\S)")
_BASED = re.compile(r"([A-Z][\w]*(?:\s[A-Z][\w]*)?)-based\s[^,.;]{0,40}$")


class CompanySpan(NamedTuple):
    """One mention of a company in the article text."""

    start: int
    end: int
    surface: str
    company: Company


# Words that name no company on their own ("Artificial Intelligence", "Separately").
_GENERIC = frozenset(ORG_HEADS.split("|")) | {
    "Artificial", "General", "Global", "Digital", "Green", "Clean", "Data", "Cloud", "Chip", "Chips", "Western",
    "Eastern", "Separately", "Meanwhile", "However", "Although", "Because", "When", "While", "Industry"}
# "Jane Roe of Acme Securities": a person of the company, not part of its name.
_PERSON_OF = re.compile(r"^[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?(?:\s[A-Z][a-z]+(?:-[a-z]+)?){1,2}\sof\s(?=\S)")
_QUANTITY = re.compile(r"^\d[\d.,]*\s?(?:[kMGT]Wh?|bn|nm|[BMK])\b")


def _clean_candidate(name: str) -> tuple[str | None, str | None]:
    """(name, country implied by a leading "X's"/"X-based"), or (None, None) when not a business."""
    name = _LEADING.sub("", name.strip(" ,.'’"))
    country = None
    owner = re.match(r"^(.+?)(?:'s|’s|(?<=s)['’])\s(.+)$", name)
    if owner:  # "China's GDS Holdings", "BlackRock's Global Infrastructure Partners", "Bill Gates' X"
        country, name = PLACES.get(owner.group(1)), owner.group(2)
        if country is None and _WEAK_HEADS.search(" " + name):
            return None, None  # a company's product or unit: "OpenAI's Deep Research"
    person = _PERSON_OF.match(name)
    if person and _HEAD_END.search(name) and not _GENERIC.intersection(person.group(0).split()):
        name = name[person.end():]
    name = re.sub(r"(?:'s|’s)$", "", name)
    tokens = name.split()
    if not tokens or NOT_BUSINESS.search(name) or name in PLACES or _QUANTITY.match(name):
        return None, None
    if all(t in _GENERIC for t in tokens):
        return None, None
    if all(t in PLACES or t in ("AI", "New", "North", "South") for t in tokens):
        return None, None
    return (name, country) if len(name) > 1 else (None, None)


def _context_country(text: str, start: int, end: int, name: str) -> str | None:
    """Headquarters from context: "Shanghai-based X", "Shenzhen X", "X, a New York firm", "X in Boston"."""
    before = text[max(0, start - 80):start]
    based = _BASED.search(before)
    if based and based.group(1) in PLACES:
        return PLACES[based.group(1)]
    places = find_places(name)
    if places and places[0][0] == 0:
        return places[0][2]
    after = re.match(r",?\s(?:in|of|from)\s([^,.;]{2,30})|,\s(?:a|an|the)\s([^,.;]{2,60})", text[end:end + 70])
    if after:
        near = find_places(after.group(1) or after.group(2))
        if near:
            return near[0][2]
    near = find_places(before[-45:])
    return near[-1][2] if near else None


def _is_heading(line: str) -> bool:
    """Title-case lines (headings) capitalise every word, so context cues mislead there."""
    if line.rstrip().endswith((".", '"', "”")):
        return False
    words = re.findall(r"[A-Za-z]+", line)
    return bool(words) and \
        sum(w[0].isupper() for w in words if len(w) > 3) >= 0.6 * sum(len(w) > 3 for w in words)


def _prose(text: str) -> str:
    """The text with heading lines blanked out (same length, same offsets)."""
    lines = text.split("\n")
    return "\n".join(" " * len(line) if _is_heading(line) else line for line in lines)


def runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every maximal run of capitalised words, in order and not overlapping."""
    pos = 0
    while (match := _RUN.search(text, pos)) is not None:
        start = match.start()
        if match.start("digits") >= 0:
            while start > 0 and text[start - 1].isdecimal():  # \d is a decimal digit
                start -= 1
            if start > 0 and _WORD_CHAR.match(text, start - 1):
                pos = match.start() + 1  # "x5B": the digits open no word, so no run starts here
                continue
        elif match.start("cap") < 0:
            while start > 0 and match.start() - start < 3 and text[start - 1] in _LOWER:  # as the look-behind
                start -= 1
        yield start, match.end()
        pos = match.end()


def _context_candidates(text: str, gazetteer: Gazetteer) -> dict[str, Company]:
    found: dict[str, Company] = {}
    prose = _prose(text)
    nothing_new = _nothing_new(gazetteer)
    for begin, finish in runs(prose):
        end = finish - (2 if prose.endswith(("'s", "’s"), begin, finish) else 0)
        run = text[begin:end]
        if run in nothing_new or not _has_company_cue(prose, begin, end):
            continue
        name, owner_country = _clean_candidate(run)
        if not name or gazetteer.lookup(name) or name in found:
            continue
        if _PRODUCT_AFTER.match(text, end) or _KIND_AFTER.match(text, end) \
                or _INSTITUTION_BEFORE.search(text, max(0, begin - 40), begin):
            continue
        start = begin + text[begin:end].find(name)
        country = owner_country or _context_country(text, start, start + len(name), name)
        found[name] = _arm_of_known(name, gazetteer) or gazetteer.lookup_loose(name) \
            or Company(slugify(name), name, country, ())
    return found


_NOTHING_NEW: dict[int, tuple[Gazetteer, frozenset[str]]] = {}


def _nothing_new(gazetteer: Gazetteer) -> frozenset[str]:
    """Runs of capitalised words that name, once cleaned, no company or a known one: places,
    generic words and the gazetteer's own names, a third of the runs in news. They are looked
    up before the costlier context tests, whose answer would not matter (worked out once per
    gazetteer)."""
    cached = _NOTHING_NEW.get(id(gazetteer))
    if cached is None or cached[0] is not gazetteer:
        runs = {*gazetteer.by_surface, *PLACES, *_GENERIC, "AI", "New", "North", "South"}
        cached = (gazetteer, frozenset(run for run in runs if _names_nothing_new(run, gazetteer)))
        if len(_NOTHING_NEW) >= 8:  # gazetteers of tests come and go
            _NOTHING_NEW.clear()
        _NOTHING_NEW[id(gazetteer)] = cached
    return cached[1]


def _names_nothing_new(run: str, gazetteer: Gazetteer) -> bool:
    name = _clean_candidate(run)[0]
    return not name or gazetteer.lookup(name) is not None


def _arm_of_known(name: str, gazetteer: Gazetteer) -> Company | None:
    """A known company's arm, or itself in full, named by its short name and generic heads
    ("Cisco Investments", "Moore Threads Technology Co Ltd")."""
    known = gazetteer.find(name)
    if known and known[0][0] == 0 and re.fullmatch(rf"(?:\s(?:{ORG_HEADS}))+", name[known[0][1]:]):
        return known[0][2]
    return None


def _short_forms(company: Company) -> set[str]:
    """Shorter names an article uses after the first full mention."""
    forms = set()
    tokens = company.name.split()
    if len(tokens) > 1 and tokens[0] in PLACES:
        forms.add(" ".join(tokens[1:]))
    stripped = _HEAD_END.sub("", company.name)
    if stripped != company.name and len(stripped) > 2 and stripped not in PLACES:
        forms.add(stripped)
    return forms


def _resolve_overlaps(spans: list[CompanySpan]) -> list[CompanySpan]:
    """Longest first, then earliest; drop any span overlapping a kept one."""
    return longest_first(spans, lambda s: (s.start, s.end))


_ACRONYM_DEFINED = re.compile(rf"(?P<long>{NAME})\s\((?P<short>[A-Z]{{2,6}})\)")
_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")


def _local_acronyms(text: str, gazetteer: Gazetteer) -> set[str]:
    """Acronyms the article defines for something other than the known company of that name
    ("National Energy Administration (NEA)" is not New Enterprise Associates)."""
    redefined: set[str] = set()
    if not any(gazetteer.lookup(m.group(1)) for m in _ACRONYM.finditer(text)):
        return redefined  # the costly pattern runs only where a known acronym is in brackets
    for m in _ACRONYM_DEFINED.finditer(text):
        known = gazetteer.lookup(m.group("short"))
        if known and not gazetteer.find(m.group("long")):
            redefined.add(m.group("short"))
    return redefined


def _same_as_shorter(discovered: dict[str, Company]) -> None:
    """"Light Year AI" and "Light Year", or "Turing Inc" and "Turing", in one article are one
    company, named the shorter way."""
    for name, company in list(discovered.items()):
        shorter = [form for form in _short_forms(company) if form in discovered and form != name]
        if shorter:
            discovered[name] = discovered[min(shorter, key=len)]


def _with_home_country(discovered: dict[str, Company], known: list[tuple[int, int, Company]],
                       gazetteer: Gazetteer) -> None:
    """A company found from context without a country takes its parent's ("State Grid Xinyuan
    Group" is Chinese like State Grid), else the country most of the article's known companies
    share, when it is a clear majority (a story about Chinese robot makers names Chinese backers)."""
    countries = Counter(c.country for c in {c.company_id: c for _, _, c in known}.values() if c.country)
    total = sum(countries.values())
    home, count = countries.most_common(1)[0] if countries else (None, 0)
    majority = home if total >= 3 and count >= 2 * total / 3 else None
    for name, company in discovered.items():
        if company.country:
            continue
        parent = gazetteer.find(name)
        country = parent[0][2].country if parent and parent[0][0] == 0 else majority
        if country:
            discovered[name] = Company(company.company_id, company.name, country, company.aliases)


def find_companies(text: str, gazetteer: Gazetteer) -> list[CompanySpan]:
    """Every company mention in an article, known or recognised from context."""
    known = gazetteer.find(text)
    discovered = _context_candidates(text, gazetteer)
    _with_home_country(discovered, known, gazetteer)
    _same_as_shorter(discovered)
    surfaces: dict[str, Company] = dict(discovered)
    for company in list(discovered.values()):
        for form in _short_forms(company):
            if not gazetteer.lookup(form):
                surfaces.setdefault(form, company)
    redefined = _local_acronyms(text, gazetteer)
    institutions = [m.span() for m in INSTITUTION.finditer(text)]
    spans = [CompanySpan(s, e, text[s:e], c) for s, e, c in known
             if text[s:e] not in redefined and not any(a <= s < b for a, b in institutions)]
    if surfaces:
        spans += [CompanySpan(s, e, text[s:e], c) for s, e, c in Gazetteer.of_surfaces(surfaces).find(text)]
    return _resolve_overlaps(spans)
