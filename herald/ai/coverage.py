"""Compare coverage of a story: who reported it first, who only reprinted someone else's text, and which
checkable details (numbers, names, quotes) only one outlet has.

Everything is matched on the articles' own words, so nothing is invented: a fact is a span of an outlet's
text. Matching is deliberately lenient (a number by its value whatever unit word follows it, a name by its key
or by its words appearing in the other text, a quote by containment), because calling a fact exclusive when
another outlet did report it misleads the reader more than missing an exclusive does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from herald.ai.timeline import article_time, cut_at_word
from herald.ai.types import CoverageComparison, Fact, OutletCoverage
from herald.enrich.entities import extract_entities
from herald.models import Article

MAX_ARTICLES = 40  # the earliest tellings say who had what first; reading more only costs time
FACTS_PER_OUTLET = 5
MAX_SHARED = 8
MIN_QUOTE_WORDS = 5
_NAMES_PER_ARTICLE = 15
_NAMES_HEAD_CHARS = 2_500  # names are looked for in an article's head (the name finder is the slow part);
# its whole text is still searched when another outlet's name is matched against it
MAX_QUOTE_WORDS = 80  # a longer "quote" is two quotation marks that do not belong together

_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_SCALE_ABBREVIATIONS = {"bn": "billion", "tn": "trillion", "trn": "trillion"}  # "m" only after a currency
_CURRENCY_WORDS = {"dollars": "$", "euros": "€", "pounds": "£", "yen": "¥"}
_UNITS = (
    "thousand|million|billion|trillion|bn|trn|tn|m|km|kilometres|kilometers|kilometre|kilometer|miles|mile|"
    "metres|meters|metre|meter|cm|mm|kg|kilograms|grams|tonnes|tons|mph|km/h|feet|ft|inches|acres|hectares|"
    "litres|liters|gallons|barrels|degrees|dollars|euros|pounds|yen|people|persons|dead|killed|injured|"
    "wounded|deaths|died|victims|casualties|missing|survivors|children|adults|students|patients|cases|"
    "residents|civilians|soldiers|troops|officers|workers|employees|jobs|staff|members|migrants|refugees|"
    "passengers|homes|houses|buildings|families|votes|voters|seats|points|goals|years|year|months|month|"
    "weeks|week|days|day|hours|hour|minutes|seconds|times|percentage points"
)
_NUMBER = re.compile(
    r"(?<![\w.:/])(?<![^\W\d_]-)"  # not inside a word, a decimal, a time, a date or a name like "COVID-19"
    r"(?P<currency>[$€£¥])?\s?"
    r"(?P<digits>\d{1,3}(?:[,\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<percent>\s?%|\s?per\s?cent\b|\s?percent\b)?"
    rf"(?:[\s-]?(?P<unit>(?:{_UNITS}))\b)?",
    re.IGNORECASE,
)
_QUOTES = (re.compile(r"“([^“”]+)”"), re.compile(r'"([^"]+)"'), re.compile(r"‘(.+?)’(?!\w)"))
_WORD = re.compile(r"\w+")
_SHARED_ORDER = {"number": 0, "quote": 1}  # then names


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One fact as an outlet wrote it. ``key`` is what matches it elsewhere (a number's value, a quote's or a
    name's normalised words); ``rank`` orders exclusives: kind first, then mentions, then first appearance."""

    kind: str
    key: str
    text: str
    rank: tuple[int, int, int]
    entity: str = ""  # a name's entity key
    surname: str = ""  # a person's last name, which other outlets may use alone


@dataclass(slots=True)
class _Outlet:
    publisher_id: int
    publisher_name: str
    own: list[Article] = field(default_factory=list)
    reprints: list[Article] = field(default_factory=list)
    facts: list[_Candidate] = field(default_factory=list)
    number_keys: set[str] = field(default_factory=set)  # every number, even those too plain to be facts
    name_keys: set[str] = field(default_factory=set)
    quote_keys: set[str] = field(default_factory=set)
    text: str = ""  # the normalised words of all its own tellings, space-padded

    def first_time(self) -> datetime:
        return min(article_time(a) for a in (*self.own, *self.reprints))

    def has(self, fact: _Candidate) -> bool:
        """Whether this outlet's own tellings report ``fact`` too."""
        if fact.kind == "number":
            return fact.key in self.number_keys
        if fact.kind == "name":
            return (
                fact.entity in self.name_keys
                or _contains(self.text, fact.key)
                or _contains(self.text, fact.surname)
            )
        return _contains(self.text, fact.key) or any(_contains(f" {fact.key} ", q) for q in self.quote_keys)


