"""Regex flags shared by the project's pattern recognizers."""

import regex as re

CASE_SENSITIVE = re.MULTILINE
"""Regex flags for patterns whose capitalisation matters (Presidio's default adds IGNORECASE)."""
