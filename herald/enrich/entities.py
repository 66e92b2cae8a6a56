"""Named entities by statistics and word lists, with no model to download: runs of capitalised words become
candidate names, and what surrounds them (a title, an organisation word, a gazetteer entry, a later mention by
surname alone) says what kind of name each is.

It is deliberately conservative about single words: a capitalised word at the start of a sentence, or in a
Title Case headline, says nothing about being a name, so such a word counts only when the article also uses it
as a name somewhere else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from herald.enrich._gazetteer import fold, place_name
from herald.enrich._lexicon import (
    CALENDAR_WORDS,
    CONNECTORS,
    FOREIGN_SENTENCE_STARTERS,
    GENERIC,
    MONTHS_AND_DAYS,
    NAME_PARTICLES,
    NOT_ACRONYMS,
    ORG_WORDS,
    OTHER_WORDS,
    PERSON_TITLES,
    PLACE_PREFIXES,
    PLACE_WORDS,
    STOPWORDS,
    TITLE_MODIFIERS,
)
from herald.enrich._tokens import Token, capital_runs, shape, tokenize

_ARTICLES = frozenset(("the", "a", "an"))
_TITLE_WORDS = PERSON_TITLES | TITLE_MODIFIERS | {"of", "the"}
_KIND_WORDS = ORG_WORDS | PLACE_WORDS | PLACE_PREFIXES | OTHER_WORDS | _TITLE_WORDS
_FUNCTION_WORDS = STOPWORDS | CONNECTORS
_HEAD_WORDS = ORG_WORDS | PLACE_WORDS | OTHER_WORDS  # a name ending in one is not a person's
_SINGLE_NOT_NAMES = STOPWORDS | GENERIC | MONTHS_AND_DAYS | _KIND_WORDS
_SENTENCE_STARTERS = STOPWORDS | FOREIGN_SENTENCE_STARTERS
_NOT_IN_NAMES = (STOPWORDS | CONNECTORS) - NAME_PARTICLES  # "Take Me Out", "Game of Thrones": titles of works
_TITLE_CASE_LOWER_SHARE = 0.1  # a headline with at most this share of lower-case content words is Title Case
_SHOUTING_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Entity:
    """A name an article mentions: ``key`` is its stable identity (lower case, no accents, words joined by
    "-"), ``name`` the best way to write it, ``count`` its mentions with each one in the headline counted
    twice."""

    key: str
    name: str
    kind: str
    count: int


@dataclass(frozen=True)
class _Mention:
    words: tuple[str, ...]
    weight: int
    first_paragraph: bool
    position: int
    sentence_start: bool
    titled: bool


@dataclass
class _Candidate:
    words: tuple[str, ...]
    place: str | None = None
    surfaces: Counter[str] = field(default_factory=Counter)
    count: int = 0
    salience: int = 0
    position: int = 1 << 30
    titled: bool = False
    referred_to: bool = False  # a surname alone pointed back at it
    acronym: bool = False  # an acronym spelled its initials
    only_sentence_start: bool = True

    def add(self, mention: _Mention) -> None:
        self.surfaces[" ".join(mention.words)] += 1
        self.count += mention.weight
        self.salience += mention.weight + (1 if mention.first_paragraph else 0)
        self.position = min(self.position, mention.position)
        self.titled |= mention.titled
        self.only_sentence_start &= mention.sentence_start

    def absorb(self, other: _Candidate) -> None:
        self.count += other.count
        self.salience += other.salience
        self.position = min(self.position, other.position)
        self.titled |= other.titled
        self.only_sentence_start = False


def entity_key(name: str) -> str:
    """The identity of a name: "Emmanuel Macron" and "EMMANUEL MACRÓN" are both "emmanuel-macron"."""
    parts = re.split(r"[\s\-]+", fold(name).replace("’", "").replace("'", "").replace(".", ""))
    return "-".join(p for p in ("".join(ch for ch in part if ch.isalnum()) for part in parts) if p)


def _place_prefix(words: Sequence[str]) -> int:
    """How many leading words name a place in the gazetteer (longest first), 0 if none."""
    for size in range(min(4, len(words)), 0, -1):
        if place_name(" ".join(words[:size])):
            return size
    return 0


def _title_block(words: Sequence[str], start: int) -> int:
    """How many words from ``start`` make a title ("Prime Minister", "Secretary of State"); 0 for none."""
    end = start
    while end < len(words) and words[end].lower() in _TITLE_WORDS:
        end += 1
    while end > start and words[end - 1].lower() in ("of", "the"):
        end -= 1
    return end - start if any(w.lower() in PERSON_TITLES for w in words[start:end]) else 0


def _names_in_run(words: list[str], initial: bool, cue: bool) -> Iterator[tuple[tuple[str, ...], bool, bool]]:
    """(words, sentence-initial, titled) for the names in one run of capitalised words, once leading stopwords
    are dropped and titles cut out: "French President Emmanuel Macron" gives "French" and, titled, "Emmanuel
    Macron"; "Dr Sanjay Gupta of Emory University" gives the doctor and the university."""
    title = _title_block(words, 0)
    if title and title < len(words) and words[title] in ("of", "at"):
        rest = words[title + 1 :]
        if rest[-1].lower() in ORG_WORDS or _place_prefix(rest) == len(rest):  # "CEO of Acme Corp"
            yield tuple(rest), False, False
        elif len(rest) >= 3:  # "Secretary of Commerce Gary Locke"
            yield tuple(rest[1:]), False, True
        return
    if "of" in words[1:-1]:
        at = words.index("of", 1)
        before, after = words[:at], words[at + 1 :]
        core = before[_title_block(before, 0) :] or before
        owned = {core[0].lower(), core[-1].lower()} & _KIND_WORDS  # "Bank of England", "Gulf of Aden"
        if not owned and (_place_prefix(after) == len(after) or after[-1].lower() in ORG_WORDS):
            yield from _names_in_run(before, initial, cue)
            yield from _names_in_run(after, False, False)
            return
    while words and words[-1].lower() in CALENDAR_WORDS:
        words = words[:-1]
    while words and not _place_prefix(words):
        first = words[0].lower()
        if first in _ARTICLES or first in CALENDAR_WORDS or (initial and first in _SENTENCE_STARTERS):
            words, initial = words[1:], False
        else:
            break
    if not words or words[-1].lower() in _HEAD_WORDS:
        if words:
            yield tuple(words), initial, False
        return
    titles = [i for i, word in enumerate(words) if word.lower() in PERSON_TITLES]
    if titles:  # the name follows the last title: "Chief Financial Officer John Smith"
        end = titles[-1] + 1
        while end < len(words) and words[end].lower() in _TITLE_WORDS:
            end += 1
        before, name = list(words[: titles[-1]]), words[end:]
        while before and before[-1].lower() in _TITLE_WORDS:
            before.pop()
        if not (before and len(name) < 2 and _place_prefix(before) != len(before)):  # not "Burger King"
            if before:
                yield tuple(before), initial, False
            if name:
                yield tuple(name), False, True
            return
    yield tuple(words), initial, cue


