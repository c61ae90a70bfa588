"""Which labelled sets an evaluation scores: sets given as files, generated secrets, generated sample logs,
and by default the dev set beside the repository when it is there.

The dev set lives outside the project (`../shared/pii_dev/`), so its path is computed from the checkout
and used only when it exists: the project must run, and its tests pass, without it.
"""

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feedback_platform.lib.pii_eval.labelled_sets import LabelledText, load_labelled_set
from feedback_platform.lib.pii_eval.secret_samples import secret_samples
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs
from feedback_platform.lib.sample_logs.labelled_set import write_labelled_pii_set

DEV_SET = Path(__file__).resolve().parents[4] / "shared" / "pii_dev" / "synth_dataset_v2.json"
"""presidio-research's synth_dataset_v2, in the `shared` folder beside the repository's checkout."""

GENERATED_DEFAULTS = SampleLogConfig(days=3, responses_per_day=200, seed=101)
"""A seed neither the tests nor the default sample use, so the rules are judged on texts not tuned on."""


@dataclass(frozen=True)
class LabelledGroup:
    """Labelled texts scored together, in one table, under `name`."""

    name: str
    records: list[LabelledText]


class NoLabelledSetError(ValueError):
    """Nothing to evaluate: no set given, no secrets or generated set asked for, and no dev set present."""


def labelled_groups(
    paths: Sequence[Path],
    secrets: int = 0,
    generated: SampleLogConfig | None = None,
    dev_set: Path = DEV_SET,
) -> list[LabelledGroup]:
    """The sets `paths` plus `secrets` generated credentials as one group, and the labelled free texts of
    `generated` sample logs as another. Without `paths`, `dev_set` stands in for them when it exists,
    unless a generated set is asked for (then the dev set is scored only when given as a path)."""
    if not paths and generated is None and dev_set.exists():
        paths = [dev_set]
    if not paths and not secrets and generated is None:
        raise NoLabelledSetError(
            f"no labelled set given and the dev set {dev_set} is absent: "
            "pass SET files, --secrets N or --generated"
        )
    groups = []
    if paths or secrets:
        names = [str(path) for path in paths] + [f"{secrets} generated secrets"] * bool(secrets)
        records = [record for path in paths for record in load_labelled_set(path)] + secret_samples(secrets)
        groups.append(LabelledGroup(" + ".join(names), records))
    if generated is not None:
        groups.append(LabelledGroup(describe_generated(generated), generated_set(generated)))
    return groups


def generated_set(config: SampleLogConfig) -> list[LabelledText]:
    """The labelled set of the free texts of freshly generated sample logs (written to a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="pii_eval_") as folder:
        landing, out = Path(folder) / "landing", Path(folder) / "generated_pii.jsonl"
        generate_sample_logs(config, landing)
        write_labelled_pii_set(landing, out)
        return load_labelled_set(out)


def describe_generated(config: SampleLogConfig) -> str:
    """The group's name: "generated sample logs (3 days x 200 responses, seed 101)"."""
    size = f"{config.days} day{'s' * (config.days != 1)} x {config.responses_per_day} responses"
    return f"generated sample logs ({size}, seed {config.seed})"
