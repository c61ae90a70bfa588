"""The tenants file: the tenants a deployment serves, the names redaction keeps, and how long raw text stays.

It is `feedback_platform/tenants.yaml`, or the file `FEEDBACK_PLATFORM_TENANTS_FILE` names. It is
validated on load: a wrong key or value is an error naming the file and the key, never a silent default.
"""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from feedback_platform.lib.retention.windows import RetentionWindows

DEFAULT_RAW_TEXT_RETENTION_DAYS = 90
"""Landing days a tenant's raw text is kept when the tenants file does not say (docs/privacy.md)."""


class TenantsFileError(ValueError):
    """The tenants file cannot be read or does not have the expected shape; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tenant(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    products: tuple[str, ...] = ()
    raw_text_retention_days: int | None = Field(default=None, ge=1)
    """This tenant's window; None: the file's `raw_text_retention_days`."""


class TenantsFile(_Strict):
    tenants: tuple[Tenant, ...] = ()
    allow: tuple[str, ...] = ()
    raw_text_retention_days: int | None = Field(default=DEFAULT_RAW_TEXT_RETENTION_DAYS, ge=1)
    """The window of every tenant that sets none; null keeps raw text for ever."""

    def terms(self) -> tuple[str, ...]:
        """Every name to keep, tenants first, each once, in file order."""
        names = [name for tenant in self.tenants for name in (tenant.name, *tenant.products)]
        return tuple(dict.fromkeys(term.strip() for term in [*names, *self.allow] if term.strip()))

    def raw_text_retention(self) -> RetentionWindows:
        """How many landing days each tenant's raw text is kept."""
        return RetentionWindows(
            default_days=self.raw_text_retention_days,
            tenant_days={
                tenant.id: tenant.raw_text_retention_days
                for tenant in self.tenants
                if tenant.raw_text_retention_days is not None
            },
        )


def load_tenants_file(path: Path) -> TenantsFile:
    """The tenants file at `path`; TenantsFileError naming the file and the key that is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TenantsFileError(f"cannot read the tenants file {path}: {error}") from error
    try:
        return TenantsFile.model_validate(raw or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        raise TenantsFileError(f"{path}: {problems}") from error