def _capitals_say_nothing(tokens: list[Token], headline: bool) -> bool:
    """A text in capitals, or a headline in Title Case (where verbs are capitalised too)."""
    words = [t.text for t in tokens if t.text[:1].isalpha()]
    if len(words) >= 3 and sum(w.isupper() and len(w) > 1 for w in words) >= _SHOUTING_SHARE * len(words):
        return True
    content = [t for t in tokens if t.shape != "break" and t.text.lower() not in _FUNCTION_WORDS]
    lower = sum(t.shape == "lower" for t in content)
    return headline and len(content) >= 4 and lower <= _TITLE_CASE_LOWER_SHARE * len(content)


def _mentions(
    tokens: list[Token], weight: int, first_paragraph: bool, start: int
) -> tuple[list[_Mention], bool]:
    """Mentions in ordinary prose, or ([], True) for a Title Case headline or a text in capitals, whose
    capitals say nothing and which is matched later against the names found elsewhere."""
    if _capitals_say_nothing(tokens, headline=weight > 1):
        return [], True
    found: list[_Mention] = []
    for run, cue in capital_runs(tokens):
        for words, initial, titled in _names_in_run([t.text for t in run], run[0].sentence_start, cue):
            found.append(_Mention(words, weight, first_paragraph, start + len(found), initial, titled))
    return found, False


