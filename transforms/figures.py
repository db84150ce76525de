"""Figures in context: each quantity with its region, years, tense and source.

Forecasts and energy metrics are both views over these figures."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import NamedTuple

from transforms.attribution import attributed_org
from transforms.dates import YearMention, find_horizon, find_years, looks_ahead
from transforms.patterns import CaselessPattern, keywords_first, lowered
from transforms.quantities import Quantity, find_quantities
from transforms.regions import article_region, find_places, leading_place
from transforms.text import Sentence

_CLAUSE_BREAK = re.compile(r";|,\s(?:while|whereas|but|and)\s|\s—\s|,\swith\s")
_PLACE_AFTER = re.compile(r"^[^,;.]{0,25}?\b(?:in|for|across|of)\s(?:the\s)?$")


class Figure(NamedTuple):
    """A quantity in its sentence, with everything needed to make a row of it."""

    sentence: Sentence
    clause: str
    quantity: Quantity
    region: str | None
    stated_region: str | None  # named in the figure's own clause, not carried over
    year: int | None
    baseline_year: int | None
    horizon: tuple[float | None, float | None]
    is_projection: bool
    source_person: str | None
    source_org: str | None
    position: int  # of the quantity within the clause
    index: int  # of the sentence in the article


class _Paragraph:
    """The places a paragraph's sentences read so far name, for figures that name none of their
    own: the place the last sentence opening with one opens with ("Worldwide, ..."), else the first
    place of the first sentence naming one. Sentences are read for them only when a figure falls
    back on them, each at most once: most never are."""

    def __init__(self):
        self._unread: list[tuple[str, list]] = []  # (text, company spans) not read for places yet
        self._unread_leads: list[str] = []  # texts not read for an opening place yet
        self._first: str | None = None
        self._lead: str | None = None

    def add(self, text: str, spans: list[tuple[int, int]]) -> None:
        """Note a sentence read (not a heading)."""
        if self._first is None:  # once a sentence named a place, later ones cannot change it
            self._unread.append((text, spans))
        self._unread_leads.append(text)

    def lead_region(self) -> str | None:
        """The place the last sentence that opens with one opens with."""
        for text in reversed(self._unread_leads):  # the latest first
            code = leading_place(text)
            if code:
                self._lead = code
                break
        self._unread_leads = []
        return self._lead

    def region(self) -> str | None:
        """The first place of the first sentence that names one."""
        for text, spans in self._unread:  # empty once a place is found
            places = _places(text, spans)
            if places:
                self._first = places[0][2]
                break
        self._unread = []
        return self._first


@dataclass
class _Context:
    """What earlier sentences tell about figures that do not restate it."""

    paragraph: _Paragraph = field(default_factory=_Paragraph)
    region: str | None = None
    year: int | None = None  # of the last figure reported as past
    future_year: int | None = None  # of the last projected figure
    speaker: str | None = None
    home: "_Home | None" = None  # the country the article is about


def _clause_of(text: str, start: int) -> tuple[int, int]:
    bounds = _clause_bounds(text)
    for low, high in zip(bounds, bounds[1:]):
        if low <= start < high:
            return low, min(high, len(text))
    return 0, len(text)


@lru_cache(maxsize=64)  # a sentence holds several figures
def _clause_bounds(text: str) -> tuple[int, ...]:
    return (0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text) + 1)


def _stated_region(text: str, places: list, clause: tuple[int, int], q: Quantity) -> str | None:
    """A place right after the figure ("102 TWh in China"), else before it in its clause."""
    inside = [p for p in places if clause[0] <= p[0] < clause[1]]
    right_after = [p for p in inside if p[0] >= q.end and _PLACE_AFTER.match(text[q.end:p[0]])]
    before = [p for p in inside if p[0] < q.start]
    chosen = right_after[:1] or before[-1:]
    return chosen[0][2] if chosen else None


def _region(stated: str | None, places: list, clause: tuple[int, int], q: Quantity, state: _Context) -> str | None:
    """The stated region, else a place later in the clause, else the paragraph's, else the last figure's."""
    after = [p for p in places if clause[0] <= p[0] < clause[1] and p[0] >= q.end]
    return (stated or (after[0][2] if after else None)
            or state.paragraph.lead_region() or state.paragraph.region() or state.region
            or (state.home and state.home.code))


_COMPARISON = re.compile(keywords_first(r"\b(?:from|compared|against|versus|than|up from|down from)\b"))


# A figure a change starts from ("rose from 42% in 2024 to 47%", "up from 3 GW", "compared with
# $5bn"): a fact of the past, however the sentence goes on.
_STARTING_POINT = CaselessPattern(
    r"(?<!range\s)(?<!ranges\s)(?<!ranging\s)\b(?:from|compared\s(?:with|to)|versus|vs\.?)\s(?:(?:a|an|the|its|record|high\sof|about|around|roughly|"
    r"approximately|nearly|almost|some|just|only|(?:an\s)?estimated|less\sthan|under|more\sthan|over)\s)*[<~]?$|"
    r"\b(?:increase|rise|gain|jump|growth|decline|drop|fall)\s(?:over|on)\s(?:the\s)?$")
# A figure in brackets right after another restates it ("142 billion yuan (about $20 billion)").
_RESTATED = re.compile(r"\(\s?(?:about|around|approximately|roughly|some|or|nearly|almost)?\s?$")


# Every match of _STARTING_POINT holds one of these (in lower case): windows without one skip it.
_STARTING_WORDS = ("from", "compared", "versus", "vs", "increase", "rise", "gain", "jump", "growth", "decline",
                   "drop", "fall")


def _starting_points(text: str, quantities: list[Quantity]) -> list[bool]:
    out: list[bool] = []
    lower = lowered(text)
    for i, q in enumerate(quantities):
        low = max(0, q.start - 60)
        window = lower[low:q.start]
        starts = any(word in window for word in _STARTING_WORDS) and bool(_STARTING_POINT.search(text, low, q.start))
        out.append(starts or bool(i and out[-1] and _RESTATED.search(text, low, q.start)))
    return out


def _years(years: list[YearMention], segment: tuple[int, int], clause: tuple[int, int], q: Quantity,
           text: str, state: _Context, future: bool, reference: int | None) -> tuple[int | None, int | None, bool]:
    """(year, baseline, is_now) of a figure: a year in its own stretch of the sentence, else one
    later in its clause that no comparison separates from it ("240 TWh, or 130%, between 2024
    and 2030"), else the sentence's, else the year of the figures before it. Years of the figures
    a change starts from are theirs alone (not in `years`)."""
    inside = [y for y in years if segment[0] <= y.start < segment[1]]
    targets = [y for y in inside if y.kind in ("year", "now", "same")]
    after = [y for y in targets if y.start >= q.end]
    before = [y for y in targets if y.end <= q.start]
    chosen = after[0] if after else before[-1] if before else None
    if chosen is None:
        trailing = [y for y in years if segment[1] <= y.start < clause[1] and y.kind in ("year", "now", "same")
                    and not _COMPARISON.search(text[q.end:y.start])]
        sentence = [y for y in years if y.kind == "year"]
        chosen = trailing[0] if trailing else sentence[0] if sentence else None
    baseline = next((y.year for y in years if clause[0] <= y.start < clause[1] and y.kind == "baseline"), None)
    if chosen is None or chosen.kind == "same":
        if future:
            return state.future_year, baseline, False
        past = state.year if state.year and (reference is None or state.year <= reference) else None
        return past, baseline, False
    return chosen.year, baseline, chosen.kind == "now"


@lru_cache(maxsize=512)
def speaks_of_future(clause: str) -> bool:
    """Whether a clause holds a word that looks ahead ("will", "expects", "target")."""
    # Cached: a long clause holds many figures, and each must not rescan it.
    return looks_ahead(clause)


_horizon = lru_cache(maxsize=512)(find_horizon)


# A figure that a verb in the past tense reports ("spent more than 650 billion yuan") is no
# projection, whatever the rest of its clause plans.
_DONE = CaselessPattern(r"\b(?:spent|raised|recorded|posted|reported|earned|totall?ed|installed|added|consumed|used|"
                        r"rose|grew|jumped|surged|climbed|fell|dropped|declined|increased|decreased|reached|achieved|"
                        r"came\sin\sat|stood\sat|touched|"
                        r"generated|hit)\s(?:(?:more|less)\sthan\s|about\s|around\s|nearly\s|almost\s)?"
                        r"(?:[\w%.,$-]+\s){0,3}$"
                        # what could have happened, had things been otherwise ("could have doubled")
                        r"|\b(?:could|would|might)\s(?:\w+\s)?have\s\w+(?:ed|en|wn)\s(?:[\w-]+\s){0,2}$"
                        # a figure as it stands now ("which is currently about 1 GW")
                        r"|\b(?:currently|at\spresent|today|now)\s(?:(?:about|around|roughly|nearly|some|just|only|"
                        r"less\sthan|more\sthan|over|under)\s)?$"
                        # a relative clause describing a thing ("which covers about 80% of")
                        r"|\b(?:which|that)\s(?!(?:aims|plans|expects|targets|intends|projects|forecasts|sees|wants|"
                        r"needs|is\s(?:expected|set|likely|due|projected|forecast)|are\s(?:expected|set|likely|due))\b)"
                        r"(?:\w+s|is|are|has|have)\s(?:[\w-]+\s){0,2}$")
# Results of a reporting period that has ended ("for the first quarter ended May 2").
_ENDED = CaselessPattern(r"\b(?:quarter|year|period|months|half)\s(?:that\s)?ended\b")
# A span of years a past change took ("rose 48% over five years"): no horizon ahead.
_PAST_SPAN = CaselessPattern(r"\b(?:rose|risen|fell|fallen|grew|grown|increased|decreased|declined|jumped|climbed|"
                             r"surged|soared|doubled|tripled)\b"
                             r"[^.;]{0,80}\b(?:over|in)\s(?:the\s)?(?:past\s|last\s)?\w+\syears\b")


def _is_projection(clause: str, year: int | None, reference: int | None, now: bool) -> bool:
    if now:
        return False
    if _horizon(clause)[0] is not None and not _PAST_SPAN.search(clause):
        return True
    if year and reference and year != reference:
        return year > reference
    return speaks_of_future(clause)


# The share of people polled who think or say something is an opinion, not a measure of what
# they speak of ("72% of executives cited grid constraints", "80% believe demand will rise").
_POLL = CaselessPattern(
    r"\s(?:of\s(?:the\s)?(?:[\w-]+\s){0,3}(?:respondents|executives|operators|leaders|managers|investors|"
    r"people|adults|consumers|voters|those\s(?:surveyed|polled|asked))\b|"
    r"(?:cited|said|say|believe[sd]?|think|thought|view|agreed|reported|expect|see|saw)\b)")


def _is_poll(text: str, q: Quantity) -> bool:
    return q.unit == "percent" and bool(_POLL.match(text, q.end))


def _is_heading(text: str) -> bool:
    return not text.rstrip().endswith((".", "!", "?", '"', "”", "’", ":", ";", ")"))


def find_figures(ctx, speakers: dict[int, str | None], affiliations: dict[str, str] | None = None) -> list[Figure]:
    """Figures of an article; speakers gives the person each sentence quotes, by index, and
    affiliations the organisation of each person."""
    figures: list[Figure] = []
    state, sources = _Context(home=_Home(ctx)), _Sources(ctx, affiliations or {})
    for index, sentence in enumerate(ctx.sentences):
        text = sentence.text
        if sentence.start == 0 or ctx.article.text[sentence.start - 1] == "\n":
            # A new paragraph: places, projected years and sources named before no longer carry over.
            state.paragraph, state.future_year = _Paragraph(), None
            sources.new_paragraph()
        state.speaker = speakers.get(index)
        if _is_heading(text):
            state = _Context(home=state.home)
            sources.new_paragraph()
            continue
        companies = ctx.in_sentence(sentence)
        spans = [(c.start - sentence.start, c.end - sentence.start) for c in companies]
        quantities = [q for q in find_quantities(text, ctx.year, ctx.refs.rates)
                      if not any(s <= q.start < e for s, e in spans) and not _is_poll(text, q)]
        if quantities:
            source = sources.of(sentence, companies, state.speaker)
            figures += _sentence_figures(ctx, sentence, index, quantities, spans, state, source)
        else:
            sources.pass_over(sentence)
        state.paragraph.add(text, spans)
    return figures


class _Home:
    """The country an article is about, when one dominates its places: read only when a figure
    names no place and nothing before it did."""

    def __init__(self, ctx):
        self.ctx = ctx

    @cached_property
    def code(self) -> str | None:
        spans = [(c.start, c.end) for c in self.ctx.companies]
        return article_region(p[2] for p in _places(self.ctx.article.text, spans))  # outside names, comparisons


class _Sources:
    """Whom a paragraph's figures come from. Sentences without figures are read for whom they
    cite only when a later figure needs it: most never are."""

    def __init__(self, ctx, affiliations: dict[str, str]):
        self.ctx, self.affiliations = ctx, affiliations
        self.new_paragraph()

    def new_paragraph(self) -> None:
        self.cited: str | None = None
        self.unread: list = []

    def pass_over(self, sentence) -> None:
        self.unread.append(sentence)

    def of(self, sentence, companies, speaker: str | None) -> str | None:
        """Whom the sentence cites, else the organisation of the person it quotes, else the
        company it names first, else whom the paragraph cited last."""
        said = self._cited_in(sentence, companies)
        if said:
            self.cited, self.unread = said, []
        return said or self.affiliations.get(speaker) or (companies[0].company.name if companies else None) \
            or self._carried()

    def _carried(self) -> str | None:
        while self.unread:  # the latest sentence first
            sentence = self.unread.pop()
            said = self._cited_in(sentence, self.ctx.in_sentence(sentence))
            if said:
                self.cited, self.unread = said, []
        return self.cited

    def _cited_in(self, sentence, companies) -> str | None:
        return attributed_org(sentence.text, companies, sentence.start, self.ctx.article.text)


def _places(text: str, spans: list[tuple[int, int]]) -> list:
    """Places named in a sentence, outside company names ("State Grid Corporation of China") and
    comparisons ("equivalent to Japan's consumption")."""
    compares = "than" in text or "equ" in text or "compar" in text or "similar" in text  # what _COMPARED needs
    places = find_places(text)
    if len(spans) > 8:  # a whole article's: whether a place is in a name, by bisection
        inside = _Inside(spans)
        return [p for p in places if not inside(p[0])
                and not (compares and _COMPARED.search(text, max(0, p[0] - 30), p[0]))]
    return [p for p in places if not any(s <= p[0] < e for s, e in spans)
            and not (compares and _COMPARED.search(text, max(0, p[0] - 30), p[0]))]


class _Inside:
    """Whether a position falls in any of many (start, end) spans, in any order and overlapping."""

    def __init__(self, spans: list[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))  # furthest end of the spans so far

    def __call__(self, position: int) -> bool:
        i = bisect_right(self.starts, position) - 1  # the spans starting at or before position
        return i >= 0 and self.reach[i] > position


_COMPARED = re.compile(keywords_first(
    r"\b(?:equivalent|equal|comparable|similar)\sto\s(?:that\sof\s|the\s)?$|\bthan\s(?:that\sof\s|the\s)?$"))


def _sentence_figures(ctx, sentence, index, quantities, spans, state: _Context, source: str | None) -> list[Figure]:
    text = sentence.text
    places = _places(text, spans)
    all_years = find_years(text, ctx.year)
    starts = _starting_points(text, quantities)
    # Years right after a starting figure are its own ("surge 20-fold, from 4 GW in 2024 to 80 GW").
    owned = [(q.end, quantities[i + 1].start if i + 1 < len(quantities) else len(text))
             for i, q in enumerate(quantities) if starts[i]]
    others = [y for y in all_years if not any(s <= y.start < e for s, e in owned)] if owned else all_years
    out = []
    for i, q in enumerate(quantities):
        years = all_years if starts[i] else others
        clause = _clause_of(text, q.start)
        segment = (max(clause[0], quantities[i - 1].end if i else 0),
                   min(clause[1], quantities[i + 1].start if i + 1 < len(quantities) else len(text)))
        clause_text = text[clause[0]:clause[1]]
        # A clause goes on in the tense of the sentence it continues ("..., and to lift ...").
        future = speaks_of_future(clause_text) or speaks_of_future(text[:clause[0]])
        year, baseline, now = _years(years, segment, clause, q, text, state, future, ctx.year)
        projected = (_is_projection(clause_text, year, ctx.year, now) or (future and not now and not year)) \
            and not starts[i] and not _DONE.search(text, max(0, q.start - 45), q.start) \
            and not ("ended" in clause_text and _ENDED.search(clause_text))
        stated = _stated_region(text, places, clause, q)
        out.append(Figure(
            sentence, clause_text, q, _region(stated, places, clause, q, state),
            stated, year, baseline, _horizon(clause_text),
            projected, state.speaker, source,
            q.start - clause[0], index))
        state.region = out[-1].region or state.region
        if year and projected:
            state.future_year = year
        elif year and not starts[i]:  # a starting figure's year is the past the change left behind
            state.year = year
    return out
