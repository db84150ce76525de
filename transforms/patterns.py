"""Regular expressions built from word lists."""
from __future__ import annotations

import re


def alternation(words) -> str:
    """A regex matching any of words, longest first, written as a trie ("C(?:hina|hinese)").

    Python's engine tries every branch of an alternation at every position; sharing prefixes
    leaves it one branch per character, which makes long lists (places, company names) cheap."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: dict) -> str:
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy: the longer word is tried first, the shorter one only if the rest fails.
    return f"(?:{body})?" if "" in node else body