def _known_mentions(tokens: list[Token], known: set[str], weight: int, start: int) -> list[_Mention]:
    """Names from ``known`` (and places, and acronyms) found in a text whose capitals cannot be trusted."""
    tokens = [t for t in tokens if t.shape != "break"]
    words = [t.text for t in tokens]
    shouting = sum(t.shape == "acronym" for t in tokens) >= _SHOUTING_SHARE * max(1, len(tokens))
    found: list[_Mention] = []
    i = 0
    while i < len(words):
        for size in range(min(5, len(words) - i), 0, -1):
            span = tuple(words[i : i + size])
            key = entity_key(" ".join(span))
            trusted = not shouting and (
                place_name(" ".join(span)) or (size == 1 and shape(span[0]) == "acronym")
            )
            if key in known or trusted:
                # sentence_start=True: capitals here do not vouch for a single word being a name
                found.append(_Mention(span, weight, False, start + len(found), True, False))
                i += size
                break
        else:
            i += 1
    return found


def _kind(candidate: _Candidate, lowercase_seen: set[str]) -> str:
    words = [w for w in candidate.words if w.lower() not in NAME_PARTICLES]
    first, last = candidate.words[0].lower(), candidate.words[-1].lower()
    several = len(candidate.words) > 1
    if candidate.place:
        return "place"
    inner = candidate.words[1:-1] if any(w in CONNECTORS for w in candidate.words) else ()
    if candidate.acronym or (shape(candidate.words[0]) == "acronym" and not several):
        return "organization"
    if any(w.lower() in ORG_WORDS for w in (first, last, *inner)):
        return "organization"
    if several and last in PLACE_WORDS:
        return "place"
    if several and _place_prefix(candidate.words) and not candidate.titled:
        return "organization"  # "Chicago Bulls", "Washington Post": a place's team, paper or firm
    if several and first in PLACE_PREFIXES:
        return "place"
    if last in OTHER_WORDS or any(w.lower() in _NOT_IN_NAMES for w in candidate.words):
        return "other"
    all_title_case = all(shape(w) == "title" for w in words)
    if 1 <= len(words) <= 3 and all_title_case and (candidate.titled or candidate.referred_to):
        return "person"
    looks_like_a_name = not any(fold(w) in lowercase_seen or w.lower() in GENERIC for w in words)
    if 2 <= len(words) <= 3 and all_title_case and looks_like_a_name:
        return "person"
    return "other"


def _keep_single(candidate: _Candidate) -> bool:
    word = candidate.words[0]
    lower = word.lower()
    if candidate.place or candidate.titled:
        return True
    if len(word) < 2 or lower in _SINGLE_NOT_NAMES:
        return False
    if shape(word) == "acronym":
        return lower not in NOT_ACRONYMS
    return not candidate.only_sentence_start