def compare_coverage(
    story_articles: Sequence[Article],
    *,
    story_id: int | None,
    facts_per_outlet: int = FACTS_PER_OUTLET,
    max_articles: int = MAX_ARTICLES,
) -> CoverageComparison:
    """The outlets that reported the story, first reporter first, each with the details only it has, and the
    details every outlet with its own telling agrees on. Only the earliest ``max_articles`` articles are
    considered at all (for outlets and counts too), so a story of hundreds of articles stays fast."""
    unique = {a.id: a for a in story_articles}
    publisher_of = {a.id: a.publisher_id for a in unique.values()}
    read = sorted(unique.values(), key=lambda a: (article_time(a), a.id))[: max(0, max_articles)]
    outlets: dict[int, _Outlet] = {}
    for article in read:
        outlet = outlets.setdefault(
            article.publisher_id, _Outlet(article.publisher_id, article.publisher_name)
        )
        (outlet.reprints if _reprints_another(article, publisher_of) else outlet.own).append(article)
    ordered = sorted(outlets.values(), key=lambda o: (o.first_time(), o.publisher_name, o.publisher_id))
    tellers = [o for o in ordered if o.own]
    if len(tellers) >= 2:
        for outlet in tellers:
            _read_facts(outlet)
    return CoverageComparison(
        story_id=story_id,
        outlets=tuple(
            _coverage(outlet, _exclusive(outlet, tellers, facts_per_outlet), first=index == 0)
            for index, outlet in enumerate(ordered)
        ),
        shared=_shared(tellers),
    )


def _reprints_another(article: Article, publisher_of: dict[str, int]) -> bool:
    """Whether the article carries another outlet's text. An origin outside the story is unknown, so the
    article is the only telling of that text there is and counts as its outlet's own."""
    origin = article.copy_of
    if origin is None or origin == article.id or origin not in publisher_of:
        return False
    return publisher_of[origin] != article.publisher_id


def _coverage(outlet: _Outlet, exclusive: tuple[Fact, ...], *, first: bool) -> OutletCoverage:
    shown = (outlet.own or outlet.reprints)[0]  # its earliest own telling, else its earliest reprint
    return OutletCoverage(
        publisher_id=outlet.publisher_id,
        publisher_name=outlet.publisher_name,
        article_id=shown.id,
        title=shown.title,
        first_time=outlet.first_time(),
        article_count=len(outlet.own),
        reprints=len(outlet.reprints),
        exclusive=exclusive,
        first=first,
    )


def _exclusive(outlet: _Outlet, tellers: Sequence[_Outlet], limit: int) -> tuple[Fact, ...]:
    """Facts of ``outlet`` no other outlet's own telling has. With no other telling to compare with (one
    outlet, or one and its reprinters), nothing is exclusive."""
    others = [o for o in tellers if o is not outlet]
    if not others or not outlet.own:
        return ()
    found = sorted((f for f in outlet.facts if not any(o.has(f) for o in others)), key=lambda f: f.rank)
    return tuple(Fact(f.kind, f.text, (outlet.publisher_name,)) for f in found[: max(0, limit)])


def _shared(tellers: Sequence[_Outlet]) -> tuple[Fact, ...]:
    if len(tellers) < 2:
        return ()
    first, rest = tellers[0], tellers[1:]
    found = [f for f in first.facts if all(o.has(f) for o in rest)]
    found.sort(key=lambda f: (_SHARED_ORDER.get(f.kind, 2), f.rank))
    names = tuple(o.publisher_name for o in tellers)
    return tuple(Fact(f.kind, f.text, names) for f in found[:MAX_SHARED])


