"""Words of a news text as the entity finder sees them: each with its shape (Capitalised, ACRONYM, lower or
something that ends a name) and whether it opens a sentence, and the runs of capitalised words that may be
names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from herald.enrich._gazetteer import fold
from herald.enrich._lexicon import ABBREVIATIONS, CONNECTORS, GLUED_PREFIXES, ROLE_NOUNS

_TOKEN = re.compile(
    r"(?P<abbr>(?:[^\W\d_]\.){2,})"  # U.S., U.K., L.A.
    r"|(?P<word>[^\W\d_](?:[\w'’\-]*[^\W_])?)"  # words, with inner hyphens and apostrophes
    r"|(?P<num>\d[\d.,:]*\w*)"  # 29th, 4G, 1990s
    r"|(?P<punct>[^\w\s])"
)
_COMPOUND = re.compile(r"(.+?)-([a-z][a-z\-]*)")
_GLUED = re.compile(r"([a-z]+)[\-'’](.)")
_SENTENCE_END = frozenset('.!?:;|“”"‘([—–')


@dataclass(frozen=True)
class Token:
    text: str
    shape: str  # "title" (Capitalised), "acronym", "lower", or "break" for anything that ends a name
    sentence_start: bool
    ends_name: bool = False  # a possessive or a "Paris-based" compound: the name stops after it


def shape(word: str) -> str:
    """ "title", "acronym" (2 to 6 capitals), "lower", or "break" for what cannot be part of a name."""
    if word.isalpha():  # the common case, without the work below
        if word.isupper():
            return "acronym" if 2 <= len(word) <= 6 else "break"
        return "title" if word[0].isupper() else "lower"
    letters = [ch for ch in word if ch.isalpha()]
    if any(ch.isdigit() for ch in word) or not letters:
        return "break"
    if all(ch.isupper() for ch in letters):
        return "acronym" if 2 <= len(letters) <= 6 else "break"
    if word[0].isupper():
        return "title"
    glued = _GLUED.match(word)
    if glued and glued.group(1) in GLUED_PREFIXES and glued.group(2).isupper():
        return "title"
    return "lower"


def tokenize(text: str) -> Iterator[Token]:
    start = True
    previous_word = previous_token = ""
    for match in _TOKEN.finditer(text):
        kind, raw = match.lastgroup, match.group()
        if raw in ("s", "t") and previous_token in ("'", "’"):  # "Sheriff ’ s", "don ' t" in spaced-out text
            continue
        previous_token = raw
        if kind == "punct" or kind == "num":
            if raw == "." and previous_word.lower() in ABBREVIATIONS:
                continue
            if raw in _SENTENCE_END or (raw == "-" and text[match.start() - 1 : match.start()] == " "):
                start = True
            yield Token(raw, "break", False)
            previous_word = ""
            continue
        word = raw.replace(".", "") if kind == "abbr" else raw
        possessive = len(word) > 2 and word[-2] in "'’" and word[-1] == "s"
        word = word[:-2] if possessive else word
        compound = _COMPOUND.fullmatch(word) if "-" in word else None  # "Paris-based", "Russian-backed"
        if compound and compound.group(1)[:1].isupper():
            word = compound.group(1)
        yield Token(word, shape(word), start, ends_name=possessive or bool(compound))
        start = False
        previous_word = raw


def capital_runs(tokens: list[Token]) -> Iterator[tuple[list[Token], bool]]:
    """Maximal runs of capitalised words (connectors allowed inside), each with whether a lower-case role
    noun ("actress", "coach") stands just before it."""
    i = 0
    while i < len(tokens):
        if tokens[i].shape not in ("title", "acronym"):
            i += 1
            continue
        cue = i > 0 and tokens[i - 1].shape == "lower" and fold(tokens[i - 1].text) in ROLE_NOUNS
        run = [tokens[i]]
        j = i + 1
        while j < len(tokens) and not run[-1].ends_name:
            token = tokens[j]
            name_word = token.shape in ("title", "acronym") and not token.sentence_start
            connector = token.shape == "lower" and (
                token.text in CONNECTORS or (token.text == "the" and run[-1].text == "of")
            )
            if not (name_word or (connector and j + 1 < len(tokens) and tokens[j + 1].shape != "break")):
                break
            run.append(token)
            j += 1
        while run[-1].shape == "lower":
            run.pop()
        yield run, cue
        i = j
