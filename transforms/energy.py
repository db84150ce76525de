"""Energy metrics: every quantitative energy figure, historical or projected."""
from __future__ import annotations

import re
from functools import lru_cache

from transforms.figures import Figure
from transforms.patterns import CaselessPattern, alternation, lowered
from transforms.rows import EnergyMetricRow

ENERGY_UNITS = {"TWh", "GWh", "MWh", "GW", "MW", "kW", "tonnes_co2"}
# Only ever asked whether a clause holds one of these words, so a word's stem is enough
# ("consum" for "consumption"), and every branch opens with a letter (its boundary checked after
# it): the engine can then skip quickly to where a word may start.
ENERGY_CONTEXT = CaselessPattern(
    alternation(["electricity", "energy", "emission", "solar", "wind", "nuclear",
                 "generat", "reactor", "renewable", "non-fossil", "batter", "storage", "utilit"])
    # demand for anything but power ("demand for servers"), consumers and a plant's use of its
    # capacity ("capacity utilisation") say nothing of energy
    + r"|demand(?! for (?!electricity|power|energy))|consum(?!er)|capacity(?! utili[sz]ation)"
    + r"|p(?<!computing p)(?<!\wp)ower\b|g(?<!\wg)rid|c(?<!\wc)oal\b|g(?<!\wg)as\b|l(?<!\wl)oad\b")
# Money counts as an energy figure only when spent on the energy system itself.
_ENERGY_MONEY = CaselessPattern(
    alternation(["electricity", "energy", "nuclear", "solar", "wind", "renewable", "utilit", "network",
                 "reactor", "transmission", "substation"])
    + r"|p(?<!computing p)(?<!\wp)ower\b|g(?<!\wg)rid|g(?<!\wg)as\b|c(?<!\wc)oal\b")
_INVESTMENT = CaselessPattern(r"invest\w*|spen[dt]\w*|capital|budget\w*|commit\w*|outlays?")
SECTORS = [
    ("clean_energy", r"wind and solar|solar and wind|clean (?:power|energy|generation)|renewabl\w*|non-fossil"),
    ("ai", r"AI-(?:focused|related|driven)(?: data[- ]cent(?:re|er)s?)?|AI facilities|facilities built for AI|AI servers?|"
           r"from AI\b(?!-)|AI workloads?|"
           r"AI computing"),
    ("data_centers", r"data[- ]cent(?:re|er)s?|server farms?|computing (?:capacity|cluster|power)|"
                     r"cluster|campus|hyperscal\w*|AI campus|computing"),
    ("solar", r"solar"), ("wind", r"\bwind\b"), ("nuclear", r"nuclear|reactors?|\bSMRs?\b|modular reactors?"),
    ("hydro", r"hydro\w*"), ("gas", r"\bgas\b|gas-fired|turbines?"), ("coal", r"\bcoal\b|coal-fired|thermal power"),
    ("batteries", r"batter\w*|energy storage|storage"),
    ("power_system", r"\bgrid\b|networks?|power system|generating capacity|power sector|power plants?|"
                     r"utilit\w*|electricity|\bpeak\b|\bload\b|installed capacity|power consumption|generated|"
                     r"power (?:demand|sales|usage|use|generation|supply)|generation capacity|kilowatt-hours|kWh"),
]
# Every match of a sector's pattern holds one of its words (in lower case): a text without one
# skips the pattern.
SECTOR_WORDS = {
    "clean_energy": ("wind and solar", "solar and wind", "clean ", "renewabl", "non-fossil"),
    "ai": ("ai-", "ai facilities", "built for ai", "ai server", "from ai", "ai workload", "ai computing"),
    "data_centers": ("data", "server farm", "cluster", "campus", "hyperscal", "computing"),
    "solar": ("solar",), "wind": ("wind",), "nuclear": ("nuclear", "reactor", "smr"), "hydro": ("hydro",),
    "gas": ("gas", "turbine"), "coal": ("coal", "thermal power"), "batteries": ("batter", "storage"),
    "power_system": ("grid", "network", "power", "generat", "utilit", "electricity", "peak", "load",
                     "installed capacity", "kilowatt-hours", "kwh"),
}
_SECTOR_RES = [(name, CaselessPattern(p), SECTOR_WORDS[name]) for name, p in SECTORS]
_SHARE = CaselessPattern(r"\bshare\b|accounts? for|accounted for|\bof (?:all |the |global |national |its |"
                    r"(?:the )?[\w.-]+(?:'s|’s) |metered )?(?:[\w.-]+ )?"
                    r"(?:electricity|power|demand|consumption|generation)")
_DEMAND = CaselessPattern(r"demand|consum\w*|\buse[ds]?\b|\bload\b|electricity|need")
_CAPACITY = CaselessPattern(r"capacity|install\w*|fleet|plants?|reactors?|build|\bMW\b|\bGW\b")
_GENERATION = CaselessPattern(r"generat\w*|produc\w*|output")
_PEAK_DEMAND = CaselessPattern(r"demand|peak|\bload\b")
_OWN_CAPACITY = CaselessPattern(r"\s(?:of\s)?(?:[\w-]+\s){0,3}capacity\b")  # "128 GW of new generating capacity"
_CONSUMPTION = CaselessPattern(r"demand|consum")
_EMISSION_WORDS = CaselessPattern(r"\bemissions?\b|carbon footprint")
# A change or share said of the figure before ("This marks a 40% rise", "Ohio has 4 GW (9%)"):
# an energy figure when that one was.
_ANAPHORA = re.compile(r"(?:This|That)(?:\s(?:reflects|represents|marks|is|was|would\sbe|means)|['’]s)\s")
_BRACKETED = re.compile(r"\(\s?(?:about|around|roughly|nearly|some)?\s?$")


