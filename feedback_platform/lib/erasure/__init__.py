"""Erasure: a user's data removed from every place the platform writes, bytes included.

What a user's data is (`scope.py`), how each place is cleaned (`warehouse_rows.py`, `landing_lines.py`,
`dataset_versions.py`, the redaction cache), and the log that makes an erasure resumable and auditable
(`log.py`), run in order by `run.py`. docs/privacy.md says what an erasure does and what it cannot undo.
"""
