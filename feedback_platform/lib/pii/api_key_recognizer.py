"""The API_KEY recognizer: credentials pasted into prompts, from the patterns in `secret_patterns.py`.

A Presidio PatternRecognizer with context words, so its results pass through the same context
enhancement, thresholds and conflict resolution as the predefined recognizers'.
"""

from presidio_analyzer import Pattern, PatternRecognizer

from feedback_platform.lib.pii.pattern_flags import CASE_SENSITIVE
from feedback_platform.lib.pii.secret_patterns import SECRET_PATTERNS

_SECRET_SCORES = {"jwt": 0.9, "bearer_token": 0.8, "assigned_secret": 0.6}
"""Scores of the looser credential patterns; provider-prefixed keys score 0.95."""


class ApiKeyRecognizer(PatternRecognizer):
    """API keys, access tokens and secrets: provider-prefixed keys, JWTs, bearer tokens, `password=...`."""

    CONTEXT = ["key", "token", "secret", "api", "bearer", "authorization", "credential", "password"]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="API_KEY",
            patterns=[
                Pattern(kind, regex, _SECRET_SCORES.get(kind, 0.95))
                for kind, regex in SECRET_PATTERNS.items()
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )
