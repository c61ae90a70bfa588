"""The log contract: JSON Schemas of each stream, landing-folder discovery, validation and its SQL."""
