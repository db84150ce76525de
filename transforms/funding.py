"""Funding events: IPOs, rounds, investments, debt, acquisitions and grants."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from transforms.companies import CompanySpan
from transforms.money import Money, find_money, implied_rate, stated_usd, to_usd, yen_or_yuan
from transforms.raisers import object_raiser, subject_raiser
from transforms.patterns import CaselessPattern, alternation, keywords_first, lowered
from transforms.rows import FundingRow, with_values

# "Debut" is a listing unless it launches something: "its market debut", "a muted debut", "debuted on
# Nasdaq", but not "debuted a robot", "the debut of its model", "debuted last spring".
_MARKET_DEBUT = (r"debut(?![\w-])(?!\s(?:of\s)?(?:its|a|an|the|their)\b)|"
                 r"debut(?:ed|ing|s)\s(?:on|in)\s(?!(?:a|an|its|their|the\s(?:film|show|game))\b)")
_LISTED_THING = r"(?:compan\w+|firms?|groups?|names|shares|stocks?|peers?|rivals?|units?|subsidiar\w+|entit\w+|parent|arm)\b"
# Event types by the words that signal them, in order of precedence.
EVENT_CUES = [
    ("acquisition", r"acquir\w*|acquisition|takeover|take over|buy(?!\s?back)s?|bought|to purchase|"
                    r"pay\w*\b(?:[^.;]|\.(?=\d)){0,50}\bfor\s(?:the\s)?\d+%\sof"),
    ("ipo", r"IPOs?|initial public offering|listings?|listed(?<!-listed)(?<!-\slisted)(?!\s" + _LISTED_THING + r")|" + _MARKET_DEBUT + r"|share sale|public offering|"
            r"go(?:es|ing)? public|float"),
    ("debt", r"loans?|bonds?|notes|debt|credit facility|borrow\w*|lent|lend\w*"),
    ("investment", r"invest(?:s|ed|ing)?\b(?:[^.;]|\.(?=\d))*?\bin\b|purchase of (?:[^.;]|\.(?=\d))*?shares|stake in|"
                   r"buy(?:s|ing)?\s(?:[^.;]|\.(?=\d)){0,40}?\bshares|equity\sinvestment"),
    ("equity_round", r"rounds?|Series [A-H]|placement|funding|equity(?!\sinvestment)|rais\w*|collect\w*|took in|"
                     r"brought in|fundrais\w*|new shares|rights (?:issue|offering)"),
    ("investment", r"invest(?:s|ed|ing)?|investments?\s(?:from|by|in)|backed|backing|stake|contribut\w*|put in|"
                   r"putting in"),
    ("grant", r"grants?|subsid(?:y|ies|is\w*|iz\w*)"),
]
_EVENT_RES = [(kind, CaselessPattern(rf"\b(?:{cue})\b")) for kind, cue in EVENT_CUES]
# Every cue of a kind holds one of its words (in lower case): a clause without one skips its pattern.
EVENT_WORDS = [
    ("acqui", "takeover", "take over", "buy", "bought", "purchase", "pay"),
    ("ipo", "public", "list", "debut", "share sale", "float"),
    ("loan", "bond", "notes", "debt", "credit facility", "borrow", "len"),
    ("invest", "purchase", "stake", "buy"),
    ("round", "series ", "placement", "funding", "equity", "rais", "collect", "took in", "brought in", "new shares",
     "rights "),
    ("invest", "backed", "backing", "stake", "contribut", "put in", "putting in"),
    ("grant", "subsid"),
]
# Every cue of every kind holds one of these: a clause without one reports no event. One trie
# pattern over the lower-cased text finds them faster than a test per word.
_ANY_EVENT_WORD = re.compile(alternation({word for words in EVENT_WORDS for word in words}))
# Where the one raising money is the object: "invested in X", "lent X", "a round for X", "acquire X".
_OBJECT_RAISER = CaselessPattern(
    r"\b(?:invest(?:s|ed|ing)?\b(?:[^.;]|\.(?=\d))*?\b(?:in|into|on)|investments?\sin(?:to)?|lent|lends?|lending to|acquir\w*|buy|bought|"
    r"acquisition of|purchase of|stake in|takeover of|take over|backed(?!\sby)|backing|(?:round|funding|financing) for|"
    r"pay\w*\b(?:[^.;]|\.(?=\d)){0,50}\bof\s(?:its\s)?(?:[\w-]+\s){0,3})\s")
_INVESTOR_CUE = CaselessPattern(
    r"\b(?:led by|from|including|included|with|backed by|alongside|investors?|co-leads?|cornerstone|"
    r"shareholders?|joined|joining|taking part|took part|arranged by)\s(?:[\w-]+\s){0,3}$")
# The one raising money is the subject of these ("G42 received a $1.5 billion investment").
_RECEIVED = CaselessPattern(r"\b(?:receiv(?:ed|es|ing|e)|secur(?:ed|es|ing)|obtain(?:ed|s|ing)|won|got|gets|landed)\b")
# Investors named in a list: "from investors including X", "led by X", "backed by X".
_INVESTOR_LIST = CaselessPattern(r"\b(?:including|included|led\sby|backed\sby|from|investors?|backers?|such\sas|"
                                 r"alongside)\s(?:[\w-]+\s){0,3}$")
_BY_GIVER = CaselessPattern(r"\b(?:by|from)\s(?:the\s)?$")  # "selected as a recipient by X": X gives
_BACKED_BY = CaselessPattern(r"\b(?:backed|funded)\sby\s(?:the\s)?$")
_ADVISER_CUE = CaselessPattern(r"\b(?:hired|mandated|appointed|tapped|advised by|arranged by)\s$")
# Words after a company that make it an arranger or a lead investor, not the raiser.
_ARRANGES = CaselessPattern(r"\s(?:(?:is|are|was|were)\s(?:said\sto\sbe\s)?)?(?:arrang\w+|underwr\w+|advis(?:ed|es|ing))\b")
_LEADS = CaselessPattern(r"(?:,\s(?:[\w-]+\s){1,4}[\w-]+,)?\s(?:also\s)?(?:co-)?(?:led|leads|headed)\b(?!\sby)")
_CITED_SOURCE = CaselessPattern(r"\b(?:according\sto|per|citing|data\s(?:from|by|compiled\sby)|compiled\sby|reported\sby|"
                                r"figures\sfrom|estimates\sfrom|tracked\sby)\s(?:[\w&-]+\s){0,4}$")
_DESCRIBED_BY = CaselessPattern(r"\b(?:developed|built|operated|owned|run|made|founded|managed|designed|produced)\sby\s(?:the\s)?$")
_RAISER_AFTER = CaselessPattern(r"\b(?:(?:round|funding|financing|investment)\s(?:in|into)|"
                                r"(?:loan|disbursement|credit\sline|credit\sfacility)s?\sto|(?:that|which)\s(?:gave|valued|values))\s$")
_LIST_GAP = re.compile(r",?\s(?:and\s)?|,\s")
# Money that is not money raised: prices, results, values, budgets.
_NOT_RAISED = CaselessPattern(
    r"(?:revenue|sales|income|profit|loss|lost|value|market capitali[sz]ation|worth|"
    r"a share|per share|spend\w*|capex|capital expenditure|budget\w*|costs?|charge|assets|"
    r"manag\w*|burn\w*|price|priced at|offer price|closing at|closed at|run rate|agreement|contract)"
    r"\W+(?:\w+\W+){0,5}$")
_NOT_RAISED_AFTER = CaselessPattern(
    r"(?:\s?(?:to|-|–)\s?\S+)?\s?(?:(?:a|per)\s+(?:share|ads|adr|unit)\b|each\b|apiece\b)|"
    r"\s(?:in the bank|in cash|of cash|in revenue|in sales)|"
    r"\s(?:(?:initial\s)?(?:public\s)?(?:offering|ipo|issue|listing|offer)\s)?price\b|"
    r"(?:\s\([^)]*\))?\)?\s(?:annually|a\syear(?!\sago|\searlier)|per\s(?:year|annum)|each\syear|every\syear)\b")
# "raised its capex forecast to $X": a figure raised, not money
_RAISED_FIGURE = CaselessPattern(
    r"\brais(?:ed|es|ing)\s(?:its|their|the|his|her)\s(?:[\w-]+\s){0,3}(?:forecasts?|guidance|outlook|targets?|capex|"
    r"capital\sexpenditures?|spending|budgets?|estimates?|dividends?|prices?|stake|rates?|expectations?|projections?)\b")
_FIGURE_REACH = 250  # "raised its guidance ..." stands this near the amount it makes no money raised: a
# bounded window, since a clause may hold thousands of amounts
# A share price: "traded at $15.50", "fell to HK$21", "opened at".
_PRICE_MOVE = CaselessPattern(r"\b(?:trad(?:ed|ing)|fell|rose|jumped|climbed|surged|soared|dropped|slid|sank|opened|"
                              r"ended|finished)\s(?:as\s(?:high|low|much)\sas\s|to\s|at\s)(?:[\w-]+\s)?$")
_VALUATION = CaselessPattern(r"(?:valu\w*|worth)\b(?:[^.;]|\.(?=\d)){0,60}?\bat\s(?:\w+\s){0,3}$|(?:valu\w*|worth)\s(?:of\s)?(?:\w+\s){0,2}$")
# "its latest round, worth $300 million": the size of the round, not a company's worth.
_SIZE_OF_ROUND = CaselessPattern(r"\b(?:rounds?|funding|financing|placement|offering|ipo|listing|loans?|bonds?)"
                                 r",?\s(?:worth|totall?ing|valued at)\s(?:[\w-]+\s){0,2}$")
_VALUATION_AFTER = CaselessPattern(r"\s(?:(?:post|pre)-money\s)?valuation|"
                                   r"\s(?:that|which)\s(?:[\w-]+\s){1,6}(?:is|was|are|were)\s(?:now\s)?valued\sat\b")
_BEFORE_LISTING = CaselessPattern(r"(?:\b(?:ahead\sof|before|prior\sto|in\sthe\srun-up\sto)\s(?:its\s|the\s|a\s|their\s)?"
                                  r"(?:planned\s|expected\s|eventual\s)?|\bpre-)$")
_ROUND = CaselessPattern(r"\b(?:Series [A-H]\+?(?:\s(?:and|&)\sSeries [A-H]\+?)?|seed round|pre-IPO round|angel round)")
_AGGREGATE = CaselessPattern(r"\b(?:collectively|together|combined|in total|aggregate|between them|altogether)\b")
# One figure for several rounds or tranches: "in 12 funding rounds", "cumulative", "so far".
_SEVERAL_AFTER = CaselessPattern(
    r"^\W*(?:[\w-]+\W+){0,4}?(?:(?:in|across|over|through)\s(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|several|multiple|a\sseries\sof)\s(?:[\w-]+\s){0,2}(?:rounds|tranches|loans|offerings|deals)|cumulative|"
    r"so\sfar|to\sdate|concurrent)\b")
_SEVERAL_BEFORE = CaselessPattern(r"\b(?:so\sfar|cumulative|now\sraised|bringing\s(?:its\s|the\s|their\s)?total)\b"
                                  r"(?:[^.;]){0,40}$")


def _several(clause: str, money: Money) -> bool:
    """Whether the words next to an amount make it one figure for several rounds or tranches."""
    return bool(_SEVERAL_AFTER.match(clause[money.end:money.end + 80])
                or _SEVERAL_BEFORE.search(clause, max(0, money.start - 60), money.start))


_REPORTED = CaselessPattern(r"\b(?:in talks|talks to|preparing|weighing|considering|reportedly|is said to|"
                       r"are said to|was said to|were said to|sounding out|negotiat\w*)\b")
_PLANNED = CaselessPattern(r"\b(?:plan(?:s|ned|ning)?|will|would|aims?|seek\w*|expected to|set to|could|agreed to|"
                      r"(?:is|are) raising|looking to|close to|nearing|fil(?:ed|es|ing) for|application|"
                      r"intends?|proposed|pending|subject to|due to close)\b")
_SOURCES = CaselessPattern(
    r"\b(?:people\s(?:familiar|close|briefed|with\sknowledge)|persons?\s(?:familiar|close|briefed|with\sknowledge)|"
    r"sources?\s(?:familiar|close|briefed|with\sknowledge)|insiders?\s(?:familiar|close|briefed|with\sknowledge)|"
    r"according\sto\s(?:[\w-]+\s){0,3}(?:sources|people|insiders|a\sperson|a\ssource|another\sperson)|"
    r"sources\ssaid|sources\stold)\b")
_YET_TO_CLOSE = CaselessPattern(r"\b(?:(?:(?:is|are)\s)?(?:expected|due|set)\sto\s(?:close|complete|be\scompleted|be\sfinali[sz]ed)|"
                                r"subject\sto|pending)\b")
# "projects" as a verb ("it projects a rise"), not the noun ("the project's development").
_FORECAST = CaselessPattern(r"\b(?:expects?|forecasts?|estimates?|predicts?|projects?(?=\s(?:that|a|an|it|its|revenue|sales)\b)|reckons?)\b")
# "a $255 million round in December and another $206 million round in June": one event each.
_ANOTHER = CaselessPattern(r"(?:\band|,)\s(?:another|a\sfurther|a\ssecond|a\sthird|an\sadditional|an\searlier|a\slater)\s"
                           r"(?:[\w-]+\s)?$|\bbringing\s(?:its\s|the\s|their\s)?(?:total|cumulative)\s(?:[\w-]+\s){0,2}to\s$")
_AND_BEFORE = CaselessPattern(r"\band\s(?:about\s|around\s|nearly\s|roughly\s|some\s|over\s|more\sthan\s)?$")
_KIND_AFTER = CaselessPattern(r"\s(?:of|in)\s(?:new\s)?(debt|equity|loans?|bonds?|notes|shares|credit)\b")
_KIND_WORDS = {"deb": "debt", "loa": "debt", "bon": "debt", "not": "debt", "cre": "debt", "equ": "equity_round",
               "sha": "equity_round"}
# A subject that refers back to a company named earlier ("it", "the Beijing-based firm").
_ANAPHOR = CaselessPattern(r"\b(?:it|its|the\s(?:[\w-]+\s){0,3}(?:company|firm|group|start-?up|developer|designer|"
                      r"maker|lab|chipmaker|operator|business|provider|lender)|"
                      r"this\s(?:[\w-]+\s)?(?:investment|funding|round|financing|raise))\b")
_ASSET = CaselessPattern(r"(?:the|a|an|its|their|this|new)\s(?:[\w-]+\s){0,2}(?:project|plant|facility|factory|campus|"
                         r"site|cent(?:re|er)|park|station|network|line|fab|mine|programme|program|infrastructure)s?\b")
_FROM_COMPANY = CaselessPattern(r"\bshares\s(?:[\w-]+\s){0,2}from\s(?:the|this)\s(?:[\w-]+\s){0,2}(?:company|firm|group|start-?up)")
_COMPANY_NOUN = CaselessPattern(r"(?:the|this)\s(?:[\w-]+\s){0,3}(?:company|firm|group|start-?up|developer|business)\b")
# A company first named as the object of a preposition ("a deal with Adobe", "a feature in Meta's
# app") is not what the story is about.
_PREPOSITION_BEFORE = re.compile(r"\b(?:with|in|into|to|for|from|on|by|at|of|than)\s(?:the\s)?$")
# Sentences about backers ("ICONIQ led that round") do not change who the story is about.
_BACKERS = re.compile(keywords_first(
    r"\b(?:took part|taking part|joined|joining|led|co-led|leading|participated|invested|backed|arranged|arranging|"
    r"made (?:its|an|a|the) (?:\w+ )?investment|investors include|Investors include|backers include|"
    r"Backers include|shareholders include|Shareholders include)\b"))
_CLAUSE = re.compile(keywords_first(r";|,\s(?:and|while|but|whereas)\s|\band separately\b|\bSeparately,\s|"
                                    r"\bwhen\s(?=it\b|they\b)"))
_DIVEST = CaselessPattern(r"\b(?:s(?:old|ells?|elling)|sale\sof)\s(?:\S+\s){0,3}stake\b")
_DIGIT = re.compile(r"\d")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def _unquoted(text: str) -> str:
    """The text with what it quotes blanked out (same length): quotes speculate."""
    if '"' not in text and "“" not in text:
        return text  # most sentences quote nothing: no substitution to set up
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class Roles:
    """Companies of a clause sorted into raisers and investors."""

    raisers: list[str]
    investors: list[str]
    capex: bool = False  # money spent on assets, not raised
    arranged: bool = False  # a bank or adviser arranges it for someone named before


_LIST_ITEM_BEFORE = re.compile(r",\s(?:[A-Z][\w&.'’-]*\s?){1,4}$")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of clauses that may each report a separate event."""
    bounds, start = [], 0
    for match in _CLAUSE.finditer(text):
        if match.group(0) == ", and " and _LIST_ITEM_BEFORE.search(text, max(start, match.start() - 60), match.start()):
            continue  # "Tencent, ZhenFund, and HSG": the last item of a list, not a new clause
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _event_type(clause: str, local: list[tuple[int, CompanySpan]], amount_at: int) -> str | None:
    """The event a clause reports: takeovers, listings and debt anywhere in it win; between a
    round and an investment, the cue nearest before the amount decides."""
    found: dict[str, int] = {}
    low = lowered(clause)
    for (kind, rx), words in zip(_EVENT_RES, EVENT_WORDS):
        for m in rx.finditer(clause) if any(word in low for word in words) else ():
            if kind == "acquisition" and (not _names_company_after(clause, m.end(), local)
                                          or _MINORITY.match(clause, m.end())):
                continue  # "buy electricity", "buy shares", "acquiring a 49% stake": not a takeover
            if kind == "ipo" and _BEFORE_LISTING.search(clause, max(0, m.start() - 30), m.start()):
                continue  # "rounds ahead of its IPO", "a pre-IPO round": money raised before listing
            if kind not in found or (m.start() < amount_at and (found[kind] > amount_at or m.start() > found[kind])):
                found[kind] = m.start()
    if "investment" in found and _DIVEST.search(clause):
        return None
    for kind in ("acquisition", "ipo", "debt"):
        if kind in found:
            return kind
    soft = [k for k in ("equity_round", "investment") if k in found]
    if len(soft) == 2 and _ROUND.search(clause):
        return "equity_round"  # "invested in X via a $10 million seed round"
    if len(soft) == 2:
        before = [k for k in soft if found[k] < amount_at]
        return max(before, key=found.get) if before else "equity_round"
    return soft[0] if soft else ("grant" if "grant" in found else None)


