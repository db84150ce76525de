"""Funding events: IPOs, rounds, investments, debt, acquisitions and grants."""
from __future__ import annotations

import re

from transforms.companies import CompanySpan
from transforms.money import Money, find_money, stated_usd, to_usd
from transforms.rows import FundingRow

# Event types by the words that signal them, in order of precedence.
EVENT_CUES = [
    ("acquisition", r"acquir\w*|acquisition|takeover|take over|buy(?!\s?back)s?|bought|to purchase"),
    ("ipo", r"IPOs?|initial public offering|listings?|listed|debut\w*|share sale|public offering|go(?:es|ing)? public|float"),
    ("debt", r"loans?|bonds?|notes|debt|credit facility|borrow\w*|lent|lend\w*"),
    ("investment", r"invest(?:s|ed|ing)?\b[^.;]*?\bin\b|purchase of [^.;]*?shares|stake in|contribut\w*"),
    ("equity_round", r"rounds?|Series [A-H]|placement|funding|equity|rais\w*|collect\w*|took in|brought in|fundrais\w*"),
    ("investment", r"invest\w*|backed|backing|stake"),
    ("grant", r"grants?|subsid\w*"),
]
_EVENT_RES = [(kind, re.compile(rf"\b(?:{cue})\b", re.IGNORECASE)) for kind, cue in EVENT_CUES]
# Verbs whose object, not subject, is the one raising money.
_OBJECT_RAISER = re.compile(
    r"\b(?:invest(?:s|ed|ing)?\b[^.;]*?\bin|lent|lends?|lending to|acquir\w*|buy|bought|purchase of|"
    r"stake in|takeover of|backed|backing)\s", re.IGNORECASE)
_INVESTOR_CUE = re.compile(
    r"\b(?:led by|from|including|included|with|backed by|alongside|investors?|co-leads?|"
    r"cornerstone|joined|joining|taking part|took part|arranged by)\b", re.IGNORECASE)
