"""The company gazetteer as an in-memory lookup (rows in, no file access)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Company:
    """A company as the tables name it."""

    company_id: str
    name: str
    country: str | None
    aliases: tuple[str, ...] = ()


def slugify(name: str) -> str:
    """`Zhipu AI` -> `zhipu-ai`: ASCII, lower case, hyphen-separated."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@dataclass
class Gazetteer:
    """Known companies, looked up by any of their surface forms (case-sensitive)."""

    companies: list[Company] = field(default_factory=list)
    by_surface: dict[str, Company] = field(default_factory=dict)
    pattern: re.Pattern | None = None

    @classmethod
    def from_rows(cls, rows: list[dict]) -> "Gazetteer":
        """Build from CSV-like dicts with name, aliases (`|`-separated), country."""
        gaz = cls()
        for row in rows:
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            company = Company(slugify(row["name"]), row["name"].strip(),
                              (row.get("country") or "").strip() or None, aliases)
            gaz.companies.append(company)
            for surface in (company.name, *aliases):
                gaz.by_surface.setdefault(surface, company)
        surfaces = sorted(gaz.by_surface, key=len, reverse=True)
        if surfaces:
            gaz.pattern = re.compile(
                r"(?<![\w&])(?:" + "|".join(re.escape(s) for s in surfaces) + r")(?![\w&]|-\w)"
            )
        return gaz

    def find(self, text: str) -> list[tuple[int, int, Company]]:
        """(start, end, company) for every known surface form in text."""
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), self.by_surface[m.group(0)]) for m in self.pattern.finditer(text)]

    def lookup(self, surface: str) -> Company | None:
        """The known company with this exact surface form, if any."""
        return self.by_surface.get(surface)
