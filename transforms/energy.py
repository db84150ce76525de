"""Energy metrics: every quantitative energy figure, historical or projected."""
from __future__ import annotations

import re
from functools import lru_cache

from transforms.figures import Figure
from transforms.rows import EnergyMetricRow

ENERGY_UNITS = {"TWh", "GWh", "MWh", "GW", "MW", "kW", "tonnes_co2"}
ENERGY_CONTEXT = re.compile(
    r"electricity|\bpower\b|energy|demand|consum\w*|capacity|\bgrid|emission|solar|wind|nuclear|"
    r"\bcoal\b|\bgas\b|generat\w*|\bload\b|reactor|renewable|non-fossil|batter\w*|storage|utilit\w*|"
    r"\bdata[- ]cent(?:re|er)s?\b", re.IGNORECASE)
_INVESTMENT = re.compile(r"invest\w*|spen[dt]\w*|capital|budget\w*|commit\w*|outlays?", re.IGNORECASE)
SECTORS = [
    ("clean_energy", r"wind and solar|solar and wind|clean (?:power|energy|generation)|renewabl\w*|non-fossil"),
    ("ai", r"AI-focused|AI facilities|facilities built for AI|AI servers?"),
    ("data_centers", r"data[- ]cent(?:re|er)s?|server farms?|computing (?:capacity|cluster|power)|"
                     r"cluster|campus|hyperscal\w*|AI campus|Stargate|computing"),
    ("solar", r"solar"), ("wind", r"\bwind\b"), ("nuclear", r"nuclear|reactors?|\bSMRs?\b|modular reactors?"),
    ("hydro", r"hydro\w*"), ("gas", r"\bgas\b|gas-fired|turbines?"), ("coal", r"\bcoal\b|coal-fired|thermal power"),
    ("batteries", r"batter\w*|energy storage|storage"),
    ("power_system", r"\bgrid\b|networks?|power system|generating capacity|power sector|power plants?|"
                     r"utilit\w*|electricity|peak demand|\bload\b|installed capacity|power consumption|generated"),
]
_SECTOR_RES = [(name, re.compile(p, re.IGNORECASE)) for name, p in SECTORS]
_SHARE = re.compile(r"\bshare\b|\bof (?:all |the |global |national |its |the country's |the state's |"
                    r"the city-state's |metered )?(?:\w+ )?(?:electricity|power|demand|consumption|generation)",
                    re.IGNORECASE)
_DEMAND = re.compile(r"demand|consum\w*|\buse[ds]?\b|\bload\b|electricity|need", re.IGNORECASE)
_CAPACITY = re.compile(r"capacity|install\w*|fleet|plants?|reactors?|build|\bMW\b|\bGW\b", re.IGNORECASE)
_GENERATION = re.compile(r"generat\w*|produc\w*|output", re.IGNORECASE)


def is_energy(figure: Figure) -> bool:
    """Whether a figure is an energy figure (by unit, or by what its clause speaks of)."""
    unit = figure.quantity.unit
    if unit in ENERGY_UNITS:
        return True
    context, investment = _clause_context(figure.clause)
    return context and (investment or unit != "USD")


@lru_cache(maxsize=512)
def _clause_context(clause: str) -> tuple[bool, bool]:
    """(speaks of energy, speaks of investment); cached as a clause holds many figures."""
    return bool(ENERGY_CONTEXT.search(clause)), bool(_INVESTMENT.search(clause))


def sector_of(figure: Figure) -> str:
    """The sector word nearest to the figure; the power system only when none is named."""
    best, best_distance = "other", None
    for name, pattern in _SECTOR_RES:
        if name == "power_system" and best != "other":
            break
        for m in pattern.finditer(figure.clause):
            distance = abs(m.start() - figure.position)
            if best_distance is None or distance < best_distance:
                best, best_distance = name, distance
    return best


def metric_of(figure: Figure) -> str:
    """What a figure measures, from its unit and the words of its clause."""
    unit, clause = figure.quantity.unit, figure.clause
    if unit == "tonnes_co2":
        return "emissions"
    if unit == "USD":
        return "investment"
    if unit in ("TWh", "GWh", "MWh"):
        return "generation" if _GENERATION.search(clause) else "electricity_demand"
    if unit in ("GW", "MW", "kW"):
        return "electricity_demand" if re.search(r"demand|peak|\bload\b", clause, re.IGNORECASE) else "capacity"
    if unit == "percent" and _SHARE.search(clause[figure.position:]):
        return "share_of_demand"
    if _CAPACITY.search(clause) and not re.search(r"demand|consum", clause, re.IGNORECASE):
        return "capacity"
    return "electricity_demand" if _DEMAND.search(clause) else "other"


def find_energy_metrics(ctx, figures: list[Figure]) -> list[EnergyMetricRow]:
    """One row per energy figure of the article."""
    rows = []
    for f in figures:
        if not is_energy(f) or f.quantity.value is None:
            continue
        q = f.quantity
        rows.append(EnergyMetricRow(
            metric_id=ctx.row_id("energy", f.sentence.start, q.start), region=f.region,
            sector=sector_of(f), metric=metric_of(f), value=q.value, value_max=q.value_max, unit=q.unit,
            comparator=q.comparator, year=f.year, baseline_year=f.baseline_year,
            is_projection=f.is_projection, source_org=f.source_org, **ctx.grounding(f.sentence)))
    return rows
