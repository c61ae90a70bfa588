"""Tenants, models, prompt versions and features of the sample product, with their built-in quality.

A response is "good" with probability `model.quality + prompt_version.quality_delta + feature delta`; good
and poor responses then draw ratings and thumbs from different distributions, so quality differences
between models and prompt versions are measurable in the feedback.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """A served model; `quality` is the chance of a good answer before prompt and feature adjustments."""

    name: str
    version: str
    quality: float
    latency_median_ms: int


@dataclass(frozen=True)
class PromptVersion:
    """A version of the system prompts; `instructions` end every system prompt of this version."""

    name: str
    quality_delta: float
    instructions: str


@dataclass(frozen=True)
class Tenant:
    """A customer of the platform running one or more AI features for its own users."""

    tenant_id: str
    display_name: str
    traffic_share: float
    features: tuple[tuple[str, float], ...]
    models: tuple[tuple[str, float], ...]
    languages: tuple[tuple[str, float], ...]
    user_pii_kinds: tuple[str, ...]


MODELS: dict[str, Model] = {
    model.name: model
    for model in (
        Model("atlas-large", "2026-09-15", 0.9, 1900),
        Model("atlas-mini", "2026-08-01", 0.66, 650),
        Model("nimbus-7b", "3.2.1", 0.52, 900),
        Model("orca-legacy", "1.4.0", 0.28, 1300),
    )
}

PROMPT_VERSIONS: dict[str, PromptVersion] = {
    version.name: version
    for version in (
        PromptVersion("v1", 0.0, "Answer the user's question using the provided context."),
        PromptVersion(
            "v2",
            0.15,
            "Answer only from the provided context and cite the policy you rely on. Be concise. If the "
            "request is ambiguous, ask one clarifying question. Never invent fees, limits or deadlines.",
        ),
        PromptVersion("v3-exp", -0.3, "Be warm and creative. Keep answers short and upbeat."),
    )
}
PROMPT_VERSION_WEIGHTS: tuple[tuple[str, float], ...] = (("v1", 0.4), ("v2", 0.3), ("v3-exp", 0.3))

FEATURE_ROLES: dict[str, tuple[str, str]] = {
    "support_chat": (
        "customer support assistant",
        "Help customers with questions about our products and services.",
    ),
    "search_answer": ("help-center search assistant", "Answer each search query with a short summary."),
    "email_draft": ("email assistant", "Draft replies that support agents send to customers."),
    "code_assist": ("coding assistant", "Help developers use our public API and SDKs."),
}
"""Per feature, the assistant's role and its task, the start of every system prompt."""
FEATURE_QUALITY_DELTA: dict[str, float] = {
    "support_chat": 0.0,
    "search_answer": 0.02,
    "email_draft": 0.03,
    "code_assist": -0.05,
}

CLIENTS: tuple[tuple[str, float], ...] = (("web", 0.55), ("ios", 0.2), ("android", 0.2), ("slack", 0.05))
"""Client apps; web and slack send `"value": null` for signals without a value, the mobile apps omit it."""

TENANTS: tuple[Tenant, ...] = (
    Tenant(
        "acme_retail",
        "Acme Retail",
        0.3,
        features=(("support_chat", 0.55), ("search_answer", 0.25), ("email_draft", 0.2)),
        models=(("atlas-large", 0.5), ("nimbus-7b", 0.5)),
        languages=(("en", 0.6), ("de", 0.1), ("fr", 0.08), ("es", 0.08), ("it", 0.07), ("nl", 0.07)),
        user_pii_kinds=("name_email", "phone", "address", "card"),
    ),
    Tenant(
        "northwind_bank",
        "Northwind Bank",
        0.2,
        features=(("support_chat", 0.5), ("email_draft", 0.25), ("search_answer", 0.25)),
        models=(("atlas-large", 0.6), ("atlas-mini", 0.4)),
        languages=(("en", 0.7), ("de", 0.1), ("es", 0.1), ("nl", 0.1)),
        user_pii_kinds=("name_email", "phone", "card", "address", "national_id"),
    ),
    Tenant(
        "globex_dev",
        "Globex Cloud",
        0.2,
        features=(("code_assist", 0.45), ("support_chat", 0.35), ("search_answer", 0.2)),
        models=(("atlas-mini", 0.5), ("nimbus-7b", 0.3), ("orca-legacy", 0.2)),
        languages=(("en", 0.85), ("de", 0.1), ("fr", 0.05)),
        user_pii_kinds=("api_key", "api_key", "name_email"),
    ),
    Tenant(
        "contoso_health",
        "Contoso Health",
        0.15,
        features=(("support_chat", 0.6), ("search_answer", 0.25), ("email_draft", 0.15)),
        models=(("atlas-mini", 0.6), ("orca-legacy", 0.4)),
        languages=(("en", 0.65), ("fr", 0.15), ("es", 0.1), ("it", 0.1)),
        user_pii_kinds=("name_email", "phone", "address", "national_id"),
    ),
    Tenant(
        "umbra_travel",
        "Umbra Travel",
        0.15,
        features=(("support_chat", 0.6), ("email_draft", 0.4)),
        models=(("nimbus-7b", 0.6), ("orca-legacy", 0.4)),
        languages=(("en", 0.5), ("de", 0.15), ("fr", 0.1), ("es", 0.1), ("it", 0.08), ("nl", 0.07)),
        user_pii_kinds=("name_email", "phone", "card", "address"),
    ),
)


def system_prompt(tenant: Tenant, feature: str, prompt_version: PromptVersion) -> str:
    """The system prompt of one tenant, feature and prompt version: the same text every time it is used."""
    role, task = FEATURE_ROLES[feature]
    return (
        f"You are the {role} of {tenant.display_name}. {task} Reply in the user's language. "
        f"{prompt_version.instructions}"
    )


def quality(model: Model, prompt_version: PromptVersion, feature: str, drop: float = 0.0) -> float:
    """The chance that a response of this model, prompt version and feature is a good one, `drop` lower
    on a day the model is degraded (see ModelDegradation)."""
    chance = model.quality + prompt_version.quality_delta + FEATURE_QUALITY_DELTA[feature]
    return max(0.05, min(0.97, chance) - drop)
