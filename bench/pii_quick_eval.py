"""Quick evaluation of the PII engine on a span-labelled dev set (presidio-research's synth_dataset_v2).

Runs the engine once with every candidate entity type switched on, then scores subsets of entity types
by filtering the detected spans, so one run answers "what if LOCATION / DATE_TIME / NRP / URL were in?".

Scores are over word tokens (\\w+ runs):
- leak rate per gold entity type: share of gold spans with at least one token left uncovered by any
  detection (whatever type the detection had: a person caught as LOCATION is still not leaked), and the
  share of their tokens left uncovered;
- non-PII kept: share of tokens outside every gold span that no detection covers;
- texts/s: analysis of all texts pinned to one core, model loading excluded.

Usage: python bench/pii_quick_eval.py [path/to/synth_dataset_v2.json] [--subsets]
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from feedback_platform.lib.pii import REDACTED_ENTITIES, PiiRedactor, RedactorConfig

DEFAULT_DATASET = Path("/work/shared/pii_dev/synth_dataset_v2.json")
OPTIONAL_ENTITIES = ("LOCATION", "DATE_TIME", "NRP", "URL", "ORGANIZATION")
WORD = re.compile(r"\w+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--subsets", action="store_true", help="also score each optional entity type")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    records = json.loads(args.dataset.read_text())
    texts = [record["full_text"] for record in records]
    redactor = PiiRedactor()
    redactor.analyze(texts[:20])  # warm-up
    started = time.perf_counter()
    detections = redactor.analyze(texts)
    elapsed = time.perf_counter() - started
    print(
        f"default engine: {len(texts)} texts ({len(set(texts))} distinct) in {elapsed:.1f} s on one core: "
        f"{len(texts) / elapsed:.0f} texts/s, {sum(map(len, texts)) / elapsed / 1000:.0f} kchar/s"
    )
    print(f"\n== default: {', '.join(sorted(REDACTED_ENTITIES))}")
    report(records, detections, frozenset(REDACTED_ENTITIES))
    if not args.subsets:
        return

    # One run with every optional type on, then each type toggled by filtering its detections.
    base = RedactorConfig()
    everything = tuple(dict.fromkeys((*base.entities, *OPTIONAL_ENTITIES)))
    detections = PiiRedactor(replace(base, entities=everything)).analyze(texts)
    default = set(REDACTED_ENTITIES)
    for entity in OPTIONAL_ENTITIES:
        entities = frozenset(default ^ {entity})
        print(f"\n== {'-' if entity in default else '+'}{entity}: {', '.join(sorted(entities))}")
        report(records, detections, entities)


def report(records: list[dict], detections: list[list], entities: frozenset[str]) -> None:
    """Print leak rates per gold type, non-PII tokens kept, and what the over-redactions were."""
    spans_total: Counter[str] = Counter()
    spans_leaked: Counter[str] = Counter()
    tokens_total: Counter[str] = Counter()
    tokens_leaked: Counter[str] = Counter()
    clean_total = clean_kept = 0
    over_redacted: Counter[str] = Counter()
    over_examples: dict[str, Counter[str]] = defaultdict(Counter)
    for record, found in zip(records, detections, strict=True):
        text = record["full_text"]
        kept_spans = [result for result in found if result.entity_type in entities]
        covered = _coverage(len(text), kept_spans)
        gold = record["spans"]
        for span in gold:
            entity, start, end = span["entity_type"], span["start_position"], span["end_position"]
            words = list(WORD.finditer(text, start, end))
            leaked = [word for word in words if not all(covered[word.start() : word.end()])]
            spans_total[entity] += 1
            spans_leaked[entity] += bool(leaked)
            tokens_total[entity] += len(words)
            tokens_leaked[entity] += len(leaked)
        gold_chars = _coverage(len(text), [_Span(s["start_position"], s["end_position"]) for s in gold])
        for word in WORD.finditer(text):
            if any(gold_chars[word.start() : word.end()]):
                continue
            clean_total += 1
            if not any(covered[word.start() : word.end()]):
                clean_kept += 1
                continue
            for result in kept_spans:
                if result.start < word.end() and word.start() < result.end:
                    over_redacted[result.entity_type] += 1
                    over_examples[result.entity_type][word.group()] += 1
                    break
    print(f"{'gold type':<18}{'spans':>7}{'leaked':>8}{'span leak':>11}{'token leak':>12}")
    for entity, total in spans_total.most_common():
        print(
            f"{entity:<18}{total:>7}{spans_leaked[entity]:>8}{spans_leaked[entity] / total:>11.1%}"
            f"{tokens_leaked[entity] / max(tokens_total[entity], 1):>12.1%}"
        )
    print(f"non-PII tokens kept: {clean_kept}/{clean_total} = {clean_kept / clean_total:.2%}")
    for entity, count in over_redacted.most_common():
        examples = ", ".join(word for word, _ in over_examples[entity].most_common(12))
        print(f"  over-redacted as {entity:<15}{count:>5} tokens, e.g. {examples}")


class _Span:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def _coverage(length: int, spans: list) -> list[bool]:
    covered = [False] * length
    for span in spans:
        covered[span.start : span.end] = [True] * (span.end - span.start)
    return covered


if __name__ == "__main__":
    main()
