"""Asking questions of news articles: does Herald's ``answer_question`` quote the sentence that holds the
answer, does it say it has an answer, and does it decline when the article cannot answer?

The questions are built from the 250 CNN / Daily Mail articles of ../shared/eval/summaries: each human-written
highlight becomes a cloze question by replacing a span with a wh-word, the span being a number the article
also has (preferred: the longest) or else the longest name ``extract_entities`` finds in the article that the
highlight also writes, capitalised ("Gary Locke will be confirmed as Kilmarnock boss on Friday" -> "Who will
be confirmed as Kilmarnock boss on Friday?"). Highlights with no such span are skipped. The passages are the
article's sentences (``split_sentences``, embedded once per article); the questions are embedded too.

Measured, on the article the question came from:
- hit rate: share of questions where a returned quote (at most 3) contains the answer (case-insensitive;
  numbers compared as numbers, "2,100" = "2100"), and hit@1 for the first quote;
- answered rate: share where Herald says it answers (every question here is answerable);
and on the next article in the file (wrapping around), which is about something else:
- refusal rate: share of the same questions where Herald says it has no answer;
and, harder, on the same article without the sentences that hold the answer (refusal rate again).
Baselines in the same run, on the same sentences: the first three (lead-3), three at random (seeded), the
top three by TF-IDF cosine (scikit-learn, fitted per article; also cut to as many quotes as Herald shows) and
by plain embedding cosine (the vectors Herald gets). "ceiling" is the share of questions whose answer is in
some sentence at all.

Usage: python bench/ask.py [--data ../shared/eval/summaries/cnndm-frank.jsonl] [--limit N] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from herald.ai.answer import Passage, answer_question
from herald.ai.sentences import embed_sentences, split_sentences
from herald.ai.types import Sentence
from herald.enrich import extract_entities, load_embedder

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval" / "summaries" / "cnndm-frank.jsonl"
QUOTES = 3
ARTICLE_TIME = datetime(2015, 4, 1, tzinfo=UTC)  # the corpus's articles are from spring 2015
_MIN_QUESTION_WORDS = 4  # with the wh-word: "Who scored?" says too little to be a question about this article
_PTB = {"-LRB-": "(", "-RRB-": ")", "``": '"', "''": '"'}  # the Penn Treebank spellings the highlights use
_NUMBER = re.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)*")
_CURRENCY = re.compile(r"[£$€]\s?$")
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? $"
)
_MAGNITUDE = re.compile(r"^\s?(million|billion|trillion|m|bn|k)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Record:
    id: str
    url: str
    article: str
    highlights: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    article: int  # index of the article it was built from
    highlight: str
    text: str
    answer: str  # the span as the highlight writes it
    kind: str  # "number", or the name's kind: "person", "place", "organization", "other"
    target: str  # what a quote must contain: a number without separators, or a lower-cased name


# Loading -------------------------------------------------------------------------------------------------


def _detokenise(text: str) -> str:
    """The highlights are Penn-Treebank tokenised ("Locke 's", "£ 2,100", "` quoted '"); questions read
    better, and names match the article, when they are written back the ordinary way."""
    for token, plain in _PTB.items():
        text = text.replace(token, plain)
    text = re.sub(r"`\s?(.*?)\s?'(?=\s|$)", r"'\1'", text).replace("`", "'")
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$£€]) ", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def load_records(path: Path, limit: int | None) -> list[Record]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            parts = (_detokenise(p).rstrip(" .") for p in item["reference"].split(" . "))
            records.append(Record(item["id"], item["url"], item["article"], tuple(p for p in parts if p)))
    return records[:limit] if limit else records


def _straight(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _numbers(text: str) -> set[str]:
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(_straight(name)) + r"(?!\w)", re.IGNORECASE)


# Questions -----------------------------------------------------------------------------------------------


def _number_question(highlight: str, article_numbers: set[str]) -> tuple[str, str, str] | None:
    """(question, span, digits) for the longest number of the highlight that the article also has."""
    found = [m for m in _NUMBER.finditer(highlight) if m.group().replace(",", "") in article_numbers]
    if not found:
        return None
    match = max(found, key=lambda m: (len(m.group().replace(",", "")), -m.start()))
    start, end = match.span()
    before, after = highlight[:start], highlight[end:]
    currency = _CURRENCY.search(before)
    percent = re.match(r"\s?(%|per ?cent)", after)
    month = _MONTH.search(before)
    score = re.match(r"-\d+\b", after)
    glued = re.match(r"[A-Za-z]+\b", after)  # a unit or magnitude written on: "260mph", "51million"
    if currency:
        start -= len(currency.group())
        magnitude = _MAGNITUDE.match(after)
        end += magnitude.end() if magnitude else 0
        wh = "how much"
    elif after.startswith("-year-old"):
        end += len("-year-old")
        wh = "how old"
    elif re.match(r"(st|nd|rd|th)\b", after):
        end += 2
        wh = "which"
    elif percent:
        end += percent.end()
        wh = "what percentage"
    elif before.endswith(", ") and after.startswith(","):
        wh = "how old"  # "Jamie Silvonek, 14, was charged": the news way of giving an age
    elif glued:
        end += glued.end()
        wh = "how many" if _MAGNITUDE.match(after) else "what number"
    elif re.fullmatch(r"1[89]\d\d|20\d\d", match.group()):
        wh = "what year"
    elif month:
        start -= len(month.group())
        wh = "when"
    elif score:
        end += score.end()
        wh = "what score"
    elif re.match(r" [a-z]", after):
        wh = "how many"
    else:
        wh = "what number"
    return highlight[:start] + wh + highlight[end:], highlight[start:end], match.group().replace(",", "")


def _name_question(
    highlight: str, names: Sequence[tuple[str, str]], article: str
) -> tuple[str, str, str] | None:
    """(question, span, kind) for the longest name of the article that the highlight writes capitalised."""
    best: tuple[re.Match[str], str] | None = None
    for name, kind in names:
        pattern = _name_pattern(name)
        if not pattern.search(article):
            continue  # written differently in the text (a gazetteer's spelling): no quote could contain it
        for match in pattern.finditer(highlight):
            if match.group()[:1].isupper() and (best is None or len(match.group()) > len(best[0].group())):
                best = (match, kind)
                break
    if best is None:
        return None
    match, kind = best
    after = highlight[match.end() :]
    if kind == "person" and after.startswith("'s"):
        return highlight[: match.start()] + "whose" + after[2:], match.group(), kind
    wh = {"person": "who", "place": "where"}.get(kind, "what")
    if kind == "place" and re.search(r"\b(in|at|to|from|near|on)\s$", highlight[: match.start()]):
        return re.sub(r"\b\w+\s$", "", highlight[: match.start()]) + wh + after, match.group(), kind
    return highlight[: match.start()] + wh + after, match.group(), kind


def build_questions(index: int, record: Record) -> tuple[list[Question], int]:
    """The article's questions, and how many of its highlights gave none."""
    article = _straight(record.article)
    article_numbers = _numbers(article)
    names = [(_straight(e.name), e.kind) for e in extract_entities("", [record.article], limit=100)]
    questions, skipped = [], 0
    for highlight in record.highlights:
        highlight = _straight(highlight)
        numbered = _number_question(highlight, article_numbers)
        if numbered is not None:
            text, span, target, kind = numbered[0], numbered[1], numbered[2], "number"
        else:
            named = _name_question(highlight, names, article)
            if named is None:
                skipped += 1
                continue
            text, span, kind = named
            target = span.lower()
        text = text.strip().rstrip(" .,;:'\"") + "?"
        if len(text.split()) < _MIN_QUESTION_WORDS:
            skipped += 1
            continue
        questions.append(Question(index, highlight, text[0].upper() + text[1:], span, kind, target))
    return questions, skipped