_MINORITY = CaselessPattern(r"\s(?:a|an)\s(?:minority|small|non-controlling|[1-4]?\d(?:\.\d+)?\s?(?:%|per\s?cent))\sstake")


def _names_company_after(clause: str, position: int, local) -> bool:
    """Whether a takeover cue names what is bought: a company, a stake, or a name ("of Acme")."""
    return any(position <= p <= position + 40 for p, _ in local) or bool(
        re.match(r"(?:[^.;]|\.(?=\d)){0,40}\b(?:stake|\d+%\sof)", clause[position:])) or bool(
        object_raiser(clause[max(0, position - 12):position + 60]))


@lru_cache(maxsize=64)  # asked once per amount of a text: read once per text
def _says_rais(text: str) -> bool:
    return "rais" in text


def _is_raised(text: str, money: Money) -> bool:
    if _SIZE_OF_ROUND.search(text, max(0, money.start - 40), money.start):
        return True
    return not (_NOT_RAISED.search(text, max(0, money.start - 70), money.start)
                or (_says_rais(text) and _RAISED_FIGURE.search(text, max(0, money.start - _FIGURE_REACH), money.start))
                or _PRICE_MOVE.search(text, max(0, money.start - 40), money.start)
                or _NOT_RAISED_AFTER.match(text, money.end))


