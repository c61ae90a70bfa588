"""The curation rules file: typed, validated on load, identified by its version and content hash.

The rules that decide what enters a dataset are configuration (``feedback_platform/curation_rules.yaml``),
so that a threshold can change without a code change and every dataset version can say exactly which rules
made it: the manifest records :attr:`CurationRules.version` and :attr:`CurationRules.sha256`. Validation is
strict (unknown keys, wrong types, out-of-range values are refused, naming the key), because a misspelt key
silently falling back to a default would publish a dataset under rules nobody wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from feedback_platform.lib.hashing import canonical_json, sha256_hex

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "curation_rules.yaml"
"""The rules file shipped in the repository, beside ``resources.py``."""

Label = Literal[
    "thumb_up",
    "thumb_down",
    "high_rating",
    "low_rating",
    "regenerated",
    "abandoned",
    "quick_abandon",
    "long_dwell",
    "copied",
    "thumb_up_copied",
    "user_edit",
    "changed_by_edit",
    "task_succeeded",
    "task_failed",
]
"""Names of the facts about one response that rules can refer to (see ``rules.labels``)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    low_rating_max: int = Field(ge=1, le=5)
    high_rating_min: int = Field(ge=1, le=5)
    quick_abandon_seconds: float = Field(gt=0)
    long_dwell_seconds: float = Field(gt=0)

    @model_validator(mode="after")
    def _ratings_do_not_overlap(self) -> Thresholds:
        if self.low_rating_max >= self.high_rating_min:
            raise ValueError(
                f"low_rating_max ({self.low_rating_max}) must be below"
                f" high_rating_min ({self.high_rating_min})"
            )
        return self


class EvalRules(_Strict):
    admitted_by: tuple[Label, ...] = Field(min_length=1)


class SftRules(_Strict):
    output_admitted_by: tuple[Label, ...]
    output_vetoed_by: tuple[Label, ...]
    user_edits: bool


class WeightedSource(_Strict):
    enabled: bool
    weight: float = Field(gt=0, le=1)


class DpoRules(_Strict):
    user_edit: WeightedSource
    thumbs: WeightedSource
    regenerate_then_copy: WeightedSource


class KtoLabel(_Strict):
    label: Label
    desirable: bool
    weight: float = Field(gt=0, le=1)


class KtoRules(_Strict):
    output_label_precedence: tuple[KtoLabel, ...]
    user_edits: WeightedSource


class Filters(_Strict):
    tenants: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


class MinLengths(_Strict):
    prompt_chars: int = Field(ge=0)
    completion_chars: int = Field(ge=1)


class PromptDedup(_Strict):
    enabled: bool
    keep_per_prompt: int = Field(ge=1)


class Split(_Strict):
    validation_percent: int = Field(ge=0, le=100)


TrainingDataset = Literal["sft", "dpo", "kto"]


class EvalHoldout(_Strict):
    """The training datasets that leave out every prompt (up to near-duplicates) of the eval set."""

    datasets: list[TrainingDataset]


class CurationRules(_Strict):
    """The whole rules file. ``version`` is the file's own; ``sha256`` identifies its exact content."""

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    thresholds: Thresholds
    eval: EvalRules
    sft: SftRules
    dpo: DpoRules
    kto: KtoRules
    filters: Filters
    min_lengths: MinLengths
    dedup_prompts: PromptDedup
    split: Split
    eval_holdout: EvalHoldout
    per_tenant_datasets: bool

    @property
    def sha256(self) -> str:
        """SHA-256 of the validated values as canonical JSON: comments and layout of the file do not count."""
        return sha256_hex(canonical_json(self.model_dump(mode="json")))


class CurationRulesError(ValueError):
    """A rules file that cannot be used; the message names the file and every bad key."""


def parse_rules(data: object, source: str = "<rules>") -> CurationRules:
    """Validate already-parsed YAML data into :class:`CurationRules`, or raise :class:`CurationRulesError`."""
    try:
        return CurationRules.model_validate(data)
    except ValidationError as error:
        problems = "\n".join(_describe(problem) for problem in error.errors())
        raise CurationRulesError(f"invalid curation rules in {source}:\n{problems}") from None


def _describe(problem: ErrorDetails) -> str:
    key = ".".join(str(part) for part in problem["loc"]) or "<top level>"
    # A missing key's "input" is the whole enclosing mapping: noise, not a clue.
    got = "" if problem["type"] == "missing" else f" (got {problem['input']!r:.80})"
    return f"  {key}: {problem['msg']}{got}"


def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> CurationRules:
    """Read and validate a rules file."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CurationRulesError(f"curation rules in {path} are not valid YAML: {error}") from None
    return parse_rules(data, str(path))
