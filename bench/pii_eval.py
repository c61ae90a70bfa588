"""Evaluate the PII engine on span-labelled sets: `feedback-platform pii-eval` under its bench name.

Same options and output as the command (see feedback_platform/cli/pii_eval.py), kept so that the
benchmark scripts under bench/ stay one place to find every measurement:

    python bench/pii_eval.py [SET.json|SET.jsonl ...] [--secrets N] [--examples] [--subsets]
                             [--generated [--days D] [--responses-per-day R] [--seed S]]
"""

from feedback_platform.cli.pii_eval import pii_eval_command

if __name__ == "__main__":
    pii_eval_command(prog_name="bench/pii_eval.py")