def _is_valuation(text: str, money: Money) -> bool:
    """ "valued at $X", "values the company at $X", "a valuation of $X" or "a $X valuation"."""
    if _SIZE_OF_ROUND.search(text, max(0, money.start - 40), money.start):
        return False
    return bool(_VALUATION.search(text, max(0, money.start - 90), money.start)
                or _VALUATION_AFTER.match(text, money.end))


def _status(sentence: str, amount_end: int | None = None) -> str:
    """Reported when known from others (talks, sources, people familiar); planned when the words
    before the amount say it is yet to happen, or the sentence says the deal is yet to close."""
    if _REPORTED.search(sentence) or _SOURCES.search(sentence):
        return "reported"
    if _PLANNED.search(sentence, 0, len(sentence) if amount_end is None else amount_end) \
            or _YET_TO_CLOSE.search(sentence):
        return "planned"
    return "completed"


def _roles(clause: str, cue: int, local: list[tuple[int, CompanySpan]], event_type: str) -> Roles:
    """Raisers and investors among the companies of a clause (positions relative to it)."""
    cued: dict[int, str] = {}
    for i, (p, span) in enumerate(local):
        # The words after a name are read where they stand, not copied: a clause may name thousands.
        before, after = clause[max(0, p - 60):p], p + len(span.surface)
        if _ADVISER_CUE.search(before) or _ARRANGES.match(clause, after):
            cued[i] = "adviser"  # "hired X", "X arranged the loan": banks and advisers
        elif _CITED_SOURCE.search(before) or _DESCRIBED_BY.search(before):
            cued[i] = "other"  # "according to PitchBook", "a project developed by X"
        elif _RAISER_AFTER.search(before):
            cued[i] = "raiser"  # "a round in X", "a round that gave X a valuation"
        elif p < cue and _LEADS.match(clause, after):
            cued[i] = "investor"  # "X led a $50 million round"
        elif p > cue and _INVESTOR_CUE.search(before) or _BACKED_BY.search(before):
            cued[i] = "investor"  # "led by X", "from X"; "X, backed by Y, raised"
        elif i and i - 1 in cued and _LIST_GAP.fullmatch(clause[local[i - 1][1].end - local[i - 1][1].start + local[i - 1][0]:p]):
            cued[i] = cued[i - 1]  # "X, Y and Z" share one role
    for i in range(len(local) - 2, -1, -1):  # "JPMorgan and MUFG arranged": a role named after a list
        p, span = local[i]
        if i not in cued and cued.get(i + 1) in ("adviser", "investor") and local[i + 1][0] < cue \
                and _LIST_GAP.fullmatch(clause[p + len(span.surface):local[i + 1][0]]):
            cued[i] = cued[i + 1]
    investors = [s.company.name for i, (p, s) in enumerate(local) if cued.get(i) == "investor"]
    named = [(p, s) for i, (p, s) in enumerate(local) if cued.get(i) == "raiser"]
    if named:  # those named before it without a role put the money in ("X's investment in Y")
        backers = [s.company.name for i, (p, s) in enumerate(local) if i not in cued and p < named[0][0]]
        return Roles([named[0][1].company.name], investors + backers)
    free = [(p, s) for i, (p, s) in enumerate(local) if i not in cued]
    if not free and "adviser" in cued.values():
        return Roles([], investors, arranged=True)
    obj = _OBJECT_RAISER.search(clause)
    if obj and event_type in ("investment", "acquisition", "debt", "equity_round"):
        after = [s for p, s in free if p >= obj.end() - 1]
        before = [s.company.name for p, s in free if p < obj.start()]
        if _ASSET.match(clause, obj.end()):  # "the investment in the project, developed by X"
            return Roles([], investors + before, capex=True)
        if after:
            return Roles([after[0].company.name], investors + before)
        target = object_raiser(clause[obj.start():]) if event_type in ("acquisition", "investment") else None
        if target:  # "its $19 billion acquisition of Acme", a company no gazetteer knows
            return Roles([target], investors + before)
        if event_type != "equity_round":
            # "invested 650 billion yuan in its network": spending, unless it is "the company"
            capex = not _COMPANY_NOUN.match(clause, obj.end()) and not _FROM_COMPANY.search(clause)
            return Roles([], investors + before, capex)
    received = _RECEIVED.search(clause, 0, cue)
    if received and event_type in ("investment", "equity_round"):  # "G42 received ... from Microsoft"
        receivers = [s.company.name for p, s in free if p < received.start()
                     and not _BY_GIVER.search(clause, max(0, p - 20), p)]
        if receivers:
            return Roles(receivers[-1:], investors)
    if event_type == "investment":  # "Microsoft and Nvidia agreed to invest": the investors
        return Roles([], investors + [s.company.name for p, s in free if p < cue])
    if _AGGREGATE.search(clause):
        return Roles(list(dict.fromkeys(s.company.name for p, s in free)), investors)
    which = [s for p, s in free if re.match(r",\s(?:which|that|who)\b", clause[p + len(s.surface):])
             and p < cue]
    opening = [s for p, s in free if p < 40 and p < cue]
    nearest = [s for p, s in free if p < cue]
    chosen = (which or opening or nearest)[-1:] if which else (opening[:1] or nearest[-1:])
    return Roles([s.company.name for s in chosen], investors)


