"""Raisers named only by their place in a funding sentence: companies the gazetteer does not know
and no other cue marks ("Particle, a news app, raised $10 million", "a round in Acme")."""
from __future__ import annotations

import re

from transforms.regions import find_places

_TOKEN = r"[A-Z][\w'’.+&-]*"
# The subject of a raising verb, opening the clause or after a dateline, bullet or comma, with
# perhaps an apposition between ("Acme, a robotics start-up, raised").
_SUBJECT = re.compile(
    rf"(?:^|[:•,;–—]\s|^[^\w]*\s)(?P<name>{_TOKEN}(?:\s{_TOKEN}){{0,3}})(?:,\s[^,]{{3,90}},)?"
    r"\s(?:has\s|have\s|had\s)?(?:also\s|now\s|just\s)?"
    r"(?:raised|closed|completed|secured|landed|bagged|received|went\spublic|listed|debuted)\b")
# The object of a round or takeover: "a $50 million round in Acme", "its acquisition of Acme".
_OBJECT = re.compile(rf"\b(?:(?:round|funding|financing|investment|stake)\s(?:in|into)|(?:acquisition|takeover|purchase)\sof|"
                     rf"invest(?:s|ed|ing)?\s(?:[^\s.;]+\s){{0,5}}?(?:in|into)|"
                     rf"acquir(?:e|es|ed|ing)|bought|buys?|buying)\s(?:the\s)?(?:[a-z-]+\s|\([A-Z]+\)\s){{0,4}}?"
                     rf"(?P<name>{_TOKEN}(?:\s{_TOKEN}){{0,3}})")
_NOT_NAMES = frozenset((
    "The This That These Those It Its They Their He She We I You Our His Her A An Some Many Most All Both "
    "Each Investors Shares Startups Start-ups Companies Firms Banks Analysts Earlier Later Last Next In On At "
    "By For From With After Before Since During Separately Meanwhile Also And But Yet So Then Now Today "
    "Yesterday Overall Together Total Funding Financing Chinese American Japanese Korean European Indian "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Reuters Bloomberg").split())


def _name(candidate: str) -> str | None:
    words = candidate.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    name = " ".join(words).rstrip(".,'’")
    if not name or len(name) < 2 or name.isupper() and len(name) <= 2:
        return None
    places = find_places(name)
    if places and places[0][0] == 0 and places[0][1] >= len(name):
        return None  # "Singapore raised": a place, not a company
    return name


def subject_raiser(clause: str, cue: int) -> str | None:
    """The unknown company a clause says raised money, named before the cue (the amount)."""
    if not any(c.isupper() for c in clause[:cue]):
        return None
    found = [m for m in _SUBJECT.finditer(clause, 0, cue)]
    return _name(found[-1].group("name")) if found else None


def object_raiser(clause: str) -> str | None:
    """The unknown company a round is "in" or a takeover is "of" ("led a $20 million round in Acme")."""
    match = _OBJECT.search(clause)
    return _name(match.group("name")) if match else None
