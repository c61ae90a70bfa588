"""PII redaction engine: the gate between user data and training data.

`PiiRedactor` replaces personal data with typed placeholders ("<PERSON>", "<EMAIL_ADDRESS>", ...) using
Presidio with an offline spaCy model; `BulkRedactor` adds a cache, worker processes and, with
`KeyedPseudonyms`, pseudonyms stable within a conversation; `find_residual_pii` is an independent regex
scan for what should never be left in redacted text.

The engine's names are imported lazily (PEP 562), so that a data-quality check importing only
`find_residual_pii` does not pay for importing Presidio and spaCy.
"""

import importlib
from typing import TYPE_CHECKING, Any

from feedback_platform.lib.pii.config import ENGINE_VERSION, REDACTED_ENTITIES, RedactorConfig
from feedback_platform.lib.pii.placeholders import PLACEHOLDER, KeyedPseudonyms, typed_placeholder
from feedback_platform.lib.pii.residual import find_residual_pii

if TYPE_CHECKING:
    from feedback_platform.lib.pii.bulk import BulkRedactor
    from feedback_platform.lib.pii.engine import PiiRedactor
    from feedback_platform.lib.pii.nlp import SpacyModelNotInstalledError

_LAZY = {
    "BulkRedactor": "feedback_platform.lib.pii.bulk",
    "PiiRedactor": "feedback_platform.lib.pii.engine",
    "SpacyModelNotInstalledError": "feedback_platform.lib.pii.nlp",
}

__all__ = [
    "ENGINE_VERSION",
    "PLACEHOLDER",
    "REDACTED_ENTITIES",
    "BulkRedactor",
    "KeyedPseudonyms",
    "PiiRedactor",
    "RedactorConfig",
    "SpacyModelNotInstalledError",
    "find_residual_pii",
    "typed_placeholder",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