def find_funding(ctx) -> list[FundingRow]:
    """Funding events of an article, one row per event."""
    rows: list[FundingRow] = []
    subject = _Subject()
    for sentence in ctx.sentences:
        spans = ctx.in_sentence(sentence)
        heading = _is_heading(sentence.text) and (sentence.start == 0 or ctx.article.text[sentence.start - 1] == "\n")
        events = [] if heading else \
            _sentence_events(ctx, sentence, spans, subject)
        if not events and rows and sentence.start - rows[-1].char_end <= 2:  # the sentence right after
            events = _continued(ctx, sentence, rows[-1])
            if not events:
                rows[-1] = _with_later_investors(_with_later_valuation(ctx, rows[-1], sentence, spans), sentence, spans)
        rows.extend(events)
        subject.note(sentence, spans, events)
    return _distinct(_with_unpriced(ctx, rows))


class _Subject:
    """Whom the story is about after the sentences read so far, for clauses that name no raiser
    ("it raised"): the raiser of the last event (not a takeover's target: the buyer is the
    subject), or the first company the last sentence naming companies names. Sentences are
    noted as they are read and looked back at only when a clause asks, latest first, each at
    most once: few clauses ever ask, and the tests a sentence takes cost."""

    def __init__(self):
        self._noted: list[tuple] = []  # (sentence, spans, events) of the sentences read
        self._read = 0  # the sentences before this one were looked back at already, giving:
        self._topic: str | None = None
        self._previous: list[str] = []  # the companies the sentence the topic came from names

    def note(self, sentence, spans, events: list[FundingRow]) -> None:
        """Note a sentence read, with its companies and the events it reported."""
        self._noted.append((sentence, spans, events))

    def now(self) -> tuple[str | None, list[str]]:
        """(topic, the companies of the last sentence that named the topic) so far."""
        topic = previous = None
        for sentence, spans, events in reversed(self._noted[self._read:]):
            if topic is None and events and events[-1].companies and events[-1].event_type != "acquisition":
                topic = events[-1].companies[0]
            if previous is None and _names_subject(sentence, spans, events):
                names = [s.company.name for s in spans]
                topic = names[0] if topic is None else topic
                previous = list(dict.fromkeys(names))
            if topic is not None and previous is not None:
                break
        self._topic = self._topic if topic is None else topic
        self._previous = self._previous if previous is None else previous
        self._read = len(self._noted)
        return self._topic, self._previous


