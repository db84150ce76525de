"""One article in, rows for every fact table out."""
from __future__ import annotations

import hashlib
from collections import Counter
from bisect import bisect_right
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from datetime import datetime

from transforms.companies import CompanySpan, find_companies
from transforms.dates import infer_reference_year
from transforms.energy import find_energy_metrics
from transforms.figures import find_figures
from transforms.forecasts import find_forecasts
from transforms.funding import find_funding
from transforms.funding_links import link_funding
from transforms.gazetteer import Gazetteer
from transforms.money import find_money
from transforms.patterns import keywords_first
from transforms.people import find_people
from transforms.rows import CompanyMentionRow, PersonRow
from transforms.text import Sentence, split_sentences


@dataclass(frozen=True)
class ArticleText:
    """What extraction needs of a landed article."""

    article_id: str
    text: str
    published_at: datetime | None = None


@dataclass(frozen=True)
class ReferenceData:
    """Reference data the extractors read: the gazetteer and currency rates."""

    gazetteer: Gazetteer
    rates: dict[tuple[str, int], float]


@dataclass
class Extraction:
    """Rows of every fact table for one article."""

    company_mentions: list = field(default_factory=list)
    people: list = field(default_factory=list)
    funding: list = field(default_factory=list)
    forecasts: list = field(default_factory=list)
    energy_metrics: list = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """Everything a table extractor sees of one article."""

    article: ArticleText
    sentences: list[Sentence]
    companies: list[CompanySpan]
    refs: ReferenceData
    lineage: dict

    def sentence_at(self, position: int) -> Sentence:
        """The sentence holding a text position."""
        return self.sentences[self._index_at(position)]

    def in_sentence(self, sentence: Sentence) -> list[CompanySpan]:
        """Company mentions inside one sentence."""
        return self._by_sentence.get(sentence.start, [])

    def sentences_holding(self, positions) -> list[Sentence]:
        """The sentences that hold any of the text positions, in order."""
        return [self.sentences[i] for i in self.indices_holding(positions)]

    def indices_holding(self, positions) -> list[int]:
        """Indices of the sentences that hold any of the text positions, in order."""
        return sorted({self._index_at(p) for p in positions} - {None})

    def _index_at(self, position: int) -> int | None:
        i = bisect_right(self._starts, position) - 1
        return i if i >= 0 and position < self.sentences[i].end else None

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    @cached_property
    def _by_sentence(self) -> dict[int, list[CompanySpan]]:
        # Every extractor asks for each sentence's companies; group them once.
        grouped: dict[int, list[CompanySpan]] = {}
        for span in self.companies:
            i = self._index_at(span.start)
            if i is not None:
                grouped.setdefault(self._starts[i], []).append(span)
        return grouped

    def grounding(self, sentence: Sentence) -> dict:
        """Evidence columns for a row resting on this sentence."""
        return dict(evidence=sentence.text, char_start=sentence.start, char_end=sentence.end,
                    **self.lineage)

    def row_id(self, *parts) -> str:
        """A stable id for a row of this article."""
        key = "|".join(str(p) for p in (self.article.article_id, *parts))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @cached_property
    def year(self) -> int | None:
        """The article's year: published, else the latest year it reports in the past tense."""
        if self.article.published_at:
            return self.article.published_at.year
        return infer_reference_year(self.article.text)


def _company_mentions(ctx: Context) -> list[CompanyMentionRow]:
    counts = Counter(span.company.company_id for span in ctx.companies)
    first: dict[str, CompanySpan] = {}
    for span in ctx.companies:
        first.setdefault(span.company.company_id, span)
    return [CompanyMentionRow(company_id=cid, name=span.company.name, surface=span.surface,
                              n_mentions=counts[cid], country=span.company.country,
                              **ctx.grounding(ctx.sentence_at(span.start)))
            for cid, span in first.items()]


def _people(ctx: Context) -> list[PersonRow]:
    known = {c.company.name: c.company.company_id for c in ctx.companies}
    rows: dict[str, PersonRow] = {}
    topic = paragraph_topic = None
    forms, named = {}, 0
    for sentence in ctx.sentences:
        spans = ctx.in_sentence(sentence)
        if sentence.start == 0 or ctx.article.text[sentence.start - 1] == "\n":
            paragraph_topic = None
        if named < len(rows):  # names are only ever added: the forms change only then
            forms, named = _name_forms(list(rows.values())), len(rows)
        mentions = find_people(sentence.text, sentence.start, spans, paragraph_topic or topic, forms)
        for person in mentions:
            earlier = rows.get(person.name)
            if earlier and not (earlier.title or "").startswith("former"):
                continue  # first mention wins, unless it named a former role
            org = person.organization
            if org and org.isupper() and org not in known:  # "IEA" -> "International Energy Agency"
                org = _acronyms(ctx.article.text).get(org, org)
            known_company = ctx.refs.gazetteer.lookup(org) if org else None
            rows[person.name] = PersonRow(
                name=person.name, title=person.title, organization=org,
                company_id=known.get(org) or (known_company.company_id if known_company else None),
                **ctx.grounding(sentence))
        if spans:
            topic = spans[0].company.name
            paragraph_topic = paragraph_topic or topic
    return list(rows.values())


