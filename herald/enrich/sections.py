"""Zero-shot sections: an article goes to the section whose description its embedding sits closest to.

Each section is described by a few short phrases of the kinds of news it carries. Their embeddings are
averaged into one prototype per section, so sections need no labelled training data and cost one dot product
per article with the vector the article already has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from herald.enrich.embedding import Embedder

SECTION_NAMES = ("World", "Politics", "Business", "Technology", "Science", "Health", "Sports", "Culture")

# Several phrases per section rather than one: a single phrase drags the prototype towards its own words,
# while an average of different angles lands nearer the middle of what the section really carries.
_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "World": (
        "international news, foreign countries and their governments",
        "war, armed conflict, military attacks and ceasefire talks",
        "diplomacy between nations, summits, ambassadors and sanctions",
        "refugees, humanitarian crisis and aid agencies abroad",
        "earthquake, flood and disaster kills hundreds overseas",
        "protesters clash with police in the capital",
    ),
    "Politics": (
        "election campaign, voters, polls and candidates",
        "parliament passes a law, lawmakers debate a bill",
        "the president, the prime minister and the cabinet",
        "political party leader, opposition and coalition government",
        "government policy, budget vote and political scandal",
        "senator, congressman and governor criticise the administration",
    ),
    "Business": (
        "company earnings, profits and quarterly results",
        "stock markets, shares, investors and Wall Street",
        "the economy, inflation, interest rates and the central bank",
        "trade, exports, jobs and unemployment figures",
        "mergers and acquisitions, takeover bid, a company files for bankruptcy",
        "oil prices, banks, currencies and consumer spending",
        "chief executive, shareholders, board of directors and analysts",
        "carmaker recalls vehicles, retailer sales and prices for consumers",
    ),
    "Technology": (
        "smartphones, apps, software updates and gadgets",
        "internet companies, social media and online services",
        "computers, chips, video games and consoles",
        "cybersecurity, hackers, data breaches and online privacy",
        "tech giants such as Apple, Google, Microsoft, Amazon and Facebook",
        "new iPhone, Android phone, tablet and wearable device launch",
        "video game release, review and patch for Xbox, PlayStation and PC gamers",
    ),
    "Science": (
        "scientists publish a study in a research journal",
        "space exploration, NASA, planets, astronomers and telescopes",
        "climate change, the environment, animals and wildlife",
        "physics, chemistry, biology and new discoveries",
        "fossils, archaeology and evolution",
        "researchers discover how animals behave, study finds",
    ),
    "Health": (
        "disease outbreak, virus, infection and vaccines",
        "hospitals, doctors, patients and medical treatment",
        "cancer, heart disease, diabetes and obesity",
        "new drug approval, clinical trial and medicine",
        "diet, exercise, mental health and public health advice",
        "drugs, alcohol, smoking and addiction",
        "researchers find a health risk in a new medical study",
    ),
    "Sports": (
        "football match result, goals and the league table",
        "the team won the game, players and coach",
        "tennis, golf, basketball, baseball, cricket and the Olympics",
        "championship final, tournament and a world record",
        "athlete signs a contract, transfer and injury news",
    ),
    "Culture": (
        "movies, film premieres, box office and actors",
        "celebrities, Hollywood stars, their relationships, weddings and gossip",
        "music, albums, singers, concerts and tours",
        "television series, new season, episodes, trailer and spoilers",
        "books, art exhibitions, theatre and museums",
        "awards such as the Oscars and the Grammys, fashion and red carpet",
        "reality TV, talk show hosts, music festivals and celebrity scandals",
        "singer or actor arrested, sued or questioned in court",
    ),
}


def section_prototypes(embedder: Embedder) -> np.ndarray:
    """One unit-length row per section, in ``SECTION_NAMES`` order."""
    means = np.vstack([embedder.embed(_DESCRIPTIONS[name]).mean(axis=0) for name in SECTION_NAMES])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    # Every description is news, and that shared direction makes all prototypes alike; taking it out leaves
    # the parts that tell sections apart (about one point of accuracy on the UCI headlines).
    centred = means - means.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    return centred.astype(np.float32)


def classify_section(vector: np.ndarray, prototypes: np.ndarray) -> tuple[str, float]:
    """The closest section, and how far ahead of the runner-up it is in cosine.

    The margin, not the raw cosine, says how sure the guess is: a short headline can be far from every
    prototype yet clearly nearer one of them, and a wide article can sit close to two.
    """
    scores = prototypes @ np.asarray(vector, dtype=np.float32)
    order = np.argsort(scores)[::-1]
    best, second = int(order[0]), int(order[1])
    return SECTION_NAMES[best], float(scores[best] - scores[second])