def _names_subject(sentence, spans, events: list[FundingRow]) -> bool:
    """Whether a sentence names whom the story is about: it names companies and reports an event,
    or names them neither about backers ("ICONIQ led that round") nor first after a preposition."""
    return bool(spans) and (bool(events) or not _BACKERS.search(sentence.text)) \
        and (bool(events) or not _PREPOSITION_BEFORE.search(sentence.text, 0, spans[0].start - sentence.start))


def _distinct(rows: list[FundingRow]) -> list[FundingRow]:
    """One row per event: a headline or lead repeated further down restates the same event."""
    seen, out = set(), []
    for row in rows:
        key = (tuple(row.companies), row.event_type, row.amount, row.currency)
        if row.amount is None or key not in seen:
            out.append(row)
        seen.add(key)
    return out


# A sentence that goes on about the event before it: "Proceeds could rise to HK$5.5 billion if ...".
_CONTINUES = CaselessPattern(r"(?:the\s|its\s)?(?:proceeds|offering|ipo|listing|round|raise|sale)\b")


def _continued(ctx, sentence, row: FundingRow) -> list[FundingRow]:
    """Another amount for the event of the sentence before, when this sentence opens with it."""
    text = sentence.text
    money = list(find_money(text))
    if not _CONTINUES.match(text) or not row.companies or any(_is_valuation(text, m) for m in money):
        return []  # a valuation is left to _with_later_valuation
    raised = [m for m in money if _is_raised(text, m) and not _is_conversion(text, m, money)]
    if not raised:
        return []
    return [_row(ctx, sentence, text, row.event_type, raised[0], money, [], row.companies, row.investors)]


_VALUES_IT = CaselessPattern(r"\b(?:values?|valued|valuing)\b")
_CITED = CaselessPattern(r"\baccording\sto\s(?:[\w-]+\s){0,3}$")