def contains_answer(sentence: str, question: Question) -> bool:
    if question.kind == "number":
        return question.target in _numbers(sentence)
    return _name_pattern(question.target).search(_straight(sentence)) is not None


# Baselines -----------------------------------------------------------------------------------------------


def tfidf_ranker(sentences: Sequence[Sentence]) -> Callable[[str], list[int]]:
    """Sentence indices by TF-IDF cosine with a question, the vectorizer fitted on the article alone."""
    if not sentences:
        return lambda _question: []
    try:
        vectorizer = TfidfVectorizer(stop_words="english")
        matrix = vectorizer.fit_transform([s.text for s in sentences])
    except ValueError:
        return lambda _question: list(range(len(sentences)))

    def rank(question: str) -> list[int]:
        scores = (matrix @ vectorizer.transform([question]).T).toarray().ravel()
        return sorted(range(len(sentences)), key=lambda i: (-scores[i], i))

    return rank


def _publisher(record: Record) -> str:
    return "CNN" if record.id.startswith("cnn") else "Daily Mail"


def _title(record: Record) -> str:
    """The corpus has no headlines; the address's slug stands in for one."""
    slug = record.url.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.html?$", "", slug).replace("-", " ")


# The run -------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    hits: Counter[str]
    top_hits: Counter[str]
    shown: Counter[str]  # quotes returned, summed over the questions
    by_type: Counter[tuple[str, str]]  # hits per (system, "number" or "name")
    answered: int = 0
    answered_hits: int = 0
    refused: int = 0
    ceiling: int = 0
    foreign_answer: int = 0  # questions whose answer the other article happens to contain
    refused_without: int = 0  # declined when the sentences holding the answer are taken out
    asked_without: int = 0


