"""Forecasts: forward-looking quantitative statements, and dated predictions."""
from __future__ import annotations

import re
from functools import lru_cache

from transforms.dates import find_horizon, find_years
from transforms.figures import Figure, speaks_of_future
from transforms.patterns import CaselessPattern, keywords_first, lowered
from transforms.rows import ForecastRow

_SUBJECT_STOP = CaselessPattern(r"\b(?:is|are|was|were|will|would|could|should|might|has|have|had|to|"
                                r"expects?|expected|projected|projects|forecasts?|predicts?|estimates?|plans?|aims?|"
                                r"set|on|sees|puts|said|says|believes?|anticipates?|warns?|rose|grew|fell|reached|"
                                r"came|jumped|surged|increased|hit|totall?ed|accounts?|represents?|stood|which|that|"
                                r"while|if|as|more|less|about|around|nearly|almost|roughly|approximately|over|under|"
                                r"up|between|by|at)\b")
# An opening that sets the scene before the subject ("According to X, ", "In 2024, ", "Notably, ").
_SCENE = re.compile(r"^.*[,:—]\s")
# Who says it, before what is forecast ("Lin suggested that the probability of ...").
_REPORTED = re.compile(r"^.*\b\w+(?:ed|s)\sthat\s")
_SUBJECT_WORDS = 8
# Figures that are a stake, a price, a deal's size or a rate, not a forecast: judged by the words
# just before them ("will own about 90%", "plus or minus 2%", "a US$10bil agreement", "shares rose 5%").
# Money that finances a deal is the deal's size ("a $30 billion financing package", "a $1bn fund",
# "tranches: $23 billion for ...", "$6 billion worth of shares"), and a figure a result is compared
# with is the consensus it beat or missed ("above analysts' expectations of $5.7 billion"), and a
# share a company will control is a stake.
_NOT_FORECAST = CaselessPattern(
    r"\b(?:valu\w*|worth|stake|(?:will|would|to|could|and)\sown|owns|control|premium|coupon|yield|SOFR|LIBOR|interest|plus or minus|discount|"
    r"committed|signed|agreement|contract|budget\w*|shares|stock|tranches?)\b[^.;]{0,40}$|^\s?(?:a|per)\sshare|"
    r"\b(?:above|below|beat(?:ing)?|exceed(?:ing|ed)?|top(?:ping|ped)|miss(?:ing|ed)?|short\sof|ahead\sof|"
    r"in\sline\swith)\s(?:the\s)?(?:[\w'’-]+\s){0,3}(?:expectations?|estimates?|consensus|forecasts?)\s(?:of\s)?$|"
    r"^\s(?:that\s)?(?:analysts?|economists?|Wall\sStreet|the\smarket)\s(?:had\s)?(?:expected|estimated|forecast)|"
    r"^\s?(?:senior\s)?notes|^\s(?:agreement|contract|deal|premium|stake|holding)\b|"
    r"^\s(?:[\w'’-]+\s){0,2}(?:financing|funding|round|fund|JV|joint\sventure|valuation|offering|loan|"
    r"bond|debt|worth\sof|in\scommitments)\b|"
    # the rating of a piece of equipment ("140 kilowatts per rack")
    r"^\s(?:per|a|each)\s(?:unit|server|rack|chip|GPU|card|system|module|cabinet)\b")
_BY_YEAR = re.compile(keywords_first(r"\bby\s(?:the\s)?(?:end\sof\s)?(?:mid-)?(?:\d{4}|(?:the|this)\sdecade)\b"))
# A prediction that is a date or a span of time, not a number: "AGI within ten years".
_DATED = CaselessPattern(r"\b(?:superintelligence|artificial general intelligence|AGI|human-level|"
                         r"sustainable|continue|persist)\b|"
                         r"\blast\b(?!\s(?:year|month|week|quarter|decade|time|night|summer|spring|autumn|fall|winter)\b)")
# Every match of _DATED holds one of these (in lower case): sentences without one skip the pattern.
_DATED_WORDS = ("superintelligence", "artificial general intelligence", "agi", "human-level", "sustainable",
                "continue", "persist", "last")
_DATED_CUE = CaselessPattern(r"\b(?:arrive|away|by|before|within|pencilled|reach|achiev\w*|for the next|over the next)\b")


def _subject(f: Figure) -> str:
    """A short noun phrase for what is forecast: the words before the clause's verb, after any
    opening that sets the scene; else what the figure is "of" ("1 GW of clean power")."""
    head = _REPORTED.sub("", _SCENE.sub("", f.clause[:f.position]))
    words = _SUBJECT_STOP.split(head, maxsplit=1)[0].strip(" ,;:—-•\"“”[]")
    if not words or (len(words) <= 4 and words.islower()):  # "or", "then": no noun phrase before it
        tail = re.split(r"[,;:—(]", f.clause[f.position + f.quantity.end - f.quantity.start:], maxsplit=1)[0]
        words = _SUBJECT_STOP.split(re.sub(r"^\s*(?:of\s)?", "", tail), maxsplit=1)[0].strip(" ,;:—-.")
    return " ".join((words or f.clause.strip()).split()[:_SUBJECT_WORDS])