# "The round was led by Tencent", "HongShan also took part": backers named after the event.
_LATER_BACKERS = CaselessPattern(
    r"\b(?:co-)?led\sby\b|\b(?:co-)?led\s(?:the|this)\s(?:round|financing|funding|investment)\b|participation\sfrom\b|"
    r"\b(?:also|as well)\s(?:took\spart|taking\spart|joined|participated|invested)\b")


def _with_later_investors(row: FundingRow, sentence, spans) -> FundingRow:
    """Investors the sentence after an event names for it (companies other than its raisers)."""
    if not spans or not _LATER_BACKERS.search(sentence.text) or find_money(sentence.text):
        return row
    named = [s.company.name for s in spans if s.company.name not in row.companies]
    return with_values(row, investors=list(dict.fromkeys(row.investors + named)))


def _with_later_valuation(ctx, row: FundingRow, sentence, spans) -> FundingRow:
    """ "The round values the firm at $230bn": a valuation stated in the sentence after an event
    (about the same company, or naming none) belongs to that event."""
    if row.valuation_usd is not None or not _VALUES_IT.search(sentence.text):
        return row
    # A source the sentence cites ("according to PitchBook") is not whom the valuation is of.
    names = {s.company.name for s in spans if not _CITED.search(sentence.text, 0, s.start - sentence.start)}
    if names and not names & set(row.companies):
        return row
    money = find_money(sentence.text)
    values = [m for m in money if _is_valuation(sentence.text, m)]
    if not values or len(values) != len(money):
        return row
    return with_values(row, valuation_usd=_usd(ctx, sentence.text, values[0], list(money)))


def _is_heading(text: str) -> bool:
    """Headlines and standfirsts carry no full stop; their figures repeat the story's. A long line
    without one, or a sentence that goes on a paragraph, is prose cut short (the end of an
    excerpt), not a headline."""
    return not text.rstrip().endswith((".", "!", "?", '"', "”", "’", "'")) and text.count(" ") < 20


_LISTING_WORDS = ("ipo", "listing", "listed", "debut", "share sale", "public", "float")  # every listing cue holds one


def _is_listed(ctx, name: str) -> bool:
    """Whether the article says the company lists, debuts or IPOs. The article's listed companies
    are read once, and only for an article with a round to check: most articles have none."""
    listed = ctx.__dict__.get("_listed")  # ctx is frozen; its __dict__ holds what it caches
    if listed is None:
        listed = ctx.__dict__["_listed"] = _listed(ctx)
    return name in listed


def _listed(ctx) -> set[str]:
    """Companies the article says list, debut or IPO."""
    low = lowered(ctx.article.text)
    if not any(word in low for word in _LISTING_WORDS):
        return set()  # the listing cues cannot match: skip scanning the whole article
    cues = [m.start() for m in _EVENT_RES[1][1].finditer(ctx.article.text)]
    return {s.company.name for sentence in ctx.sentences_holding(cues) for s in ctx.in_sentence(sentence)}


def _sentence_events(ctx, sentence, spans, subject: _Subject) -> list[FundingRow]:
    rows: list[FundingRow] = []
    own_topic = None  # the raiser of this sentence's last event, for its later clauses
    if not _DIGIT.search(sentence.text):
        return rows  # no figure, no priced event
    text = _unquoted(sentence.text)
    if not find_money(text):
        return rows  # no amount in the sentence, none in its clauses (the figures reuse this scan)
    if not _may_report_event(text):
        return rows  # no event cue, so no clause reports an event: its amounts need no reading
    for start, end in _clauses(text):
        clause = text[start:end]
        if not _may_report_event(clause):
            continue  # _event_type would find no cue
        # The clause's own companies, found by bisection (spans are in text order): a sentence
        # may hold thousands of clauses and companies.
        first, last = (bisect_left(spans, sentence.start + at, key=lambda s: s.start) for at in (start, end))
        local = [(s.start - sentence.start - start, s) for s in spans[first:last]]
        every = find_money(clause)
        money = _raised(clause, every)
        event_type = _event_type(clause, local, money[0].start) if money else None
        if not event_type:
            continue
        values = [m for m in money if _is_valuation(clause, m)]
        valued = set(values)
        amounts = _range_tops(clause, [m for m in money if m not in valued and not _is_conversion(clause, m, every)])
        if not amounts and event_type == "acquisition" and values:
            amounts, values = values[:1], values[1:]
        if not amounts:
            continue
        roles = _roles(clause, amounts[0].start, local, event_type)
        raisers = roles.raisers or _unknown_raiser(clause, amounts[0].start, local, roles) \
            or _referred(clause, start > 0, event_type, roles, own_topic, subject)
        if roles.arranged and raisers and raisers[0] in {s.company.name for _, s in local}:
            continue  # the banks arranging it are the story's companies: the raiser is not named
        if roles.capex or not raisers or (not local and _FORECAST.search(clause)):
            continue
        if event_type == "equity_round" and _is_listed(ctx, raisers[0]) and not _ROUND.search(clause) \
                and not re.search(r"\b(?:rounds?|placements?|private)\b", clause):
            event_type = "ipo"  # money a listed newcomer raised is its listing's proceeds
        rows.append(_row(ctx, sentence, clause, event_type, amounts[0], money, values, raisers, roles.investors))
        for m in amounts[1:]:
            kind = _second_kind(clause, m, event_type)
            if kind:
                rows.append(_row(ctx, sentence, clause, kind, m, money, [], raisers, roles.investors))
        own_topic = raisers[0]
    return rows


def _may_report_event(text: str) -> bool:
    """Whether text holds a word of an event cue, without which _event_type finds none."""
    return _ANY_EVENT_WORD.search(lowered(text)) is not None