# Money that is not money raised: prices, results, values, budgets.
_NOT_RAISED = re.compile(
    r"(?:revenue|sales|income|profit|loss|lost|market value|market capitali[sz]ation|worth|"
    r"a share|per share|spend\w*|capex|capital expenditure|budget\w*|costs?|charge|assets|"
    r"manag\w*|burn\w*|in the bank|price|priced at|offer price|closing at|closed at|"
    r"run rate|agreement|contract)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)
_SHARE_PRICE = re.compile(r"^\s*(?:a|per)\s+share\b", re.IGNORECASE)
_VALUATION = re.compile(r"valu\w*|worth", re.IGNORECASE)
_VALUATION_AFTER = re.compile(r"\s(?:(?:post|pre)-money\s)?valuation", re.IGNORECASE)
_ROUND = re.compile(r"\b(?:Series [A-H]\+?(?:\s(?:and|&)\sSeries [A-H]\+?)?|seed round|pre-IPO round|angel round)",
                    re.IGNORECASE)
_AGGREGATE = re.compile(r"\b(?:collectively|together|combined|in total|aggregate|between them|altogether)\b",
                        re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:in talks|talks to|preparing|weighing|considering|reportedly|is said to|"
                       r"are said to|people familiar|sources said|negotiat\w*)\b", re.IGNORECASE)
_PLANNED = re.compile(r"\b(?:plan\w*|will|would|aims?|seek\w*|expected to|set to|could|agreed to|"
                      r"intends?|proposed|pending|subject to|due to close)\b", re.IGNORECASE)
_CLAUSE = re.compile(r";|,\s(?:and|while|but)\s(?:on\s[^,]+?\s)?(?=[a-z]*\s?(?:it|they|[A-Z]))|\band separately\b")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of clauses that may each report a separate event."""
    bounds, start = [], 0
    for match in _CLAUSE.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _event_type(clause: str) -> str | None:
    hits = [(m.start(), rank, kind) for rank, (kind, rx) in enumerate(_EVENT_RES) for m in [rx.search(clause)] if m]
    return min(hits, key=lambda h: h[1])[2] if hits else None


def _is_raised(text: str, money: Money) -> bool:
    before = text[max(0, money.start - 60):money.start]
    return not (_NOT_RAISED.search(before) or _SHARE_PRICE.match(text[money.end:money.end + 12]))


def _is_valuation(text: str, money: Money) -> bool:
    """ "valued at $X", "a valuation of $X" or "a $X valuation"."""
    return bool(_VALUATION.search(text[max(0, money.start - 30):money.start])
                or _VALUATION_AFTER.match(text, money.end))


def _status(sentence: str, event_type: str) -> str:
    if _REPORTED.search(sentence):
        return "reported"
    if _PLANNED.search(sentence):
        return "planned"
    return "completed"


def _raisers(clause_start: int, clause: str, cue_at: int, spans: list[CompanySpan],
             sentence_start: int, event_type: str) -> tuple[list[str], list[str]]:
    """(raisers, investors) among the companies of a clause."""
    local = [(s.start - sentence_start - clause_start, s) for s in spans]
    local = [(p, s) for p, s in local if 0 <= p < len(clause)]
    # Investor cues ("led by", "with", "from") count only after the money is named.
    investors = [s.company.name for p, s in local
                 if p > cue_at and _INVESTOR_CUE.search(clause[max(0, p - 45):p])]
    candidates = [(p, s) for p, s in local if s.company.name not in investors]
    obj = _OBJECT_RAISER.search(clause)
    if obj:
        after = [s for p, s in candidates if p >= obj.end() - 1]
        before = [s.company.name for p, s in candidates if p < obj.start()]
        if after:
            return [after[0].company.name], investors + before
        return [], investors + before
    before = [s for p, s in candidates if p <= cue_at]
    chosen = before[-1:] if before else [s for p, s in candidates[:1]]
    if _AGGREGATE.search(clause):
        chosen = [s for p, s in candidates]
    return list(dict.fromkeys(s.company.name for s in chosen)), investors


def find_funding(ctx) -> list[FundingRow]:
    """Funding events of an article, one row per event."""
    rows, salient, previous = [], None, []
    for sentence in ctx.sentences:
        spans = ctx.in_sentence(sentence)
        rows.extend(_sentence_events(ctx, sentence, spans, salient, previous))
        names = [s.company.name for s in spans]
        if names:
            salient, previous = names[0], list(dict.fromkeys(names))
    return _with_unpriced(ctx, rows)


def _sentence_events(ctx, sentence, spans, salient, previous) -> list[FundingRow]:
    rows = []
    text = sentence.text
    for start, end in _clauses(text):
        clause = text[start:end]
        event_type = _event_type(clause)
        money = [m for m in find_money(clause) if _is_raised(clause, m)]
        if not event_type or not money:
            continue
        values = [m for m in money if _is_valuation(clause, m)]
        amounts = [m for m in money if m not in values and not _is_conversion(clause, m, money)]
        if not amounts and event_type == "acquisition" and values:
            amounts, values = values[:1], values[1:]
        if not amounts:
            continue
        amount = amounts[0]
        raisers, investors = _raisers(start, clause, amount.start, spans, sentence.start, event_type)
        aggregate = bool(_AGGREGATE.search(clause))
        if not raisers:
            raisers = previous if aggregate and previous else ([salient] if salient else [])
        if not raisers:
            continue
        rows.append(_row(ctx, sentence, clause, event_type, amount, money, values, raisers,
                         investors, aggregate or len(raisers) > 1))
    return rows


def _is_conversion(clause: str, money: Money, all_money: list[Money]) -> bool:
    earlier = [m for m in all_money if m.end <= money.start]
    return bool(earlier) and stated_usd(clause, earlier[-1], [money]) is not None


def _row(ctx, sentence, clause, event_type, amount, money, values, raisers, investors, aggregate):
    later = [m for m in money if m.start > amount.start]
    usd = stated_usd(clause, amount, later) or to_usd(amount.amount, amount.currency, ctx.year, ctx.refs.rates)
    valuation = None
    if values:
        val = values[0]
        valuation = stated_usd(clause, val, [m for m in money if m.start > val.start]) or \
            to_usd(val.amount, val.currency, ctx.year, ctx.refs.rates)
    round_match = _ROUND.search(clause) or _ROUND.search(sentence.text)
    return FundingRow(
        funding_id=ctx.row_id("funding", sentence.start, amount.start),
        company=raisers[0] if len(raisers) == 1 else None, companies=list(raisers),
        event_type=event_type, status=_status(sentence.text, event_type),
        round=round_match.group(0) if round_match and event_type == "equity_round" else None,
        amount=amount.amount, currency=amount.currency, amount_usd=usd,
        amount_qualifier=amount.qualifier, is_aggregate=aggregate,
        investors=[i for i in dict.fromkeys(investors) if i not in raisers],
        valuation_usd=valuation, event_date=None, **ctx.grounding(sentence))


_UNPRICED = re.compile(r"\b(?:debut\w*|IPO|listed|listing|went public)\b")


def _with_unpriced(ctx, rows: list[FundingRow]) -> list[FundingRow]:
    """Add IPOs named without a figure ("MiniMax's market debut") for companies with none."""
    priced = {c for r in rows if r.event_type == "ipo" for c in r.companies}
    for sentence in ctx.sentences:
        cue = _UNPRICED.search(sentence.text)
        if not cue or find_money(sentence.text):
            continue
        spans = [s for s in ctx.in_sentence(sentence)
                 if abs((s.start - sentence.start) - cue.start()) < 40 and s.company.name not in priced]
        if not spans or _REPORTED.search(sentence.text) or _PLANNED.search(sentence.text):
            continue
        name = min(spans, key=lambda s: abs(s.start - sentence.start - cue.start())).company.name
        priced.add(name)
        rows.append(FundingRow(
            funding_id=ctx.row_id("funding", sentence.start, name), company=name, companies=[name],
            event_type="ipo", status="completed", round=None, amount=None, currency=None,
            amount_usd=None, amount_qualifier=None, is_aggregate=False, investors=[],
            valuation_usd=None, event_date=None, **ctx.grounding(sentence)))
    return rows
