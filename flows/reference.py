"""Reference data from seeds/ and the extractor version derived from code and data."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import transforms
from transforms.extract import ReferenceData
from transforms.gazetteer import Gazetteer, slugify
from transforms.money import every_year

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _rows(name: str) -> list[dict]:
    with open(SEEDS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_reference() -> ReferenceData:
    """The gazetteer and currency rates shipped in seeds/."""
    rates = {(r["currency"], int(r["year"])): float(r["units_per_usd"]) for r in _rows("currency_rates.csv")}
    return ReferenceData(Gazetteer.from_rows(_rows("companies.csv")), every_year(rates))


def company_facts() -> dict[str, tuple[str | None, str | None]]:
    """company_id -> (kind, ticker) of every company in the gazetteer."""
    return {slugify(r["name"]): ((r.get("kind") or "").strip() or None, (r.get("ticker") or "").strip() or None)
            for r in _rows("companies.csv")}


def extractor_version() -> str:
    """Changes whenever extraction code or reference data change."""
    digest = hashlib.sha256()
    files = sorted(Path(transforms.__file__).parent.glob("*.py")) + sorted(SEEDS.glob("*.csv"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