def run(
    records: Sequence[Record], seed: int
) -> tuple[list[Question], Tally, dict[str, list[float]], int, list[str]]:
    started = time.perf_counter()
    embedder = load_embedder(precision="auto", max_tokens=128)
    embedder.embed(["A first call pays the one-off costs.", "So the articles are timed fairly."])
    timings: dict[str, list[float]] = {name: [] for name in ("passages", "questions", "answer", "refuse")}
    timings["load"] = [time.perf_counter() - started]
    rng = random.Random(seed)
    questions: list[Question] = []
    skipped = 0
    per_article: list[list[Question]] = []
    for index, record in enumerate(records):
        found, missed = build_questions(index, record)
        per_article.append(found)
        questions.extend(found)
        skipped += missed
    passages: list[list[Passage]] = []
    sentences_of: list[list[Sentence]] = []
    for record in records:
        t0 = time.perf_counter()
        sentences = split_sentences([record.article])
        vectors = embed_sentences(embedder, [s.text for s in sentences])
        timings["passages"].append(time.perf_counter() - t0)
        sentences_of.append(sentences)
        passages.append(
            [
                Passage(record.id, _publisher(record), _title(record), ARTICLE_TIME, sentence, vectors[i])
                for i, sentence in enumerate(sentences)
            ]
        )
    tally = Tally(Counter(), Counter(), Counter(), Counter())
    shown: list[str] = []
    for index, found in enumerate(per_article):
        if not found:
            continue
        t0 = time.perf_counter()
        question_vectors = embed_sentences(embedder, [q.text for q in found])
        timings["questions"].append((time.perf_counter() - t0) / len(found))
        sentences = sentences_of[index]
        texts = [s.text for s in sentences]
        vectors = np.stack([p.vector for p in passages[index]]) if passages[index] else np.zeros((0, 1))
        rank_tfidf = tfidf_ranker(sentences)
        other = (index + 1) % len(records)
        for question, vector in zip(found, question_vectors, strict=True):
            t0 = time.perf_counter()
            answer = answer_question(question.text, vector, passages[index], limit=QUOTES)
            timings["answer"].append(time.perf_counter() - t0)
            by_embedding = list(np.argsort(-(vectors @ vector), kind="stable")) if len(texts) else []
            ranked = {
                "Herald": [q.text for q in answer.quotes],
                "embedding cosine": [texts[i] for i in by_embedding],
                "TF-IDF cosine": [texts[i] for i in rank_tfidf(question.text)],
                "TF-IDF, as many quotes as Herald": [
                    texts[i] for i in rank_tfidf(question.text)[: max(1, len(answer.quotes))]
                ],
                "lead-3": texts[:QUOTES],
                "random 3": rng.sample(texts, min(QUOTES, len(texts))),
            }
            for system, quotes in ranked.items():
                hit = any(contains_answer(q, question) for q in quotes[:QUOTES])
                tally.hits[system] += hit
                tally.by_type[system, _answer_type(question)] += hit
                tally.shown[system] += min(QUOTES, len(quotes))
                tally.top_hits[system] += bool(quotes) and contains_answer(quotes[0], question)
            hit = any(contains_answer(q, question) for q in ranked["Herald"])
            tally.answered += answer.answered
            tally.answered_hits += answer.answered and hit
            tally.ceiling += any(contains_answer(t, question) for t in texts)
            if answer.quotes:
                shown.append(_example(question, answer.answered, ranked["Herald"][0], hit))
            t0 = time.perf_counter()
            elsewhere = answer_question(question.text, vector, passages[other], limit=QUOTES)
            timings["refuse"].append(time.perf_counter() - t0)
            tally.refused += not elsewhere.answered
            tally.foreign_answer += contains_answer(records[other].article, question)
            rest = [p for p in passages[index] if not contains_answer(p.sentence.text, question)]
            if rest:
                tally.asked_without += 1
                without = answer_question(question.text, vector, rest, limit=QUOTES)
                tally.refused_without += not without.answered
    return questions, tally, timings, skipped, shown


