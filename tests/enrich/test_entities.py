"""Named entities from text alone: the names an article mentions, with their kind, and the capitalised words
that only look like names left out."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from herald.enrich import Entity, extract_entities


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    paragraphs: tuple[str, ...]
    expect: dict[str, str] = field(default_factory=dict)  # key -> kind
    absent: tuple[str, ...] = ()  # keys that must not come out


CASES = [
    Case(
        "person with a title and a back-reference by surname",
        "Macron pledges reform",
        (
            "French President Emmanuel Macron promised on Tuesday to push the pension reform through.",
            "Speaking in Lyon, Mr. Macron said the plan was fair. Macron did not take questions.",
        ),
        expect={"emmanuel-macron": "person", "france": "place", "lyon": "place"},
        absent=("macron", "president", "mr", "tuesday", "french"),
    ),
    Case(
        "role noun before a name marks a person",
        "Actress checks into rehab",
        ("Perennial party girl and actress Tara Reid checked into a treatment center, her agent said.",),
        expect={"tara-reid": "person"},
    ),
    Case(
        "places: cities, countries, demonyms, US states, multi-word places",
        "Floods hit northern Italy",
        (
            "Heavy rain flooded towns near Milan, and Italian officials asked Germany for help.",
            "In the United States, New York and Texas sent rescue teams.",
        ),
        expect={
            "italy": "place",
            "milan": "place",
            "germany": "place",
            "united-states": "place",
            "new-york": "place",
            "texas": "place",
        },
        absent=("italian", "united", "york"),
    ),
    Case(
        "organisations by their first or last word",
        "Bank of England raises rates",
        (
            "The Bank of England raised its main rate on Thursday, and shares in Acme Holdings fell.",
            "The Labour Party criticised the move, while Oxford University economists welcomed it.",
        ),
        expect={
            "bank-of-england": "organization",
            "acme-holdings": "organization",
            "labour-party": "organization",
            "oxford-university": "organization",
        },
        absent=("england", "thursday"),
    ),
    Case(
        "acronyms are organisations, and fold into the name they abbreviate",
        "NATO allies meet",
        (
            "NATO ministers met in Brussels. The Federal Bureau of Investigation (FBI) said it was "
            "not involved, and an FBI spokesman declined to comment on TV.",
        ),
        expect={"nato": "organization", "federal-bureau-of-investigation": "organization"},
        absent=("fbi", "tv"),
    ),
    Case(
        "common words at the start of a sentence are not names",
        "Police search for suspect",
        (
            "Police said on Monday that the suspect fled. But officers found the car. The driver ran.",
            "However, witnesses described a tall man. Yesterday the search continued in Denver.",
        ),
        expect={"denver": "place"},
        absent=("police", "but", "the", "however", "yesterday", "monday", "officers"),
    ),
    Case(
        "a single capitalised word at a sentence start needs a second, mid-sentence use",
        "Storm warning",
        ("Officials urged caution. Residents stayed home. Later the rain stopped.",),
        absent=("officials", "residents", "later"),
    ),
    Case(
        "accents are folded in keys and kept in names",
        "Hollande à Zürich",
        (
            "Le président François Hollande a rencontré à Zürich le chancelier Gerhard Schröder.",
            "Selon Élisabeth Borne, l'été sera très chaud à Genève.",
        ),
        expect={
            "francois-hollande": "person",
            "zurich": "place",
            "gerhard-schroder": "person",
            "geneva": "place",
            "elisabeth-borne": "person",
        },
        absent=("le", "selon", "selon-elisabeth-borne"),
    ),
    Case(
        "a Title Case headline lends its capitals to no one",
        "Fed's Charles Plosser Sees High Bar For Change In Pace Of Tapering",
        (),
        absent=("sees-high-bar", "change", "pace-of-tapering", "charles-plosser-sees-high-bar"),
    ),
    Case(
        "a Title Case headline still counts names the body vouches for",
        "Obama Names Sanjay Gupta Surgeon General",
        ("President Barack Obama has offered Dr. Sanjay Gupta of Emory University the post.",),
        expect={"barack-obama": "person", "sanjay-gupta": "person", "emory-university": "organization"},
        absent=("surgeon-general", "obama-names-sanjay-gupta-surgeon-general"),
    ),
    Case(
        "titles are cut away from the names they introduce",
        "Kerry meets oil executives",
        (
            "Secretary of State John Kerry met Chief Financial Officer Jane Doe of Acme Corp and "
            "Texas Governor Rick Perry. They ate at Burger King.",
        ),
        expect={
            "john-kerry": "person",
            "jane-doe": "person",
            "acme-corp": "organization",
            "texas": "place",
            "rick-perry": "person",
        },
        absent=("secretary-of-state-john-kerry", "governor", "burger", "king"),
    ),
    Case(
        "particles inside names, and the end of a name standing for all of it",
        "Le Pen on the campaign trail",
        (
            "Marine Le Pen spoke in Marseille, and Gaetano Lo Presti listened. Later Le Pen left "
            "and police said Lo Presti stayed.",
        ),
        expect={"marine-le-pen": "person", "gaetano-lo-presti": "person", "marseille": "place"},
        absent=("le-pen", "lo-presti", "pen", "presti"),
    ),
    Case(
        "a common word opening a sentence is not part of the name after it",
        "Polygamist Warren Jeffs sentenced to life",
        ("Warren Jeffs, leader of a polygamist sect, was sentenced in Texas on Tuesday.",),
        expect={"warren-jeffs": "person", "texas": "place"},
        absent=("polygamist-warren-jeffs", "polygamist"),
    ),
    Case(
        "a text in capitals lends its capitals to no one",
        "POLICE SAY MAN ARRESTED AFTER CHASE",
        ("BREAKING NEWS FROM THE WHITE HOUSE TODAY",),
        absent=("police", "man-arrested", "breaking", "news-from-the-white-house-today", "white-house"),
    ),
    Case("text without capitals", "quiet day", ("nothing much happened in town today.",)),
    Case("empty text", "", ()),
    Case("scripts without case", "东京发生地震", ("Землетрясение в Токио. 東京で地震が発生しました。",)),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_extract_entities(case: Case) -> None:
    entities = extract_entities(case.title, case.paragraphs)
    kinds = {entity.key: entity.kind for entity in entities}
    for key, kind in case.expect.items():
        assert kinds.get(key) == kind, f"{key}: wanted {kind}, got {kinds.get(key)} in {entities}"
    for key in case.absent:
        assert key not in kinds, f"{key} should not come out: {entities}"
    if not case.expect:
        assert all(entity.kind in ("person", "place", "organization", "other") for entity in entities)


def test_nothing_found_in_text_without_names() -> None:
    assert extract_entities("quiet day", ["nothing much happened in town today."]) == []
    assert extract_entities("", []) == []


def test_surname_folds_into_the_full_name_and_counts_there() -> None:
    entities = extract_entities(
        "Merkel meets Macron",
        ["Angela Merkel met Emmanuel Macron in Berlin. Merkel said little. Later Macron spoke."],
    )
    by_key = {entity.key: entity for entity in entities}
    assert by_key["angela-merkel"] == Entity("angela-merkel", "Angela Merkel", "person", 4)
    assert by_key["emmanuel-macron"].count == 4  # twice in the headline, twice in the body
    assert "merkel" not in by_key and "macron" not in by_key


def test_most_salient_first_and_limit() -> None:
    entities = extract_entities(
        "Klitschko beats Thompson",
        [
            "Wladimir Klitschko stopped Tony Thompson in Hamburg. Klitschko dominated.",
            "Klitschko landed the jab. Thompson tired and Klitschko finished it. Referee Tony Weeks came in.",
        ],
        limit=2,
    )
    assert [entity.key for entity in entities] == ["wladimir-klitschko", "tony-thompson"]


def test_headline_mention_counts_double() -> None:
    entities = extract_entities("Storm hits Boston", ["The storm moved on."])
    assert [(e.key, e.count) for e in entities] == [("boston", 2)]


def test_best_surface_form_is_the_name() -> None:
    entities = extract_entities("", ["Shares of Acme Corp. rose. Acme Corp. said profit doubled."])
    assert [(e.key, e.name, e.kind) for e in entities] == [("acme-corp", "Acme Corp", "organization")]
