"""Retention: how long raw text stays, per tenant, and the nightly step that drops it (docs/privacy.md)."""