def _answer_type(question: Question) -> str:
    """Numbers and names apart: a number is usually in one sentence, the article's main name in many, so a
    name is the easier target for any set of sentences."""
    return "number" if question.kind == "number" else "name"


def _example(question: Question, answered: bool, quote: str, hit: bool) -> str:
    quote = quote if len(quote) <= 240 else quote[:237] + "..."
    return (
        f"- Q: {question.text}\n  expected: {question.answer} ({question.kind}); Herald "
        f"{'answers' if answered else 'does not answer'}, first quote ({'hit' if hit else 'miss'}): {quote}"
    )


def report(
    records: Sequence[Record],
    questions: Sequence[Question],
    tally: Tally,
    timings: dict[str, list[float]],
    skipped: int,
    examples: Sequence[str],
    seed: int,
) -> None:
    total = len(questions)
    kinds = Counter(q.kind for q in questions)
    print(
        f"{len(records)} CNN/DM articles, {sum(len(r.highlights) for r in records)} highlights: "
        f"{total} questions, {skipped} highlights skipped (no number or name span shared with the article)"
    )
    print("answers: " + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
    print(f"ceiling: the answer is in one of the article's sentences for {tally.ceiling / total:.3f}\n")
    herald = tally.hits["Herald"] / total
    print(
        f"| quotes | hit rate (any quoted, at most {QUOTES}) | hit@1 | quotes per question "
        "| Herald's hit rate / this |"
    )
    print("|---|---|---|---|---|")
    for system, hits in tally.hits.items():
        top = f"{tally.top_hits[system] / total:.3f}" if system not in ("lead-3", "random 3") else "n/a"
        ratio = herald / (hits / total) if hits else float("inf")
        print(f"| {system} | {hits / total:.3f} | {top} | {tally.shown[system] / total:.2f} | {ratio:.2f} |")
    types = Counter(_answer_type(q) for q in questions)
    print(f"\n| hit rate by answer | numbers ({types['number']}) | names ({types['name']}) |")
    print("|---|---|---|")
    for system in tally.hits:
        cells = " | ".join(
            f"{tally.by_type[system, kind] / types[kind]:.3f}" if types[kind] else "n/a"
            for kind in ("number", "name")
        )
        print(f"| {system} | {cells} |")
    print(
        f"\nHerald answered {tally.answered / total:.3f} of these answerable questions "
        f"(a quote holding the answer in {tally.answered_hits / max(1, tally.answered):.3f} "
        "of those it answered)."
    )
    print(
        f"Asked of the next article instead: refused {tally.refused / total:.3f} "
        f"({tally.foreign_answer} of {total} questions' answers do appear in that other article)."
    )
    print(
        "Asked of its own article with the sentences holding the answer taken out (harder: the rest is on "
        f"the same subject, and may say it in other words): refused "
        f"{tally.refused_without / max(1, tally.asked_without):.3f} of {tally.asked_without}."
    )
    print(
        f"\nTime: embedder loaded in {timings['load'][0]:.1f} s; per article, split + embed the sentences "
        f"{1000 * statistics.fmean(timings['passages']):.0f} ms; per question, embedding "
        f"{1000 * statistics.fmean(timings['questions']):.1f} ms, answer_question "
        f"{1000 * statistics.fmean(timings['answer']):.2f} ms (other article "
        f"{1000 * statistics.fmean(timings['refuse']):.2f} ms)"
    )
    print(f"\nExamples (seed {seed}):")
    for line in random.Random(seed).sample(list(examples), min(3, len(examples))):
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (quick runs)")
    parser.add_argument("--seed", type=int, default=0, help="for the random baseline and the examples shown")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is missing: the evaluation data sits beside the repository", file=sys.stderr)
        return 2
    records = load_records(args.data, args.limit)
    if len(records) < 2:
        print("at least two articles are needed (one answers, the other should refuse)", file=sys.stderr)
        return 2
    questions, tally, timings, skipped, examples = run(records, args.seed)
    if not questions:
        print("no highlight gave a question", file=sys.stderr)
        return 2
    report(records, questions, tally, timings, skipped, examples, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
