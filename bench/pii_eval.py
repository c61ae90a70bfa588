"""Evaluate the PII engine on a span-labelled set: leak rate per entity type, over-redaction, targets.

A labelled value is leaked when it is still readable after redaction (the value itself, its digit
sequence for numbers, any name token for names); over-redaction is the share of words outside labelled
spans that are lost. See feedback_platform/lib/pii_eval for the definitions and the label mapping.

Usage: python bench/pii_eval.py [SET.json|SET.jsonl ...] [--secrets N] [--examples]
Without a set, the dev set ../shared/pii_dev/synth_dataset_v2.json is used when present. --secrets adds
N generated sentences holding API keys and tokens of the formats the issue lists. Exit status 0 when
every target is met, 1 otherwise.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from feedback_platform.lib.pii import PiiRedactor
from feedback_platform.lib.pii_eval import (
    TARGETED_ENTITIES,
    evaluate,
    format_examples,
    format_report,
    load_labelled_set,
    target_results,
)
from feedback_platform.lib.pii_eval.secret_samples import secret_samples

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "pii_dev" / "synth_dataset_v2.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the table; 0 when every target passes, 1 when one fails, 2 on no set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="labelled sets (.json dev-set format or .jsonl)")
    parser.add_argument("--secrets", type=int, default=0, metavar="N", help="add N generated secrets")
    parser.add_argument("--examples", action="store_true", help="show leaked values and lost words")
    args = parser.parse_args(argv)
    paths = args.sets or ([DEFAULT_SET] if DEFAULT_SET.exists() else [])
    if not paths and not args.secrets:
        print(f"no labelled set given and {DEFAULT_SET} is absent", file=sys.stderr)
        return 2
    records = [record for path in paths for record in load_labelled_set(path)]
    records += secret_samples(args.secrets)

    redactor = PiiRedactor()
    started = time.perf_counter()
    redacted = redactor.redact([record.text for record in records])
    elapsed = time.perf_counter() - started
    report = evaluate(records, [text or "" for text in redacted], TARGETED_ENTITIES)

    names = ", ".join(str(path) for path in paths) + (
        f" + {args.secrets} generated secrets" * bool(args.secrets)
    )
    print(f"{len(records)} texts from {names}, redacted in {elapsed:.1f} s")
    print(format_report(report))
    if args.examples:
        print()
        print(format_examples(report))
    results = target_results(report)
    failed = [row for row, passed in results.items() if not passed]
    print(
        f"\n{len(results) - len(failed)}/{len(results)} targets met"
        + (f"; failing: {', '.join(failed)}" * bool(failed))
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
