"""The company gazetteer as an in-memory lookup (rows in, no file access)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


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


_WORD = re.compile(r"[^\W_][\w&'’.-]*")
# Names start with a capital or a digit, or are camel-case ("xAI", "miHoYo"): only these are looked up.
_NAME_WORD = re.compile(r"(?<![\w&])(?:[A-Z0-9]|[a-z]++[A-Z])[\w&'’.-]*")  # ++: no backtracking in lower-case words


@dataclass
class Gazetteer:
    """Known companies, looked up by any of their surface forms (case-sensitive)."""

    companies: list[Company] = field(default_factory=list)
    by_surface: dict[str, Company] = field(default_factory=dict)
    # First word of each surface form -> the forms it starts, longest first.
    by_first_word: dict[str, list[str]] = field(default_factory=dict)
    _loose: dict[str, Company] | None = field(default=None, repr=False)

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
        gaz._index_first_words()
        return gaz

    @classmethod
    def of_surfaces(cls, surfaces: dict[str, Company]) -> "Gazetteer":
        """A lookup over given surface forms, such as the names one article introduces."""
        gaz = cls(list(dict.fromkeys(surfaces.values())), dict(surfaces))
        gaz._index_first_words()
        return gaz

    def _index_first_words(self) -> None:
        for surface in sorted(self.by_surface, key=len, reverse=True):
            first = _WORD.match(surface)
            if first:
                self.by_first_word.setdefault(first.group(0).rstrip(".'’"), []).append(surface)

    def find(self, text: str) -> list[tuple[int, int, Company]]:
        """(start, end, company) for every known surface form in text, longest match first."""
        found, taken_until = [], 0
        for start, token, bare in _name_words(text):
            if start < taken_until:
                continue
            candidates = self.by_first_word.get(token) or self.by_first_word.get(bare, ())
            for surface in candidates:
                end = start + len(surface)
                if text.startswith(surface, start) and _ends_word(text, end):
                    found.append((start, end, self.by_surface[surface]))
                    taken_until = end
                    break
        return found

    def lookup(self, surface: str) -> Company | None:
        """The known company with this exact surface form, if any."""
        return self.by_surface.get(surface)

    def lookup_loose(self, name: str) -> Company | None:
        """The known company a name denotes with its legal suffix written another way
        ("Pacific Investment Management Co." for "... Company")."""
        if self._loose is None:
            self._loose = {}
            for surface, company in self.by_surface.items():
                self._loose.setdefault(_legal_key(surface), company)
        return self._loose.get(_legal_key(name))


_LEGAL = re.compile(r"(?:[\s,]+(?:Inc|Ltd|Co|Corp|Corporation|Company|Limited|PLC|plc|LLC|AG|SA|SE|NV)\.?)+$")


def _legal_key(name: str) -> str:
    """A name without its legal suffixes, in lower case."""
    return _LEGAL.sub("", name.strip(" .")).casefold()


# An article is searched for known names, then (after many short lookups of the names it
# introduces, which would push it out of a small cache) for those names.
@lru_cache(maxsize=128)
def _name_words(text: str) -> tuple[tuple[int, str, str], ...]:
    """(start, word, word without "'s") of every word that may start a name."""
    words = []
    for word in _NAME_WORD.finditer(text):
        token = word.group(0).rstrip(".'’")
        words.append((word.start(), token, token[:-2] if token.endswith(("'s", "’s")) else token))
    return tuple(words)


def _ends_word(text: str, end: int) -> bool:
    """A match ends at a word boundary, not inside "Nvidia-backed" or "Alibaba2"."""
    if end >= len(text):
        return True
    after = text[end]
    return not (after.isalnum() or after in "&_" or (after == "-" and text[end + 1:end + 2].isalnum()))
