"""What if another entity type were redacted, or a redacted one were not? Scored from a single analysis.

The engine runs once with every candidate type switched on; each variant then keeps the detections of its
own types and masks them, so one run answers "what would LOCATION / DATE_TIME / NRP / URL / ORGANIZATION
cost in ordinary words lost, and gain in leaks?". Masking merges overlapping detections, so every
character a kept detection flagged is covered, as the engine's conflict resolution leaves it; the default
variant's figures therefore match a plain run of the engine closely but not to the word.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii_eval.labelled_groups import LabelledGroup
from feedback_platform.lib.pii_eval.metrics import EvaluationReport, evaluate
from feedback_platform.lib.pii_eval.report import target_results
from feedback_platform.lib.pii_eval.targets import TARGETED_ENTITIES

OPTIONAL_ENTITIES: tuple[str, ...] = ("LOCATION", "DATE_TIME", "NRP", "URL", "ORGANIZATION")
"""The types whose redaction is a policy choice, each toggled against the default in turn."""
SHOWN_ENTITIES: tuple[str, ...] = ("PERSON", "STREET_ADDRESS", "LOCATION")
"""Entity columns of the ablation table, besides the overall leak and the ordinary words kept."""


class Detection(Protocol):
    """What the ablation reads of a detection (Presidio's RecognizerResult has it)."""

    entity_type: str
    start: int
    end: int


@dataclass(frozen=True)
class AblationVariant:
    """The scores of the default entity types with one type switched in (+) or out (-)."""

    name: str
    entities: frozenset[str]
    report: EvaluationReport


def candidate_entities(default: Iterable[str]) -> tuple[str, ...]:
    """The default types and every optional one: what the single analysis must detect."""
    return tuple(dict.fromkeys((*default, *OPTIONAL_ENTITIES)))


def entity_ablation(
    group: LabelledGroup, detections: Sequence[Sequence[Detection]], default: Iterable[str]
) -> list[AblationVariant]:
    """The default variant and one per optional type, from `detections[i]`, found in `group.records[i]` by
    an engine detecting `candidate_entities(default)`."""
    default_set = frozenset(default)
    variants = [("default", default_set)] + [
        (f"{'-' if entity in default_set else '+'}{entity}", default_set ^ {entity})
        for entity in OPTIONAL_ENTITIES
    ]
    return [
        AblationVariant(name, entities, _score(group, detections, entities)) for name, entities in variants
    ]


def ablate_entity_types(
    groups: Sequence[LabelledGroup],
    config: RedactorConfig = RedactorConfig(),  # noqa: B008 - frozen, immutable
) -> list[tuple[LabelledGroup, list[AblationVariant]]]:
    """For each group, what redacting each optional entity type besides `config`'s would change.

    One analysis per group by an engine that detects every candidate type; each variant masks a subset of
    those detections."""
    from feedback_platform.lib.pii import PiiRedactor  # Presidio and spaCy load only when asked for

    candidates = PiiRedactor(replace(config, entities=candidate_entities(config.entities)))
    return [
        (group, entity_ablation(group, candidates.analyze([r.text for r in group.records]), config.entities))
        for group in groups
    ]


def mask_detections(text: str, detections: Sequence[Detection], entities: frozenset[str]) -> str:
    """`text` with the characters of each detection of `entities` replaced, overlaps merged, by
    "<ENTITY_TYPE>" of the first detection of each merged region."""
    kept = sorted((d for d in detections if d.entity_type in entities), key=lambda d: (d.start, -d.end))
    regions: list[list] = []
    for found in kept:
        if regions and found.start < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], found.end)
        else:
            regions.append([found.start, found.end, found.entity_type])
    pieces, position = [], 0
    for start, end, entity_type in regions:
        pieces += [text[position:start], f"<{entity_type}>"]
        position = end
    return "".join(pieces) + text[position:]


def format_ablation(variants: Sequence[AblationVariant]) -> str:
    """One line per variant: overall leak, the leaks of `SHOWN_ENTITIES`, ordinary words kept, targets met."""
    header = f"{'variant':<15}{'overall':>9}" + "".join(f"{e:>16}" for e in SHOWN_ENTITIES)
    header += f"{'non-PII kept':>14}{'targets':>9}"
    lines = [header, "-" * len(header)]
    for variant in variants:
        report = variant.report
        shown = [report.entities.get(entity) for entity in SHOWN_ENTITIES]
        results = target_results(report)
        lines.append(
            f"{variant.name:<15}{report.overall.leak_rate:>9.1%}"
            + "".join(f"{score.leak_rate:>16.1%}" if score else f"{'-':>16}" for score in shown)
            + f"{report.non_pii_kept_rate:>14.2%}{f'{sum(results.values())}/{len(results)}':>9}"
        )
    return "\n".join(lines)


def _score(
    group: LabelledGroup, detections: Sequence[Sequence[Detection]], entities: frozenset[str]
) -> EvaluationReport:
    masked = [
        mask_detections(record.text, found, entities)
        for record, found in zip(group.records, detections, strict=True)
    ]
    return evaluate(group.records, masked, TARGETED_ENTITIES)