_DEFINED = re.compile(r"((?:[A-Z][\w&-]*\s(?:(?:of|for|on|and|the)\s)*){1,8}[A-Z][\w&-]*)\s\(([A-Z]{2,6})\)")
_CAPITALISED = re.compile(r"(?:[A-Z][\w&-]*\s(?:(?:of|for|on|and|the)\s)*){1,8}[A-Z][\w&-]*")


@lru_cache(maxsize=64)
def _acronyms(text: str) -> dict[str, str]:
    """Acronyms an article defines ("Energy Agency (IEA)") or spells out in a capitalised name."""
    found = {m.group(2): m.group(1) for m in _DEFINED.finditer(text)}
    for m in _CAPITALISED.finditer(text):
        words = m.group(0).split()
        for i, word in enumerate(words):  # every tail: "When the International Energy Agency"
            initials = "".join(w[0] for w in words[i:] if w[0].isupper())
            if word[0].isupper() and len(initials) >= 3:
                found.setdefault(initials, " ".join(words[i:]))
    return found


def extract_article(article: ArticleText, refs: ReferenceData, *, run_id: str,
                    extractor_version: str) -> Extraction:
    """Rows of all five fact tables for one article."""
    ctx = Context(article, split_sentences(article.text), find_companies(article.text, refs.gazetteer),
                  refs, {"article_id": article.article_id, "run_id": run_id,
                         "extractor_version": extractor_version})
    people = _people(ctx)
    funding = link_funding(find_funding(ctx), ctx.companies, article.published_at)
    speakers = _speakers(ctx, _name_forms(people))
    figures = find_figures(ctx, speakers, {p.name: p.organization for p in people if p.organization})
    money_raised = {(r.char_start, pos) for r in funding for pos in _amount_positions(r)}
    return Extraction(
        company_mentions=_company_mentions(ctx),
        people=people,
        funding=funding,
        forecasts=find_forecasts(ctx, figures, money_raised, speakers),
        energy_metrics=find_energy_metrics(ctx, figures, money_raised),
    )


def _name_forms(people: list[PersonRow]) -> dict[str, str]:
    """Full names, and the single names an article uses for them later."""
    forms = {}
    for person in people:
        tokens = person.name.split()
        for form in (person.name, tokens[-1], tokens[0]):
            forms.setdefault(form, person.name)
    return forms


_PRONOUN = re.compile(keywords_first(r"\b(?:He|She|he|she|his|her)\b"))


def _speakers(ctx: Context, names: dict[str, str]) -> dict[int, str | None]:
    """The person each sentence quotes, by sentence index: one it names, else the last one
    while it says he or she, else the person its section's heading names."""
    out, last, section = {}, None, None
    forms = sorted(names, key=len, reverse=True)
    for index, sentence in enumerate(ctx.sentences):
        found = _first_named(sentence.text, forms)
        named = names[found] if found else None
        last = named or (last if last and _PRONOUN.search(sentence.text) else None) or section
        if not sentence.text.rstrip().endswith((".", "!", "?", '"', "”", ":")):
            section = last if any(full in sentence.text for full in names.values()) else None
        out[index] = last
    return out


def _first_named(text: str, forms: list[str]) -> str | None:
    """The form named first in text as a whole word, the longest at one position."""
    # str.find, not a regex: an article's names would need a pattern compiled per article.
    best: tuple[int, int] | None = None
    for rank, form in enumerate(forms):
        at = text.find(form)
        while at >= 0 and not _whole_word(text, at, at + len(form)):
            at = text.find(form, at + 1)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, rank)
    return forms[best[1]] if best else None


def _whole_word(text: str, start: int, end: int) -> bool:
    return not (start and (text[start - 1].isalnum() or text[start - 1] == "_")) and \
        not (end < len(text) and (text[end].isalnum() or text[end] == "_"))


def _amount_positions(row) -> list[int]:
    """Offsets of every amount in a funding row's sentence: money raised there is no forecast
    and no energy investment."""
    return [m.start for m in find_money(row.evidence)]

