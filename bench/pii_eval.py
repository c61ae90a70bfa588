"""Evaluate the PII engine on a span-labelled set: leak rate per entity type, over-redaction, targets.

A labelled value is leaked when it is still readable after redaction (the value itself, its digit
sequence for numbers, any name token for names); over-redaction is the share of words outside labelled
spans that are lost. See feedback_platform/lib/pii_eval for the definitions and the label mapping.

Usage: python bench/pii_eval.py [SET.json|SET.jsonl ...] [--secrets N] [--examples]
                                [--generated [--days D] [--responses-per-day R] [--seed S]]
Without a set, the dev set ../shared/pii_dev/synth_dataset_v2.json is used when present. --secrets adds
N generated sentences holding API keys and tokens of the formats the issue lists. --generated also
generates sample logs (default 3 days x 200 responses, seed 101, a seed neither the tests nor the default
sample use) into a temporary folder, labels every planted value in their free texts
(feedback_platform/lib/sample_logs/labelled_set.py) and reports that set in a table of its own; with
--generated the dev set is used only when given as SET. Exit status 0 when every target is met, 1
otherwise.
"""

import argparse
import sys
import tempfile
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
from feedback_platform.lib.pii_eval.labelled_sets import LabelledText
from feedback_platform.lib.pii_eval.secret_samples import secret_samples
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.labelled_set import write_labelled_pii_set

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "pii_dev" / "synth_dataset_v2.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the tables; 0 when every target passes, 1 when one fails, 2 on no set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="labelled sets (.json dev-set format or .jsonl)")
    parser.add_argument("--secrets", type=int, default=0, metavar="N", help="add N generated secrets")
    parser.add_argument("--examples", action="store_true", help="show leaked values and lost words")
    parser.add_argument("--generated", action="store_true", help="also evaluate a set from generated logs")
    parser.add_argument("--days", type=int, default=3, help="days of generated logs (with --generated)")
    parser.add_argument("--responses-per-day", type=int, default=200, help="responses a generated day")
    parser.add_argument("--seed", type=int, default=101, help="seed of the generated logs")
    args = parser.parse_args(argv)
    paths = args.sets or ([DEFAULT_SET] if DEFAULT_SET.exists() and not args.generated else [])
    if not paths and not args.secrets and not args.generated:
        print(f"no labelled set given and {DEFAULT_SET} is absent", file=sys.stderr)
        return 2
    groups: list[tuple[str, list[LabelledText]]] = []
    if paths or args.secrets:
        records = [record for path in paths for record in load_labelled_set(path)]
        records += secret_samples(args.secrets)
        names = ", ".join(str(path) for path in paths) + (
            f" + {args.secrets} generated secrets" * bool(args.secrets)
        )
        groups.append((names.removeprefix(", ").removeprefix(" + "), records))
    if args.generated:
        config = SampleLogConfig(days=args.days, responses_per_day=args.responses_per_day, seed=args.seed)
        groups.append((_describe(config), generated_set(config)))

    redactor = PiiRedactor()
    failed = []
    for position, (name, records) in enumerate(groups):
        if position:
            print()
        failed += [
            f"{row} ({name})" if len(groups) > 1 else row for row in _evaluate(redactor, name, records, args)
        ]
    print(f"\n{'all targets met' if not failed else 'failing: ' + ', '.join(failed)}")
    return 1 if failed else 0


def generated_set(config: SampleLogConfig) -> list[LabelledText]:
    """The labelled set of the free texts of freshly generated sample logs (written to a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="pii_eval_") as folder:
        landing, out = Path(folder) / "landing", Path(folder) / "generated_pii.jsonl"
        generate_sample_logs(config, landing)
        write_labelled_pii_set(landing, out)
        return load_labelled_set(out)


def _describe(config: SampleLogConfig) -> str:
    size = f"{config.days} day{'s' * (config.days != 1)} x {config.responses_per_day} responses"
    return f"generated sample logs ({size}, seed {config.seed})"


def _evaluate(
    redactor: PiiRedactor, name: str, records: list[LabelledText], args: argparse.Namespace
) -> list[str]:
    """Redacts and scores one set, prints its table; returns the target rows it fails."""
    started = time.perf_counter()
    redacted = redactor.redact([record.text for record in records])
    elapsed = time.perf_counter() - started
    report = evaluate(records, [text or "" for text in redacted], TARGETED_ENTITIES)
    print(f"{len(records)} texts from {name}, redacted in {elapsed:.1f} s")
    print(format_report(report))
    if args.examples:
        print()
        print(format_examples(report))
    results = target_results(report)
    failed = [row for row, passed in results.items() if not passed]
    print(f"{len(results) - len(failed)}/{len(results)} targets met")
    return failed


if __name__ == "__main__":
    sys.exit(main())