def is_energy(figure: Figure) -> bool:
    """Whether a figure is an energy figure (by unit, or by what its clause speaks of)."""
    unit = figure.quantity.unit
    if unit in ENERGY_UNITS:
        return True
    return _spends_on_energy(figure.clause) if unit == "USD" else _speaks_of_energy(figure.clause)


# Cached: a clause holds many figures.
@lru_cache(maxsize=512)
def _speaks_of_energy(clause: str) -> bool:
    return bool(ENERGY_CONTEXT.search(clause))


@lru_cache(maxsize=512)
def _spends_on_energy(clause: str) -> bool:
    return bool(_ENERGY_MONEY.search(clause) and _INVESTMENT.search(clause))


def sector_of(figure: Figure) -> str:
    """The sector word nearest to the figure; the power system only when none is named."""
    return _nearest_sector(figure.clause, figure.position) or _nearest_sector(
        figure.sentence.text, figure.sentence.text.find(figure.clause) + figure.position) or "other"


def _nearest_sector(text: str, position: int) -> str | None:
    best, best_distance = None, None
    for start, end, name in _sector_words(text):
        if name == "power_system" and best is not None:
            break
        distance = position - end if end <= position else start - position
        if best_distance is None or distance < best_distance:
            best, best_distance = name, distance
    return best


@lru_cache(maxsize=512)
def _sector_words(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sector words of a text, in order of sector precedence (cached: many figures share a text)."""
    low = lowered(text)
    return tuple((m.start(), m.end(), name) for name, pattern, words in _SECTOR_RES
                 if any(word in low for word in words) for m in pattern.finditer(text))


def sector_words(text: str) -> str | None:
    """The last sector a text speaks of, for figures in later sentences that name none."""
    return _nearest_sector(text, len(text))


def metric_of(figure: Figure) -> str:
    """What a figure measures, from its unit and the words of its clause."""
    unit, clause = figure.quantity.unit, figure.clause
    if unit == "tonnes_co2" or (unit in ("percent", "x") and _EMISSION_WORDS.search(clause)):
        return "emissions"
    if unit == "USD":
        return "investment"
    if unit in ("TWh", "GWh", "MWh"):
        return "generation" if _GENERATION.search(clause) else "electricity_demand"
    if unit in ("GW", "MW", "kW"):
        if _OWN_CAPACITY.match(figure.sentence.text, figure.quantity.end):
            return "capacity"  # what the figure's own words name wins over the clause's
        return "electricity_demand" if _PEAK_DEMAND.search(clause) else "capacity"
    if unit == "percent" and _SHARE.search(clause):
        return "share_of_demand"
    if _CAPACITY.search(clause) and not _CONSUMPTION.search(clause):
        return "capacity"
    return "electricity_demand" if _DEMAND.search(clause) else "other"


def find_energy_metrics(ctx, figures: list[Figure], excluded: set[tuple[int, int]]) -> list[EnergyMetricRow]:
    """One row per energy figure of the article (money raised or valued is not one)."""
    rows: list[EnergyMetricRow] = []
    for i, f in enumerate(figures):
        q = f.quantity
        if q.value is None or (f.sentence.start, q.start) in excluded:
            continue
        if not (is_energy(f) or (q.unit == "percent" and _continues(figures, i, rows))):
            continue
        sector = sector_of(f)
        if sector == "other":
            sector = _earlier_sector(ctx, f.index)
        rows.append(EnergyMetricRow(
            metric_id=ctx.row_id("energy", f.sentence.start, q.start), region=f.region,
            sector=sector, metric=metric_of(f), value=q.value, value_max=q.value_max, unit=q.unit,
            comparator=q.comparator, year=f.year, baseline_year=f.baseline_year,
            is_projection=f.is_projection, source_org=f.source_org, **ctx.grounding(f.sentence)))
    return rows


def _continues(figures: list[Figure], i: int, rows: list[EnergyMetricRow]) -> bool:
    """Whether a change or share speaks of the energy figure just before it: in brackets right
    after it, or in the next sentence when that opens by pointing back to it."""
    if not rows or i == 0:
        return False
    f, before = figures[i], figures[i - 1]
    last_was_energy = rows[-1].char_start == before.sentence.start and rows[-1].value == before.quantity.value
    if not last_was_energy:
        return False
    text = f.sentence.text
    if before.sentence.start == f.sentence.start:
        return bool(_BRACKETED.search(text, max(0, f.quantity.start - 12), f.quantity.start))
    return f.index == before.index + 1 and bool(_ANAPHORA.match(text))


def _earlier_sector(ctx, index: int) -> str:
    """The sector the nearest earlier sentence (within three) speaks of."""
    for sentence in reversed(ctx.sentences[max(0, index - 3):index]):
        if "\n" in ctx.article.text[sentence.end:ctx.sentences[index].start]:
            break  # another paragraph
        found = sector_words(sentence.text)
        if found:
            return found
    return "other"
