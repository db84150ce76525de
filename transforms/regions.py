"""Places in news text (countries, demonyms, cities, blocs) as ISO codes."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from transforms.patterns import alternation

# Surface form -> ISO 3166-1 alpha-2, "EU" or "WORLD". Case-sensitive forms.
PLACES: dict[str, str] = {}
_GROUPS = {
    "US": "US|U.S.|USA|U.S.A.|United States|America|American|Americans|Washington|New York|"
          "San Francisco|Silicon Valley|Seattle|Boston|Austin|Houston|Dallas|Chicago|Los Angeles|"
          "Palo Alto|Menlo Park|Mountain View|Redmond|Santa Clara|Memphis|Phoenix|Atlanta|"
          # The fifty states (Washington and New York are above).
          "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
          "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
          "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
          "New Mexico|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|"
          "South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|West Virginia|Wisconsin|Wyoming",
    "CN": "China|Chinese|PRC|mainland|Beijing|Shanghai|Shenzhen|Hangzhou|Guangzhou|Chengdu|Wuhan|"
          "Nanjing|Suzhou|Tianjin|Hefei|Xi'an|Chongqing|"
          # Provinces and regions.
          "Guangdong|Jiangsu|Zhejiang|Shandong|Henan|Sichuan|Hubei|Hunan|Fujian|Anhui|Hebei|Shanxi|"
          "Shaanxi|Jiangxi|Liaoning|Jilin|Heilongjiang|Yunnan|Guizhou|Guangxi|Gansu|Qinghai|Hainan|"
          "Inner Mongolia|Ningxia|Xinjiang|Tibet",
    "HK": "Hong Kong",
    "TW": "Taiwan|Taiwanese|Taipei|Hsinchu",
    "JP": "Japan|Japanese|Tokyo|Osaka",
    "KR": "South Korea|Korea|Korean|South Korean|Seoul",
    "IN": "India|Indian|Mumbai|Bangalore|Bengaluru|New Delhi",
    "SG": "Singapore|Singaporean",
    "MY": "Malaysia|Malaysian|Kuala Lumpur|Johor|Penang|Selangor|Sarawak",
    "ID": "Indonesia|Indonesian|Jakarta",
    "VN": "Vietnam|Vietnamese",
    "TH": "Thailand|Thai",
    "AE": "United Arab Emirates|UAE|Emirati|Abu Dhabi|Dubai",
    "SA": "Saudi Arabia|Saudi|Riyadh",
    "QA": "Qatar|Qatari|Doha",
    "KW": "Kuwait|Kuwaiti",
    "IL": "Israel|Israeli|Tel Aviv",
    "GB": "United Kingdom|UK|U.K.|Britain|British|England|London",
    "IE": "Ireland|Irish|Dublin",
    "DE": "Germany|German|Berlin|Munich|Frankfurt|Hamburg|Cologne|Stuttgart|Dresden",
    "FR": "France|French|Paris",
    "NL": "Netherlands|Dutch|Amsterdam|Rotterdam|Eindhoven",
    "CH": "Switzerland|Swiss|Zurich|Geneva",
    "SE": "Sweden|Swedish|Stockholm",
    "NO": "Norway|Norwegian|Oslo",
    "FI": "Finland|Finnish|Helsinki",
    "DK": "Denmark|Danish|Copenhagen",
    "ES": "Spain|Spanish|Madrid",
    "IT": "Italy|Italian|Rome|Milan",
    "CA": "Canada|Canadian|Toronto|Montreal|Vancouver",
    "AU": "Australia|Australian|Sydney|Melbourne",
    "BR": "Brazil|Brazilian",
    "RU": "Russia|Russian|Moscow",
    "EU": "European Union|EU|Europe|European|Brussels",
    "WORLD": "global|globally|worldwide|world|world's|the world|around the world|Worldwide|Global",
}
for _code, _forms in _GROUPS.items():
    for _form in _forms.split("|"):
        PLACES[_form] = _code

_PLACE_RE = re.compile(alternation(PLACES, not_after=r"[\w.]") + r"(?![\w$])")
# The same in two parts, which never overlap: names that open with a capital, which the engine
# skips to quickly, and the few lower-case forms, looked for only where their words stand.
_LOWER_FORMS = [form for form in PLACES if not form[0].isupper()]
_CAPITALISED_RE = re.compile(alternation([f for f in PLACES if f[0].isupper()], not_after=r"[\w.]") + r"(?![\w$])")
_LOWER_RE = re.compile(alternation(_LOWER_FORMS, not_after=r"[\w.]") + r"(?![\w$])")
_LOWER_WORDS = ("mainland", "global", "world")  # every lower-case form holds one
# "the world's largest utility" and "ranking third worldwide" rank a company or country; they do not
# make a figure global.
_SUPERLATIVE = re.compile(r"\bworld(?:'s|’s)\s(?:\w+est|most|top|leading|No\.?\s?\d|first|second|third)\b|"
                          r"\b(?:rank\w*|placing)\s(?:[\w-]+\s){0,2}(?:worldwide|globally|in\sthe\sworld)\b")
_RANK_WORDS = ("world'", "world’", "rank", "placing")  # every _SUPERLATIVE match holds one


@lru_cache(maxsize=256)  # a sentence's places are asked for by several extractors
def find_places(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, code) for every place named in text."""
    found = _place_forms(text)
    ranked = [(m.start(), m.end()) for m in _SUPERLATIVE.finditer(text)] \
        if found and "world" in text and any(word in text for word in _RANK_WORDS) else []
    return tuple(p for p in found if not any(s < p[1] and p[0] < e for s, e in ranked)) if ranked else tuple(found)


def _place_forms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of every place form in text, as _PLACE_RE finds them, in two scans."""
    matches = list(_CAPITALISED_RE.finditer(text))
    if any(word in text for word in _LOWER_WORDS):
        matches = sorted(matches + list(_LOWER_RE.finditer(text)), key=lambda m: m.start())
    return [(m.start(), m.end(), PLACES[m.group(0)]) for m in matches]


_LEADING = re.compile(r"(?:(?:In|Across|For)\s)?(?:the\s)?(" + _PLACE_RE.pattern + r")")


def leading_place(text: str) -> str | None:
    """The code of a place a sentence opens with ("Worldwide, ...", "In Texas, ..."), if any."""
    m = _LEADING.match(text)
    return PLACES[m.group(1)] if m else None


def article_region(codes) -> str | None:
    """The country (or bloc) an article is about, from the codes of the places it names: the one
    named in more than half of its mentions of countries, else None. Figures that name no place of
    their own fall back on it."""
    counts = Counter(code for code in codes if code != "WORLD")
    if not counts:
        return None
    code, count = counts.most_common(1)[0]
    return code if 2 * count > sum(counts.values()) else None
