"""Each tenant's knowledge-base documents and the retrieval that picks some of them as context.

A few documents carry contact details of staff (planted PII), so that context text needs redaction too.
The same documents are retrieved again and again, as in a real retrieval-augmented product.
"""

import random
from dataclasses import dataclass

from feedback_platform.lib.sample_logs.catalog import Tenant
from feedback_platform.lib.sample_logs.pii import LANGUAGES, PiiFactory, PiiValue
from feedback_platform.lib.sample_logs.topic import Document, Topic

_CONTEXT_DOCS = {
    "support_chat": (1, 3),
    "search_answer": (2, 3),
    "email_draft": (1, 2),
    "code_assist": (1, 2),
}


@dataclass(frozen=True)
class KnowledgeBase:
    """A tenant's documents: one per topic plus general ones; `pii` lists the values each document holds."""

    by_topic: dict[str, Document]
    documents: tuple[Document, ...]
    pii: dict[str, tuple[PiiValue, ...]]


def build_knowledge_base(
    tenant: Tenant, topics: tuple[Topic, ...], factory: PiiFactory, rng: random.Random
) -> KnowledgeBase:
    """The documents of `tenant`: topic documents, a support document and two with staff contact data."""
    prefix = f"{tenant.tenant_id}-kb-"
    by_topic = {
        topic.key: Document(prefix + topic.key, topic.doc_title, topic.doc_text, topic.key)
        for topic in topics
    }
    lead, officer = factory.persona("en"), factory.persona("en")
    office = factory.address(rng.choice(LANGUAGES))
    escalation = Document(
        prefix + "escalation",
        "Escalation contacts",
        f"Complaints the assistant cannot resolve go to the customer care lead {lead.name.value} "
        f"({lead.email.value}, {lead.phone.value}). Escalations are answered within one business day.",
        None,
    )
    legal = Document(
        prefix + "imprint",
        "Imprint and data protection",
        f"{tenant.display_name} is registered at {office.value}. Questions about personal data go to the "
        f"data protection officer {officer.name.value}, reachable at {officer.email.value}.",
        None,
    )
    support = Document(
        prefix + "contact-support",
        "Contacting support",
        "Support is available in the app under Help > Contact us every day from 8 am to 8 pm. Most requests "
        "are answered in under two hours.",
        None,
    )
    pii = {
        escalation.doc_id: (lead.name, lead.email, lead.phone),
        legal.doc_id: (office, officer.name, officer.email),
    }
    documents = (*by_topic.values(), escalation, legal, support)
    return KnowledgeBase(by_topic=by_topic, documents=documents, pii=pii)


def retrieve(
    kb: KnowledgeBase, topic: Topic, feature: str, good: bool, rng: random.Random
) -> tuple[list[dict[str, object]], list[PiiValue]]:
    """Context documents with descending scores for a request about `topic`, and the PII they contain.

    Poor responses sometimes come from a retrieval miss: the best-scored document is about another topic.
    """
    if rng.random() < 0.04:
        return [], []
    low, high = _CONTEXT_DOCS[feature]
    count = rng.randint(low, high)
    top = kb.by_topic[topic.key]
    if not good and rng.random() < 0.35:
        top = rng.choice([doc for doc in kb.documents if doc.topic_key not in (None, topic.key)] or [top])
    others = rng.sample([doc for doc in kb.documents if doc is not top], count - 1)
    score = rng.uniform(0.78, 0.95)
    context: list[dict[str, object]] = []
    pii: list[PiiValue] = []
    for doc in (top, *others):
        context.append({"doc_id": doc.doc_id, "text": doc.text, "score": round(score, 3)})
        pii.extend(kb.pii.get(doc.doc_id, ()))
        score = max(0.3, score - rng.uniform(0.05, 0.25))
    return context, pii
