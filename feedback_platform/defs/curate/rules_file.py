"""The curation rules file as a Dagster resource, so the assets of a run read one file, read once.

The path is configuration (the repository's ``curation_rules.yaml`` unless told otherwise). The file is read
and validated when the resource is set up for a step, so a bad file fails the step before any row is
selected, with a message naming the bad key.
"""

import dagster as dg
from pydantic import PrivateAttr

from feedback_platform.lib.curation import DEFAULT_RULES_PATH, CurationRules, load_rules

CURATION_RULES_KEY = "curation_rules"


class CurationRulesFile(dg.ConfigurableResource):
    """Where the curation rules live; :attr:`rules` holds them validated, with their version and hash."""

    path: str = str(DEFAULT_RULES_PATH)

    _rules: CurationRules | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._rules = load_rules(self.path)

    @property
    def rules(self) -> CurationRules:
        if self._rules is None:  # used outside a run (a script, a test)
            self._rules = load_rules(self.path)
        return self._rules


defs = dg.Definitions(resources={CURATION_RULES_KEY: CurationRulesFile()})
"""Wires the shipped rules file. Move this to ``resources.build_resources`` (and delete it here) to make the
path a platform setting; both at once would be two resources under one key."""