def _second_kind(clause: str, money: Money, event_type: str) -> str | None:
    """The event a further amount of a clause reports, if it reports one of its own: "and another
    $N round", "bringing its total funding to $N", "$N of debt and $M of equity"."""
    if _ANOTHER.search(clause, max(0, money.start - 40), money.start):
        return event_type
    if _AND_BEFORE.search(clause, max(0, money.start - 20), money.start):
        kind = _KIND_AFTER.match(clause, money.end)
        return _KIND_WORDS[kind.group(1)[:3]] if kind else None
    return None


def _unknown_raiser(clause: str, cue: int, local, roles: Roles) -> list[str]:
    """A raiser no gazetteer or cue knows, named where the raiser stands ("Acme raised $5 million",
    "a round in Acme"), when no known company stands before the amount."""
    if any(p < cue and s.company.name not in roles.investors for p, s in local):
        return []
    name = subject_raiser(clause, cue) or object_raiser(clause)
    return [name] if name else []


_RANGE_GAP = re.compile(r"\s?(?:to|-|–|and)\s?")


def _raised(clause: str, every: tuple[Money, ...]) -> list[Money]:
    """The amounts of a clause that are money raised; the second figure of a range ("between $3
    billion and $11 billion") is whatever the first is."""
    out, kept = [], False
    for i, m in enumerate(every):
        if i and _RANGE_GAP.fullmatch(clause, every[i - 1].end, m.start):
            keep = kept
        else:
            keep = _is_raised(clause, m)
        if keep:
            out.append(m)
        kept = keep
    return out


def _range_tops(clause: str, amounts: list[Money]) -> list[Money]:
    """ "$200 million to $300 million": a range raised is recorded at its top, as up to."""
    out: list[Money] = []
    for m in amounts:
        if out and _RANGE_GAP.fullmatch(clause, out[-1].end, m.start) and m.amount > out[-1].amount:
            out[-1] = m._replace(qualifier="up_to", start=out[-1].start)
        else:
            out.append(m)
    return out


def _referred(clause: str, continued: bool, event_type: str, roles: Roles, own_topic: str | None,
              subject: _Subject) -> list[str]:
    """Raisers a clause refers to without naming: "it raised", "the three listings together",
    or the subject of an earlier clause of the same sentence ("..., and separately took in");
    own_topic is the raiser of the sentence's last event, if it reported one."""
    topic, previous = subject.now()
    topic = topic if own_topic is None else own_topic
    if _AGGREGATE.search(clause) and previous:
        return previous
    if topic and (_ANAPHOR.search(clause) or continued or roles.arranged
                  or (event_type == "investment" and roles.investors)):
        return [topic]
    return []


def _is_conversion(clause: str, money: Money, all_money: list[Money]) -> bool:
    """Whether an amount is the USD conversion of the one before it (all_money in text order)."""
    # Searched from the amount back, not read from the start: a clause may hold thousands of amounts.
    before = bisect_left(all_money, money.start, key=lambda m: m.start)
    earlier = next((all_money[i] for i in range(before - 1, -1, -1) if all_money[i].end <= money.start), None)
    return earlier is not None and stated_usd(clause, earlier, [money]) is not None


def _usd(ctx, clause: str, money: Money, all_money: list[Money]) -> float | None:
    """The USD figure the sentence states, else at the article's own rate, else at the reference rate."""
    after = bisect_right(all_money, money.start, key=lambda m: m.start)
    stated = stated_usd(clause, money, (all_money[i] for i in range(after, len(all_money))))
    if money.currency == "USD":
        return money.amount
    reference = to_usd(money.amount, money.currency, ctx.year, ctx.refs.rates)
    if stated is not None and (reference is None or reference / 3 < stated < reference * 3):
        return stated  # a conversion far off the reference rate is misread ("US$596 mi", cut short)
    rate = _article_rate(ctx, money.currency)
    own = money.amount / rate if rate else None
    return own if own is not None and (reference is None or reference / 3 < own < reference * 3) else reference


def _article_rate(ctx, currency: str) -> float | None:
    """The article's own rate for a currency, read once per article (not once per amount)."""
    rates = ctx.__dict__.setdefault("_article_rates", {})  # ctx is frozen; its __dict__ holds what it caches
    if currency not in rates:
        texts = [s.text for s in ctx.sentences if "(" in s.text or " or " in s.text]
        rates[currency] = implied_rate(texts, currency, lambda m, text: yen_or_yuan(m, text, ctx.article.text))
    return rates[currency]


def _row(ctx, sentence, clause, event_type, amount, money, values, raisers, investors) -> FundingRow:
    amount = yen_or_yuan(amount, clause, ctx.article.text)
    round_match, written = _ROUND.search(clause), clause
    if round_match is None:
        round_match, written = _ROUND.search(sentence.text), sentence.text
    return FundingRow(
        funding_id=ctx.row_id("funding", sentence.start, amount.start),
        company=raisers[0] if len(raisers) == 1 else None, companies=list(raisers),
        event_type=event_type, status=_status(sentence.text, sentence.text.find(clause) + amount.end),
        round=written[round_match.start():round_match.end()] if round_match and event_type == "equity_round" else None,
        amount=amount.amount, currency=amount.currency, amount_usd=_usd(ctx, clause, amount, money),
        amount_qualifier=amount.qualifier,
        is_aggregate=bool(_AGGREGATE.search(clause) or _several(clause, amount)) or len(raisers) > 1,
        investors=[i for i in dict.fromkeys(investors) if i not in raisers],
        valuation_usd=_usd(ctx, clause, values[0], money) if values else None,
        event_date=None, **ctx.grounding(sentence))


