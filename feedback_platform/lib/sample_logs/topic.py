"""What a tenant's users ask about: one topic is a question, its right and wrong answers and its document."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A recurring subject of a tenant's product.

    `asks` holds the canonical user request per feature; these exact strings form the pool of common
    questions that recur across users and days (they carry no PII). `wrong` is a plausible but incorrect
    answer used for poor responses, `follow_up`/`detail` a natural second turn and its answer.
    """

    key: str
    label: str
    asks: Mapping[str, str]
    answer: str
    wrong: str
    follow_up: str
    detail: str
    doc_title: str
    doc_text: str


@dataclass(frozen=True)
class Document:
    """A knowledge-base document that retrieval can return as context."""

    doc_id: str
    title: str
    text: str
    topic_key: str | None
