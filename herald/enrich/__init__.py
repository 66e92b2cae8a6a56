"""Enrichment: what Herald learns about an article from its text alone — an embedding, the names it mentions
and a section guess. Pure functions of the text; torch is imported only when an embedder is built."""

from herald.enrich.embedding import EMBEDDING_DIM, MODEL_NAME, Embedder, load_embedder, passage_text
from herald.enrich.entities import Entity, extract_entities
from herald.enrich.sections import SECTION_NAMES, classify_section, section_prototypes

__all__ = [
    "EMBEDDING_DIM",
    "MODEL_NAME",
    "SECTION_NAMES",
    "Embedder",
    "Entity",
    "classify_section",
    "extract_entities",
    "load_embedder",
    "passage_text",
    "section_prototypes",
]