_UNPRICED = [
    # (kind, pattern, words one of which every match holds). Each word checks the boundary before
    # it after its first letter: a pattern that opens with letters lets the engine skip quickly.
    ("ipo", re.compile(r"(?:d(?<!\wd)ebut\w*|I(?<!\wI)PO|l(?<!\wl)ist(?:ed|ing)|w(?<!\ww)ent public|"
                       r"f(?<!\wf)irst (?:trading day|day of trad\w+))\b"),
     ("debut", "IPO", "listed", "listing", "went public", "first trading day", "first day of trad")),
    ("acquisition", re.compile(r"agreed(?<!\wagreed) to (?:take over|acquire|buy)\s"), ("agreed to",)),
    # "Acme completed a Series A round": a round whose size the text does not give (its verb is
    # checked before the noun, found first).
    ("equity_round", re.compile(r"(?:r(?<!\wr)ound|f(?<!\wf)inancing)\b"), ("round", "financing")),
]
# A round of money, not of talks or layoffs: its kind or its money is named.
_FUNDING_ROUND = CaselessPattern(r"\b(?:funding|financing|fundrais\w*|investment|series\s[a-h]|seed|angel|pre-\w+|"
                                 r"rmb|yuan|dollars?|million|billion)\b")
_ROUND_VERB = CaselessPattern(r"\b(?:completed|closed|raised|secured)\s(?:a|an|its)\s(?:[\w+-]+\s){0,4}$")
# A listing being prepared: "is pursuing a Hong Kong IPO", "preparations for a listing", "filed for".
_LISTING_PLANNED = CaselessPattern(r"\b(?:pursu\w+|prepar\w+|tutoring|appl(?:ied|ication)|fil(?:ed|es|ing)|seek\w*|"
                                   r"plan\w*|aims?|intends?|considering|weighing|will|would|could|restarted)\b")


def _with_unpriced(ctx, rows: list[FundingRow]) -> list[FundingRow]:
    """Events named without a figure ("MiniMax's market debut") for companies with no priced one;
    a listing being prepared is a planned one."""
    priced = {(r.event_type, c) for r in rows for c in r.companies}
    text = ctx.article.text
    cues = [m.start() for _, pattern, words in _UNPRICED if any(word in text for word in words)
            for m in pattern.finditer(text)]
    for sentence in ctx.sentences_holding(cues):
        kinds_here = {r.event_type for r in rows if r.char_start == sentence.start}
        blanked = _unquoted(sentence.text)
        for start, end in _clauses(blanked):
            clause = blanked[start:end]
            has_money = None  # read only where it matters
            for kind, pattern, words in _UNPRICED:
                if not any(word in clause for word in words):
                    continue  # no cue of this kind in the clause
                if kind == "acquisition" or kind in kinds_here:
                    if has_money is None:
                        has_money = any(_is_raised(clause, m) for m in find_money(clause))
                    if has_money:
                        continue  # the clause's priced event is this one
                row = _unpriced(ctx, sentence, start, clause, kind, pattern, priced)
                if row:
                    priced.add((kind, row.companies[0]))
                    rows.append(row)
    return rows


def _listing_cue(clause: str, pattern) -> re.Match | None:
    """The first cue of the clause that names a listing (not "debuted a robot", "Nasdaq-listed")."""
    for cue in pattern.finditer(clause):
        if _BEFORE_LISTING.search(clause, max(0, cue.start() - 30), cue.start()):
            continue  # "ahead of its IPO"
        if cue.group(0)[0] not in "dDlL" or _EVENT_RES[1][1].match(clause, cue.start()):
            return cue
    return None


def _unpriced(ctx, sentence, start, clause, kind, pattern, priced) -> FundingRow | None:
    cue = _listing_cue(clause, pattern) if kind == "ipo" else pattern.search(clause)
    if kind == "equity_round":
        cue = next((m for m in pattern.finditer(clause)
                    if _ROUND_VERB.search(clause, max(0, m.start() - 60), m.start())
                    and _FUNDING_ROUND.search(clause, max(0, m.start() - 60), m.end() + 12)), None)
    if not cue or (kind == "acquisition" and _REPORTED.search(clause)):
        return None
    spans = [(s.start - sentence.start - start, s) for s in ctx.in_sentence(sentence)]
    if kind == "acquisition":
        near = [s for p, s in spans if p >= cue.end()][:1]
        buyers = [s.company.name for p, s in spans if p < cue.start()]
        status = "planned"
    elif kind == "equity_round":
        return _unpriced_round(ctx, sentence, start, clause, cue, spans, priced)
    else:
        near = sorted(((p, s) for p, s in spans if _gap(p, s, cue) < 60
                       and not _INVESTOR_LIST.search(clause, max(0, p - 60), p)
                       and not _CITED_SOURCE.search(clause, max(0, p - 60), p)),
                      key=lambda ps: _gap(*ps, cue))[:1]
        near = [s for _, s in near]
        buyers = []
        status = "planned" if _LISTING_PLANNED.search(clause) else _status(clause)
    name = near[0].company.name if near else (subject_raiser(clause, cue.end()) if kind == "ipo" else None)
    if not name or (kind, name) in priced:
        return None
    return _unpriced_row(ctx, sentence, kind, name, status, buyers)


def _gap(position: int, span, cue) -> int:
    """Characters between a company's mention and a cue."""
    return max(0, position - cue.end(), cue.start() - (position + len(span.surface)))


def _unpriced_round(ctx, sentence, start, clause, cue, spans, priced) -> FundingRow | None:
    """A round without a figure, of the company that is the subject of its verb."""
    before = [(p, s) for p, s in spans if p < cue.start()]
    if before and not _INVESTOR_LIST.search(clause, max(0, before[-1][0] - 60), before[-1][0]):
        name = before[0][1].company.name if before[0][0] < 40 else None
    else:
        name = subject_raiser(clause, cue.end())
    if not name or ("equity_round", name) in priced or _REPORTED.search(clause):
        return None
    return _unpriced_row(ctx, sentence, "equity_round", name, _status(clause), [])


def _unpriced_row(ctx, sentence, kind, name, status, investors) -> FundingRow:
    return FundingRow(
        funding_id=ctx.row_id("funding", sentence.start, kind, name), company=name, companies=[name],
        event_type=kind, status=status, round=None,
        amount=None, currency=None, amount_usd=None, amount_qualifier=None, is_aggregate=False,
        investors=investors, valuation_usd=None, event_date=None, **ctx.grounding(sentence))