def extract_entities(title: str, paragraphs: Sequence[str], limit: int = 12) -> list[Entity]:
    """The people, places, organisations and other names an article mentions, most salient first: by
    mentions, a headline mention counting twice and a first-paragraph mention weighing one more in the
    ranking, then by first appearance."""
    mentions: list[_Mention] = []
    distrusted: list[tuple[list[Token], int]] = []
    lowercase_seen: set[str] = set()
    for index, (text, weight) in enumerate([(title, 2)] + [(p, 1) for p in paragraphs]):
        tokens = list(tokenize(text or ""))
        lowercase_seen.update(fold(t.text) for t in tokens if t.shape == "lower")
        found, untrusted = _mentions(tokens, weight, index == 1, len(mentions))
        mentions.extend(found)
        if untrusted:
            distrusted.append((tokens, weight))

    candidates: dict[str, _Candidate] = {}

    def add(mention: _Mention) -> None:
        place = place_name(" ".join(mention.words))
        words = tuple(place.split()) if place else mention.words
        key = entity_key(" ".join(words))
        if key:
            candidates.setdefault(key, _Candidate(words, place=place)).add(mention)

    for mention in mentions:
        add(mention)
    known = set(candidates) | {entity_key(c.words[-1]) for c in candidates.values() if len(c.words) > 1}
    for tokens, weight in distrusted:
        for mention in _known_mentions(tokens, known, weight, len(mentions)):
            add(mention)
    _fold_references(candidates, lowercase_seen)
    kept = [c for c in candidates.values() if len(c.words) > 1 or _keep_single(c)]
    kept.sort(key=lambda c: (-c.salience, c.position))
    return [
        Entity(
            key=entity_key(" ".join(c.words)),
            name=c.place or c.surfaces.most_common(1)[0][0],
            kind=_kind(c, lowercase_seen),
            count=c.count,
        )
        for c in kept[:limit]
    ]


def _fold_references(candidates: dict[str, _Candidate], lowercase_seen: set[str]) -> None:
    """Fold names into the one they stand for. A run that only ever opened a sentence with a common word
    ("Polygamist Warren Jeffs") goes to the name without it. A short name goes to the full one: a surname or
    the end of a name ("Macron", "Lo Presti"), a first name that only one full name in the article has
    ("Tony" -> "Tony Thompson"), an acronym of its initials ("FBI" -> "Federal Bureau of Investigation")."""
    for key, candidate in list(candidates.items()):
        words = candidate.words
        shorter = candidates.get(entity_key(" ".join(words[1:]))) if len(words) > 2 else None
        if shorter is not None and candidate.only_sentence_start and fold(words[0]) in lowercase_seen:
            shorter.absorb(candidate)
            del candidates[key]
    by_tail: dict[tuple[str, ...], list[_Candidate]] = {}
    by_first: dict[str, list[_Candidate]] = {}
    by_initials: dict[str, _Candidate] = {}
    for candidate in sorted(candidates.values(), key=lambda c: -c.count):
        words = candidate.words
        if len(words) < 2 or candidate.place:
            continue
        person_like = (candidate.titled or not _place_prefix(words)) and all(
            w.lower() not in _KIND_WORDS for w in words
        )
        if person_like and shape(words[-1]) == "title":
            for size in range(1, len(words)):
                by_tail.setdefault(tuple(fold(w) for w in words[-size:]), []).append(candidate)
        if person_like and shape(words[0]) == "title":
            by_first.setdefault(fold(words[0]), []).append(candidate)
        initials = "".join(w[0] for w in words if w.lower() not in CONNECTORS | _ARTICLES)
        if len(initials) >= 2:
            by_initials.setdefault(initials.upper(), candidate)
    for key, candidate in list(candidates.items()):
        words = candidate.words
        if len(words) > 2 or (len(words) == 2 and candidate.titled):
            continue
        tails = by_tail.get(tuple(fold(w) for w in words), [])
        if len(words) == 1 and shape(words[0]) == "acronym":
            target = by_initials.get(words[0])
        else:
            owners = [] if candidate.place or len(words) > 1 else by_first.get(fold(words[0]), [])
            target = tails[0] if tails else (owners[0] if len(owners) == 1 else None)
        if target is not None and target is not candidate:
            target.absorb(candidate)
            target.referred_to |= bool(tails) and target is tails[0]
            target.acronym |= shape(words[0]) == "acronym"
            del candidates[key]
