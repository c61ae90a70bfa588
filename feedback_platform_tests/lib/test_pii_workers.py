"""Worker processes: sharded texts come back in order, exactly as one process redacts them."""

import pytest

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig
from feedback_platform.lib.pii.bulk import BulkRedactor
from feedback_platform.lib.pii.workers import MAX_SHARD_TEXTS, RedactorPool, shard

TEXTS = [
    "My name is Olivia Carter.",
    "Mail me at olivia.carter@gmail.com please.",
    "Thanks, that worked!",
    "My number is (415) 555-0142.",
    "The server at 192.168.14.27 is down.",
    "Summarise the attached report in three bullet points.",
    "Ship it to 1234 Elm Street, Springfield.",
    "Noah Bennett asked for a refund.",
] * 2 + [f"Ticket {i} was closed by Emma Brooks." for i in range(12)]
FRENCH_TEXT = "Bonjour, je m'appelle Camille Durand et je voudrais savoir où est ma commande."


# Guards sharding: slices are contiguous, in order, short enough that no worker waits long for another,
# and put back together give the input.
def test_shards_are_contiguous_and_cover_every_text() -> None:
    texts = [str(i) for i in range(103)]
    shards = shard(texts, workers=2, min_shard=10)
    assert [text for part in shards for text in part] == texts
    assert [len(part) for part in shards] == [13] * 7 + [12]
    assert shard(texts, workers=2, min_shard=64) == [texts[:64], texts[64:]]
    assert shard([], workers=2, min_shard=1) == []
    many = [str(i) for i in range(10 * MAX_SHARD_TEXTS)]
    assert [len(part) for part in shard(many, workers=2, min_shard=10)] == [MAX_SHARD_TEXTS] * 10


# Guards the pool's contract: same output and order as the in-process engine, with two processes.
def test_two_workers_find_the_spans_of_one_process() -> None:
    config = RedactorConfig(batch_size=4)  # small shards, so both workers get some
    distinct = [*dict.fromkeys(TEXTS), FRENCH_TEXT]  # read by the French pipeline
    with RedactorPool(config, workers=2) as pool:
        pooled = pool.find_spans(distinct)
    assert pooled == PiiRedactor(config).find_spans(distinct)
    assert [[span.entity_type for span in spans] for spans in pooled[:2]] == [["PERSON"], ["EMAIL_ADDRESS"]]


# Guards BulkRedactor with workers: duplicates, None and empty texts map back as in PiiRedactor.redact.
def test_bulk_redactor_with_workers_keeps_order_none_and_duplicates() -> None:
    texts = [None, *TEXTS, "", None]
    with BulkRedactor(RedactorConfig(batch_size=4), workers=2, pool_min_texts=1) as bulk:
        redacted = bulk.redact(texts)
    assert redacted[0] is None and redacted[-2:] == ["", None]
    assert redacted[1:9] == redacted[9:17]  # the repeated block gets the same redactions
    assert redacted[-3] == "Ticket 11 was closed by <PERSON>."
    assert bulk.stats.distinct == len(set(TEXTS)) and bulk.stats.analysed == len(set(TEXTS))
    assert bulk.stats.pooled == len(set(TEXTS))


# Guards the pool's start: calls with fewer uncached texts than pool_min_texts run in this process until a
# larger call starts the workers, which then serve every call, small ones too.
def test_workers_start_for_the_first_large_call_and_serve_every_later_one() -> None:
    distinct = list(dict.fromkeys(TEXTS))
    with BulkRedactor(RedactorConfig(batch_size=4), workers=2, pool_min_texts=4) as bulk:
        bulk.find_spans(distinct[:3])
        assert (bulk.stats.analysed, bulk.stats.pooled) == (3, 0)
        bulk.find_spans(distinct[3:7])
        assert (bulk.stats.analysed, bulk.stats.pooled) == (7, 4)
        bulk.find_spans(distinct[7:])
        assert bulk.stats.pooled == len(distinct) - 3


# Guards configuration errors: a pool of one is refused (run in-process instead), as is zero workers.
def test_worker_counts_below_the_minimum_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 workers"):
        RedactorPool(RedactorConfig(), workers=1)
    with pytest.raises(ValueError, match="at least 1"):
        BulkRedactor(workers=0)