def _read_facts(outlet: _Outlet) -> None:
    """Fill in the outlet's facts, and what other outlets' facts are matched against, from its tellings."""
    quotes: dict[str, _Candidate] = {}
    numbers: dict[str, _Candidate] = {}
    names: dict[str, _Candidate] = {}
    words: list[str] = []
    for article in outlet.own:
        for text in (article.title, *article.paragraphs):
            words.append(_normalise(text))
            for quote in _quotes_in(text):
                key = _normalise(quote)
                outlet.quote_keys.add(key)
                quotes.setdefault(key, _Candidate("quote", key, cut_at_word(quote), (0, 0, len(quotes))))
            for number in _numbers_in(text):
                outlet.number_keys.add(number.key)
                kept = numbers.get(number.key)
                if number.rank[0] >= 0 and (kept is None or kept.rank[0] > number.rank[0]):
                    numbers[number.key] = number  # the first writing, or the first with a unit
        for entity in extract_entities(article.title, _head(article.paragraphs), limit=_NAMES_PER_ARTICLE):
            kept = names.get(entity.key)
            mentions = entity.count + (-kept.rank[1] if kept else 0)
            position = kept.rank[2] if kept else len(names)
            name = kept.text if kept else entity.name
            surname = _normalise(name).rsplit(" ", 1)[-1] if entity.kind == "person" and " " in name else ""
            names[entity.key] = _Candidate(
                "name", _normalise(name), name, (2, -mentions, position), entity.key, surname
            )
    outlet.text = f" {' '.join(words)} "
    outlet.name_keys = set(names)
    ordered_numbers = sorted(numbers.values(), key=lambda n: n.rank)
    outlet.facts = [
        *quotes.values(),
        *(_Candidate(n.kind, n.key, n.text, (n.rank[0], 0, i)) for i, n in enumerate(ordered_numbers)),
        *(n for n in names.values() if n.key),
    ]


def _numbers_in(text: str) -> Iterable[_Candidate]:
    """Every number in ``text`` keyed by its value (currency, digits without separators times any scale
    word, per cent). ``rank[0]`` is 1 with a unit, 3 without, and -1 when too plain to be a fact (a lone
    digit, a bare year) though still worth matching other outlets' numbers against."""
    for match in _NUMBER.finditer(text):
        after = text[match.end() : match.end() + 2]
        if after[:1].isalnum() or (after[:1] in ":/" and after[1:].isdigit()):
            continue  # "2nd", "5G", "10:30", "12/05"
        digits = match["digits"].replace(",", "").replace("\u00a0", "").replace("\u202f", "")
        unit = (match["unit"] or "").lower()
        currency = match["currency"] or _CURRENCY_WORDS.get(unit, "")
        scale = _SCALE_ABBREVIATIONS.get(unit, unit)
        if unit == "m" and match["currency"]:
            scale = "million"  # "$5m"; a bare "100m" is metres
        try:
            value = Decimal(digits) * _SCALES.get(scale, 1)
        except InvalidOperation:
            continue
        percent = "%" if match["percent"] else ""
        key = f"{currency}{format(value.normalize(), 'f')}{percent}"
        measured = bool(currency or percent or unit)
        plain = not measured and digits == match["digits"] and "." not in digits
        too_plain = plain and (len(digits) == 1 or (len(digits) == 4 and 1900 <= int(digits) <= 2099))
        yield _Candidate(
            "number", key, match.group().strip(), (-1 if too_plain else 1 if measured else 3, 0, 0)
        )


def _quotes_in(text: str) -> Iterable[str]:
    for pattern in _QUOTES:
        for match in pattern.finditer(text):
            quote = match[1].strip().rstrip(",;:")
            if MIN_QUOTE_WORDS <= len(_WORD.findall(quote)) <= MAX_QUOTE_WORDS:
                yield quote


def _normalise(text: str) -> str:
    """Lower-case words without accents, one space apart: the form quotes and names are matched in."""
    folded = text.lower()
    if not folded.isascii():
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(folded))


def _head(paragraphs: Sequence[str]) -> list[str]:
    """The leading paragraphs, up to about ``_NAMES_HEAD_CHARS`` (at least one)."""
    head: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if head and size + len(paragraph) > _NAMES_HEAD_CHARS:
            break
        head.append(paragraph)
        size += len(paragraph)
    return head


def _contains(haystack: str, words: str) -> bool:
    """Whether the normalised ``words`` occur in the space-padded normalised ``haystack`` as whole words."""
    return bool(words) and f" {words} " in haystack
