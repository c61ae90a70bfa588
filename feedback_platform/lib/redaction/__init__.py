"""Redaction of tables and files: the frames the redact assets build, the JSONL redaction the CLI streams."""
