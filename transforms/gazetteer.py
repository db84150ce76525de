"""The company gazetteer as an in-memory lookup (rows in, no file access)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from transforms.patterns import alternation


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
    _first_words: "_FirstWords | None" = field(default=None, repr=False)
    # Built once from reference rows, not for one article: worth compiling into a pattern.
    _reference: bool = field(default=True, repr=False)

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
        gaz = cls(list(dict.fromkeys(surfaces.values())), dict(surfaces), _reference=False)
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
        for start, word in _name_words_at(text, self._openings(text)):
            if start < taken_until:
                continue
            token = word.rstrip(".'’")
            bare = token[:-2] if token.endswith(("'s", "’s")) else token
            candidates = self.by_first_word.get(token) or self.by_first_word.get(bare, ())
            for surface in candidates:
                end = start + len(surface)
                if text.startswith(surface, start) and _ends_word(text, end):
                    found.append((start, end, self.by_surface[surface]))
                    taken_until = end
                    break
        return found

    def _openings(self, text: str) -> list[int]:
        """Where a known first word starts after no word character: every name word whose
        token is a first word starts at one. Reading these few places, not every capitalised
        word, is what makes a lookup cheap."""
        if self._first_words is None:
            self._first_words = _FirstWords.of(self.by_first_word, self._reference)
        return self._first_words.openings(text)

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


_MANY = 64  # first words: from this many on, one trie pattern finds them faster than str.find


@dataclass(frozen=True)
class _FirstWords:
    """The first words of a gazetteer's surface forms, found in a text. A few are found by
    str.find. Many of a reference gazetteer: those that open with a capital or digit by one trie
    pattern (the engine skips to those characters), the rest ("xAI") by str.find. Many of one
    article's: every name word is read, as compiling them would cost more than it saves."""

    pattern: re.Pattern | None
    others: tuple[str, ...]

    @classmethod
    def of(cls, keys, reference: bool) -> "_FirstWords":
        # A key no name word can start with ("stc", "e&") is never found: it is left out.
        keys = [key for key in keys if _NAME_WORD.match(key)]
        if len(keys) < _MANY:
            return cls(None, tuple(keys))
        if not reference:
            return cls(_NAME_WORD, ())
        capitalised = {key for key in keys if key[0].isupper() or key[0].isdigit()}
        return cls(re.compile(alternation(capitalised, not_after=r"[\w&]")),
                   tuple(key for key in keys if key not in capitalised))

    def openings(self, text: str) -> list[int]:
        """Sorted positions, after no word character (nor "&"), where a key may start: every
        name word that is a key or a key's possessive starts at one."""
        found = [m.start() for m in self.pattern.finditer(text)] if self.pattern else []
        for key in self.others:
            at = text.find(key)
            while at >= 0:
                if not (at and (text[at - 1].isalnum() or text[at - 1] in "_&")):
                    found.append(at)
                at = text.find(key, at + 1)
        return sorted(set(found)) if self.others else found


def _name_words_at(text: str, openings: list[int]):
    """(start, word) of the name words _NAME_WORD.finditer(text) finds at any of the openings
    (sorted), in one pass: an opening inside a run of word characters that an earlier capital
    opened ("U.S.-China", "Foo.Bar") starts none."""
    covered = 0  # where the last name word read ends (at the end of its run)
    for start in openings:
        if start < covered:
            continue
        run = start
        if start and text[start - 1] in "'’.-":  # a run may have opened before it
            run = start - 1
            while run > covered and (text[run - 1].isalnum() or text[run - 1] in "_&'’.-"):
                run -= 1
        word = _NAME_WORD.search(text, run)  # at start, or at the capital that opened its run
        covered = word.end()
        if word.start() == start:
            yield start, word.group(0)


def _ends_word(text: str, end: int) -> bool:
    """A match ends at a word boundary, not inside "Nvidia-backed" or "Alibaba2"."""
    if end >= len(text):
        return True
    after = text[end]
    return not (after.isalnum() or after in "&_" or (after == "-" and text[end + 1:end + 2].isalnum()))
