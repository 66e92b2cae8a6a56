# ruff: noqa: E501  (the story's paragraphs read best one per line)
"""Near-duplicate signatures: reprints of one wire story are copies, independent articles are not."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from herald.dedup import (
    COPY_THRESHOLD,
    NEAR_DUP_BANDS,
    NEAR_DUP_PERMUTATIONS,
    NearDupSignature,
    band_keys,
    copy_similarity,
    is_copy,
    near_dup_signature,
)
from herald.samplepack import PackArticle, load_pack

# An invented wire story (every name, place and number is made up), about 330 words in eight paragraphs.
HEADLINE = "Ferry fire forces evacuation of 312 passengers off Caldera coast"
DATELINE = "PORT ELLIS, Caldera (AP) — "
STORY = [
    "A fire broke out in the engine room of a passenger ferry carrying 312 people off the coast of Caldera early in the morning, forcing the crew to move everyone onto lifeboats and two fishing vessels that answered a distress call, the coast guard said.",
    "All passengers and 24 crew members were brought ashore by mid-morning. Eleven people were treated for smoke inhalation at St. Brendan's Hospital in Port Ellis, and two of them remained in serious condition, hospital spokeswoman Maria Oyelaran said.",
    "The ferry, the Northern Star, was sailing from Port Ellis to the island of Tavish, a crossing of about three hours that it makes twice a day. The fire started roughly 40 minutes after departure, according to Captain Henrik Salo, who said the crew sealed the engine room and switched on the ship's sprinkler system within minutes.",
    '"The crew did exactly what they were trained to do," coast guard commander Ruth Abara told reporters at the harbor. "Nobody panicked, and that is why everyone is alive."',
    'Passengers described thick black smoke filling the lower deck. "We could smell it before we saw it," said Daniel Ferreira, a teacher traveling with his two children. "Then the alarms went off and the crew walked us up to the boats."',
    "The Northern Star is operated by Tavish Island Lines, which said it had suspended all crossings until inspectors had examined its two other vessels. The company said the ferry had passed its most recent safety inspection in the spring.",
    "Caldera's Maritime Accident Investigation Board said it had opened an inquiry and would send a team to examine the ship once it had been towed back to port.",
    "It is the second serious incident on the route in three years. A smaller ferry ran aground near Tavish in heavy fog three years ago, injuring six people.",
]

NEWSLETTER = "Sign up for The Morning Tide, our free daily newsletter with the stories you need to start your day. Get it delivered to your inbox every morning."
COPYRIGHT = "Copyright 2026 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."
RELATED = "Read more: Harbour authority approves new ferry terminal | Tavish tourism numbers hit record | Weather: storms expected on the coast this weekend"
EDITORS_NOTE = "Editor's note: This story has been updated to correct the spelling of the hospital spokeswoman's name and to add comments from passengers."


def _text(*parts: str) -> str:
    return "\n\n".join(parts)


ORIGINAL = _text(HEADLINE, DATELINE + STORY[0], *STORY[1:])

# Each is how one outlet might republish the story; all of them must be copies of the original and of each other.
COPIES = {
    "boilerplate around it": _text(NEWSLETTER, HEADLINE, DATELINE + STORY[0], *STORY[1:], COPYRIGHT, RELATED),
    "headline changed": _text(
        "Fire on Tavish ferry: everyone rescued, eleven in hospital", DATELINE + STORY[0], *STORY[1:]
    ),
    "dateline changed": _text(HEADLINE, "PORT ELLIS, Caldera — " + STORY[0], *STORY[1:]),
    "last two paragraphs trimmed": _text(HEADLINE, DATELINE + STORY[0], *STORY[1:-2]),
    "one sentence edited": _text(
        HEADLINE,
        DATELINE + STORY[0],
        STORY[1].replace(
            "and two of them remained in serious condition",
            "and the hospital said on Wednesday afternoon that two of those patients were still in a serious but stable condition",
        ),
        *STORY[2:],
    ),
    "editor's note added": _text(HEADLINE, DATELINE + STORY[0], *STORY[1:], EDITORS_NOTE),
    "first half only": _text(HEADLINE, DATELINE + STORY[0], *STORY[1:4]),
    "everything at once": _text(
        NEWSLETTER,
        "Eleven hurt as fire hits Tavish ferry",
        "PORT ELLIS — " + STORY[0],
        *STORY[1:6],
        EDITORS_NOTE,
        COPYRIGHT,
    ),
}

# Written independently about the same fire: same names, numbers and even the coast guard's quote, but its own sentences.
SAME_EVENT_REWRITE = _text(
    "Tavish ferry fire: 'Nobody panicked' as 312 evacuated at sea",
    "Eleven people were taken to hospital after a fire tore through the engine room of the Northern Star, the Tavish Island Lines ferry that links Port Ellis with the island of Tavish.",
    "The vessel had 312 passengers and 24 crew on board when smoke began pouring from below deck about 40 minutes into the three-hour crossing. Two fishing boats that picked up the mayday helped ferry people from the lifeboats to shore.",
    'Coast guard commander Ruth Abara praised the crew. "The crew did exactly what they were trained to do," she said, adding that the evacuation had been orderly.',
    "Two of the injured are in serious condition at St. Brendan's Hospital, according to a spokeswoman, Maria Oyelaran. The others were expected to go home later in the day.",
    "Captain Henrik Salo said his engineers had sealed the engine room and turned on the sprinklers almost at once. Investigators from the Maritime Accident Investigation Board are due to board the ship when it is towed in.",
    "Tavish Island Lines has halted all sailings while its other two ships are inspected. Islanders, who depend on the route for food and fuel, said they feared a long suspension. It is the route's second serious accident in three years, after a grounding in fog that injured six.",
)

UNRELATED = _text(
    "City council approves budget for new library wing",
    "The Port Ellis city council voted seven to two to fund a new children's wing at the central library, ending a debate that has run since last autumn.",
    "The wing will add reading rooms, a small theatre for story hours and a workshop where teenagers can learn to repair bicycles and electronics. Construction is expected to begin next year and take eighteen months.",
    "Councillor Amira Haddad, who proposed the plan, said the library had become the busiest public building in the city. Opponents argued that the money would be better spent on road repairs in the eastern districts, where residents have complained about potholes for years.",
    "The library's director said donations from local businesses would cover the cost of furniture and books, so the council's contribution would be limited to the building itself.",
)

# Two different items from one outlet that wrap their own text (about 120 words) in the same chrome (about 75 words).
OUTLET_HEADER = "Harbour Daily Live. You are reading a free article. Support independent local journalism in Caldera: become a member today for less than the price of a coffee a week, and get unlimited access to our reporting, puzzles and archives."
OUTLET_FOOTER = "Harbour Daily is published by Harbour Media Group. Copyright 2026 Harbour Media Group. All rights reserved. Contact the newsroom at news@harbourdaily.example or call our tip line."
OUTLET_ITEM_ONE = _text(
    OUTLET_HEADER,
    "Road closures for the marathon",
    "Several streets in the old town will be closed to traffic from six in the morning until early afternoon while runners pass through. Buses on lines 4 and 9 will take a diversion along the waterfront.",
    "Organisers expect about 3,000 runners, twice as many as last year, and have asked residents along the route to move their cars the evening before. Vehicles left on the course will be towed to the depot on Mill Road at the owner's expense.",
    "Cafés on the harbour front will open early to serve spectators, and the city has set up water stations every five kilometres. Volunteers are still needed at the finish line; anyone interested can register at the town hall until the end of the week.",
    OUTLET_FOOTER,
)
OUTLET_ITEM_TWO = _text(
    OUTLET_HEADER,
    "Bakery wins regional bread prize",
    "A family bakery on Quay Street has won the regional prize for sourdough, beating forty other entries. The owners said they would celebrate by giving away a loaf to every customer who brings a jar of jam.",
    "The bakery was opened by Tomas and Lena Varga in a former fishmonger's shop eleven years ago. Their starter, they said, is older than the business: Lena's grandmother kept it alive through two house moves and a long winter without heating.",
    "The judges praised the crust and the even crumb of the winning loaf. The Vargas plan to use the prize money to buy a second oven, which would let them bake rye bread on weekdays as well, something regular customers have asked for since the shop opened.",
    OUTLET_FOOTER,
)

# A live blog page that carries the wire story, the rewrite and local news, and a short brief that quotes one
# paragraph of it: half the brief's five-word runs are in the page, which makes it a quotation, not a reprint.
LIVE_BLOG = _text(ORIGINAL, SAME_EVENT_REWRITE, UNRELATED)
QUOTING_BRIEF = _text(
    "In brief: the ferry operator faces questions after the evacuation.",
    STORY[3],
    "More on this story later today from our reporters at the harbour.",
)

# A local paper's own story that opens with two paragraphs of the wire copy, then reports its own angle: it
# uses the wire, but it is a different article (about a third of its five-word runs are the wire's).
LOCAL_ANGLE = _text(
    "Tavish islanders fear weeks without a ferry",
    STORY[0],
    STORY[1],
    "On Tavish, where the Northern Star is the only scheduled link to the mainland, shopkeepers were already counting what they had left. The island's only grocery said it had bread and milk for four days, and the fuel depot has asked fishermen to fill up only what they need for the week.",
    '"We have been through this before, after the grounding," said Colm Reilly, who chairs the island council. "Last time the boats stopped for nineteen days. The council has asked the navy for a supply run if the crossings are not back by the weekend."',
    "The island school will close from tomorrow because four of its six teachers live in Port Ellis. Parents said they would organise lessons in the community hall.",
)

# (case, text, text, ceiling): a rewrite shares names, not sentences, so it must score far below the threshold;
# shared chrome is a real overlap (about 30% of each item's five-word runs) and only has to stay under it.
NOT_COPIES = [
    ("independent article on the same event", ORIGINAL, SAME_EVENT_REWRITE, 0.15),
    ("rewrite against a trimmed copy", COPIES["first half only"], SAME_EVENT_REWRITE, 0.15),
    ("rewrite against the boilerplate copy", COPIES["boilerplate around it"], SAME_EVENT_REWRITE, 0.15),
    ("unrelated article", ORIGINAL, UNRELATED, 0.15),
    ("one outlet's items sharing only boilerplate", OUTLET_ITEM_ONE, OUTLET_ITEM_TWO, COPY_THRESHOLD),
    ("short brief quoting a long page", QUOTING_BRIEF, LIVE_BLOG, COPY_THRESHOLD),
    ("local story opening with two wire paragraphs", ORIGINAL, LOCAL_ANGLE, COPY_THRESHOLD),
    ("local story against a first-half copy", COPIES["first half only"], LOCAL_ANGLE, COPY_THRESHOLD),
]


def _signature(text: str) -> NearDupSignature:
    signature = near_dup_signature(text)
    assert signature is not None, "the text is long enough to judge"
    return signature


def test_story_is_the_size_of_a_wire_item() -> None:
    assert 280 <= len(ORIGINAL.split()) <= 380


@pytest.mark.parametrize("variant", list(COPIES), ids=list(COPIES))
def test_republished_variant_is_a_copy_and_shares_a_band(variant: str) -> None:
    original, copy = _signature(ORIGINAL), _signature(COPIES[variant])
    assert copy_similarity(original, copy) >= COPY_THRESHOLD
    assert is_copy(original, copy) and is_copy(copy, original)
    assert set(band_keys(original)) & set(band_keys(copy))


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(COPIES, 2)))
def test_variants_are_copies_of_each_other(first: str, second: str) -> None:
    a, b = _signature(COPIES[first]), _signature(COPIES[second])
    assert is_copy(a, b)
    assert set(band_keys(a)) & set(band_keys(b))


@pytest.mark.parametrize(
    ("a", "b", "ceiling"), [case[1:] for case in NOT_COPIES], ids=[case[0] for case in NOT_COPIES]
)
def test_different_articles_are_not_copies(a: str, b: str, ceiling: float) -> None:
    first, second = _signature(a), _signature(b)
    assert copy_similarity(first, second) < ceiling
    assert not is_copy(first, second) and not is_copy(second, first)


def test_lead_paragraph_alone_is_a_copy() -> None:
    # a summary-only feed item; its Jaccard with the story is ~0.17, so band lookup seldom proposes it, but
    # once compared it is recognised as the story's beginning
    lead = _signature(_text(HEADLINE, DATELINE + STORY[0]))
    assert is_copy(lead, _signature(ORIGINAL))


def test_similarity_is_symmetric_and_one_for_the_same_text() -> None:
    a, b = _signature(ORIGINAL), _signature(COPIES["first half only"])
    assert copy_similarity(a, b) == copy_similarity(b, a)
    assert copy_similarity(a, a) == 1.0


def test_layout_case_and_punctuation_do_not_matter() -> None:
    shouted = ORIGINAL.upper().replace("\n\n", "   ").replace(",", " ;").replace("’", "'")
    assert _signature(shouted) == _signature(ORIGINAL)
    assert _signature("Ｆｕｌｌ－ｗｉｄｔｈ " + ORIGINAL) == _signature("Full-width " + ORIGINAL)  # NFKC


TOO_SHORT = [
    ("empty", ""),
    ("punctuation only", "— ... !!! ,,, ???"),
    ("headline only", HEADLINE),
    ("headline and dateline", HEADLINE + " " + DATELINE),
    ("24 words", " ".join(STORY[0].split()[:24])),
]


@pytest.mark.parametrize("text", [case[1] for case in TOO_SHORT], ids=[case[0] for case in TOO_SHORT])
def test_too_short_text_has_no_signature(text: str) -> None:
    assert near_dup_signature(text) is None


def test_twenty_five_words_are_enough() -> None:
    signature = _signature(" ".join(STORY[0].split()[:25]))
    assert signature.shingle_count == 21  # distinct five-word runs in 25 words


def test_signature_shape() -> None:
    signature = _signature(ORIGINAL)
    assert signature.hashvalues.shape == (NEAR_DUP_PERMUTATIONS,)
    assert signature.hashvalues.dtype in (np.uint32, np.uint64)
    assert 280 <= signature.shingle_count <= 380
    with pytest.raises(ValueError):
        signature.hashvalues[0] = 1  # read-only, like the frozen dataclass around it


def test_bytes_round_trip() -> None:
    signature = _signature(ORIGINAL)
    data = signature.to_bytes()
    assert isinstance(data, bytes)
    assert len(data) <= 8 + 4 * NEAR_DUP_PERMUTATIONS  # compact: no pickle, no padding
    restored = NearDupSignature.from_bytes(data)
    assert restored == signature
    assert restored.shingle_count == signature.shingle_count
    assert np.array_equal(restored.hashvalues, signature.hashvalues)
    assert band_keys(restored) == band_keys(signature)
    assert NearDupSignature.from_bytes(memoryview(data)) == signature  # what some database drivers return


def _malformed() -> list[tuple[str, bytes]]:
    data = _signature(ORIGINAL).to_bytes()
    return [
        ("empty", b""),
        ("truncated", data[:-1]),
        ("one byte too many", data + b"\x00"),
        ("unknown version", b"\x63" + data[1:]),
        ("zero shingles", data[:1] + b"\x00\x00\x00\x00" + data[5:]),
        ("text instead of a signature", b"not a signature" * 40),
    ]


@pytest.mark.parametrize("data", [case[1] for case in _malformed()], ids=[case[0] for case in _malformed()])
def test_malformed_bytes_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        NearDupSignature.from_bytes(data)


def test_constructor_rejects_wrong_shapes() -> None:
    with pytest.raises(ValueError):
        NearDupSignature(hashvalues=np.zeros(NEAR_DUP_PERMUTATIONS - 1, dtype=np.uint32), shingle_count=10)
    with pytest.raises(ValueError):
        NearDupSignature(
            hashvalues=np.full(NEAR_DUP_PERMUTATIONS, 1 << 40, dtype=np.uint64), shingle_count=10
        )
    with pytest.raises(ValueError):
        NearDupSignature(hashvalues=np.zeros(NEAR_DUP_PERMUTATIONS, dtype=np.uint32), shingle_count=0)


def test_band_keys_fit_a_bigint_and_differ_per_band() -> None:
    keys = band_keys(_signature(ORIGINAL))
    assert len(keys) == NEAR_DUP_BANDS
    assert all(isinstance(key, int) and -(2**63) <= key < 2**63 for key in keys)
    assert len(set(keys)) == NEAR_DUP_BANDS


def test_equal_rows_in_different_bands_give_different_keys() -> None:
    same_everywhere = NearDupSignature(
        hashvalues=np.full(NEAR_DUP_PERMUTATIONS, 7, dtype=np.uint32), shingle_count=1
    )
    assert len(set(band_keys(same_everywhere))) == NEAR_DUP_BANDS


_KEYS_IN_A_FRESH_PROCESS = """
import json, sys
from herald.dedup import band_keys, near_dup_signature
signature = near_dup_signature(sys.stdin.read())
print(json.dumps({"keys": band_keys(signature), "bytes": signature.to_bytes().hex()}))
"""


def test_signature_and_band_keys_are_stable_across_processes() -> None:
    # another interpreter with another PYTHONHASHSEED must store and look up the same keys
    result = subprocess.run(
        [sys.executable, "-c", _KEYS_IN_A_FRESH_PROCESS],
        input=ORIGINAL,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    other_process = json.loads(result.stdout)
    signature = _signature(ORIGINAL)
    assert other_process["keys"] == band_keys(signature) == band_keys(_signature(ORIGINAL))
    assert bytes.fromhex(other_process["bytes"]) == signature.to_bytes()


# The sample pack's real case: one wire story reprinted word for word by three outlets under their own headlines.


def _pack_text(article: PackArticle) -> str:
    return _text(article.title, *article.paragraphs)


def _pack_signatures() -> dict[str, tuple[PackArticle, NearDupSignature]]:
    signed = {}
    for article in load_pack().articles:
        signature = near_dup_signature(_pack_text(article))
        if signature is not None:
            signed[article.key] = (article, signature)
    return signed


def test_sample_pack_wire_reprints_are_copies_of_their_original() -> None:
    signed = _pack_signatures()
    reprints = [article for article, _ in signed.values() if article.syndicated_from]
    assert len(reprints) >= 3
    for reprint in reprints:
        original = signed[reprint.syndicated_from or ""][1]
        assert is_copy(signed[reprint.key][1], original)
        assert set(band_keys(signed[reprint.key][1])) & set(band_keys(original))


def test_sample_pack_has_no_other_copies() -> None:
    # every other pair, including the other outlets' own articles on the same events, must stay apart
    signed = _pack_signatures()
    assert len(signed) >= 40

    def wire_text(article: PackArticle) -> str:
        return article.syndicated_from or article.key

    for (a, sig_a), (b, sig_b) in itertools.combinations(signed.values(), 2):
        if wire_text(a) != wire_text(b):
            assert not is_copy(sig_a, sig_b), (a.key, b.key, copy_similarity(sig_a, sig_b))