# A capitalised word after the first is part of a name ("the Public Investment Fund"), which
# says nothing of what a figure measures.
_NAME_WORD = re.compile(r"[A-Z](?<=\S\s.)[\w-]*")  # the capital first: the engine skips to it


@lru_cache(maxsize=64)  # figures of one clause share it
def _common_words(clause: str) -> str:
    return _NAME_WORD.sub("", clause).lower()


def _metric(f: Figure) -> str:
    words = _common_words(f.clause)
    for name in ("probability", "chance", "revenue", "capital", "spending", "investment", "demand",
                 "consumption", "capacity", "share", "emissions", "growth", "valuation"):
        if name in words:
            return "probability" if name == "chance" else name
    return {"USD": "amount", "percent": "percentage", "x": "multiple"}.get(f.quantity.unit, "quantity")


def is_forecast(f: Figure, reference: int | None) -> bool:
    """A projected figure stated as a forecast: a future cue, a horizon, or "by <future year>"."""
    if not f.is_projection:
        return False
    q, text = f.quantity, f.sentence.text
    if _NOT_FORECAST.search(text[max(0, q.start - 45):q.start]) or _NOT_FORECAST.match(text[q.end:q.end + 25]):
        return False
    return bool(speaks_of_future(f.clause) or f.horizon[0] is not None
                or (_BY_YEAR.search(f.clause) and (reference is None or (f.year or 0) > reference)))


def find_forecasts(ctx, figures: list[Figure], excluded: set[tuple[int, int]],
                   speakers: dict[int, str | None]) -> list[ForecastRow]:
    """Forecast rows: projected figures (not money raised), plus dated predictions."""
    rows = []
    for f in figures:
        key = (f.sentence.start, f.quantity.start)
        if key in excluded or not is_forecast(f, ctx.year):
            continue
        q = f.quantity
        low, high = f.horizon
        metric = _metric(f)
        # Money and the odds of an event take no region from figures before them, only their own.
        region = f.stated_region if q.unit == "USD" or metric == "probability" else f.region
        rows.append(ForecastRow(
            forecast_id=ctx.row_id("forecast", *key), subject=_subject(f), metric=metric,
            region=region, value=q.value, value_max=q.value_max, unit=q.unit, comparator=q.comparator,
            target_year=f.year, horizon_min_years=low, horizon_max_years=high,
            source_person=f.source_person, source_org=f.source_org, **ctx.grounding(f.sentence)))
    covered = {f.sentence.start for f in figures}
    return rows + _dated_predictions(ctx, covered, speakers)


def _dated_predictions(ctx, covered: set[int], speakers: dict[int, str | None]) -> list[ForecastRow]:
    rows = []
    for index in ctx.indices_holding(_dated_words_at(ctx.article.text)):
        sentence = ctx.sentences[index]
        if sentence.start in covered or not _DATED.search(sentence.text):
            continue
        for clause in re.split(r",\s(?:while|and|but)\s|;", sentence.text):
            row = _dated(ctx, sentence, clause, speakers.get(index))
            if row:
                rows.append(row)
    return rows


def _dated_words_at(text: str) -> list[int]:
    """Where the words of _DATED_WORDS stand in an article: only the sentences holding one are
    read for dated predictions (most hold none). No such word spans two sentences."""
    low, found = lowered(text), []
    for word in _DATED_WORDS:
        at = low.find(word)
        while at >= 0:
            found.append(at)
            at = low.find(word, at + 1)
    return found


def _topic(text: str) -> str | None:
    """What a dated prediction is about, as the text spells it ("AGI")."""
    found = _DATED.search(text)
    return text[found.start():found.end()] if found else None


def _dated(ctx, sentence, clause: str, speaker: str | None) -> ForecastRow | None:
    cue = _DATED_CUE.search(clause)
    if not cue:
        return None
    # only years ahead: "founded in 2010" is no prediction
    years = [y for y in find_years(clause, ctx.year) if y.kind == "year" and (ctx.year is None or y.year > ctx.year)]
    low, high = find_horizon(clause)
    if not years and low is None:
        return None
    topic = _topic(clause) or _topic(sentence.text)
    comparator = ">" if re.search(r"more than|over \w+ years|away", clause) else \
        "<=" if re.search(r"\bby\b|before|within", clause) else "="
    return ForecastRow(
        forecast_id=ctx.row_id("forecast", sentence.start, clause[:20]), subject=topic,
        metric="timing", region=None, value=None, value_max=None, unit=None, comparator=comparator,
        target_year=years[0].year if years else None, horizon_min_years=low,
        horizon_max_years=high if comparator != ">" else None,
        source_person=speaker, source_org=None, **ctx.grounding(sentence))
