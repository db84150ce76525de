"""Text normalisation, article identity and sentence spans."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import NamedTuple

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp",
    "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "gen",
    "approx", "est", "dept", "fig", "mt", "ft", "bn", "mn", "mln",
}
# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by space
# and something that can start a sentence.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# The letters and dots right before a full stop, read in the reversed paragraph: one match from the
# stop, where the search for r"([A-Za-z.]+)$" tried every start up to it.
_WORD_BEFORE = re.compile(r"[A-Za-z.]*")
_INITIALS = re.compile(r"(?:[a-z]\.){0,2}[a-z]")


class Sentence(NamedTuple):
    """A sentence and its offsets in the article text."""

    start: int
    end: int
    text: str


def normalise_text(text: str) -> str:
    """Canonical article text: NFC, no BOM, Unix newlines, trimmed lines and ends."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def article_id(normalised_text: str) -> str:
    """First 16 hex digits of the SHA-256 of the normalised text."""
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()[:16]


def count_words(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def _is_abbreviation(paragraph: str, backwards: str, dot: int) -> bool:
    """Whether the full stop at dot ends an abbreviation; backwards is the paragraph reversed."""
    if paragraph[dot] != ".":
        return False
    back = len(paragraph) - dot  # where the reversed paragraph reads on from the stop
    # Abbreviations are short: the letters are read back at most 30 characters.
    length = _WORD_BEFORE.match(backwards, back, len(paragraph) - max(0, dot - 30)).end() - back
    if not length:
        return False
    word = paragraph[dot - length:dot].lower().strip(".")
    # Initials ("J. Smith", "C.C. Wei") and listed abbreviations.
    return word in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


def _split_paragraph(paragraph: str, offset: int) -> list[Sentence]:
    sentences, start, backwards = [], 0, paragraph[::-1]
    for match in _BOUNDARY.finditer(paragraph):
        if _is_abbreviation(paragraph, backwards, match.start()):
            continue
        end = match.end()
        piece = paragraph[start:end].rstrip()
        if piece:
            sentences.append(Sentence(offset + start, offset + start + len(piece), piece))
        start = end
    piece = paragraph[start:].rstrip()
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        sentences.append(Sentence(offset + start + lead, offset + start + len(piece), piece.lstrip()))
    return sentences


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a text with exact offsets: lines never share a sentence."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        stripped = line.group(0).strip()
        if not stripped:
            continue
        lead = len(line.group(0)) - len(line.group(0).lstrip())
        sentences.extend(_split_paragraph(stripped, line.start() + lead))
    return sentences
