"""Generated sentences holding API keys and tokens, labelled, for the "secrets caught" target.

The dev set holds no credentials, so the evaluation makes its own: random keys of each format the issue
names (OpenAI sk-..., AWS AKIA..., GitHub ghp_..., Slack xox..., bearer tokens, JWTs) inside sentences
of the kinds users paste into an assistant. Seeded, so a run is reproducible.
"""

import base64
import json
import random
import string

from feedback_platform.lib.pii_eval.labelled_sets import LabelledText, jsonl_record

_ALNUM = string.ascii_letters + string.digits
_UPPER_DIGITS = string.ascii_uppercase + string.digits

SLOT = "@@"
"""Where the credential goes in a template."""

_TEMPLATES = (
    "my key is @@ and I keep getting a 401",
    "export OPENAI_API_KEY=@@\npython main.py",
    "Here is the config:\napi_key: @@\nmodel: gpt-4",
    "why does the request fail with token @@ ?",
    "@@",
    "credentials = {'token': '@@'}",
    "The secret (@@) was rotated yesterday, is the old one still valid?",
)
_BEARER_TEMPLATES = (
    "I set the header Authorization: Bearer @@ but it says unauthorized",
    'curl -H "Authorization: Bearer @@" https://api.example.com/v1/items',
)


def secret_samples(count: int, seed: int = 3) -> list[LabelledText]:
    """`count` sentences, each holding one generated credential labelled API_KEY."""
    rng = random.Random(seed)
    makers = (_openai, _aws, _github, _slack, _bearer, _jwt)
    samples = []
    for index in range(count):
        maker = makers[index % len(makers)]
        templates = _BEARER_TEMPLATES if maker is _bearer else _TEMPLATES
        before, after = rng.choice(templates).split(SLOT)
        secret = maker(rng)
        span = {
            "entity_type": "API_KEY",
            "start": len(before),
            "end": len(before) + len(secret),
            "value": secret,
        }
        samples.append(jsonl_record({"text": before + secret + after, "spans": [span]}))
    return samples


def _random(rng: random.Random, alphabet: str, length: int) -> str:
    body = "".join(rng.choice(alphabet) for _ in range(length))
    return body if any(c.isdigit() for c in body) else body[:-1] + rng.choice(string.digits)


def _openai(rng: random.Random) -> str:
    return rng.choice(("sk-", "sk-proj-", "sk-")) + _random(rng, _ALNUM, rng.choice((32, 48, 64)))


def _aws(rng: random.Random) -> str:
    return "AKIA" + _random(rng, _UPPER_DIGITS, 16)


def _github(rng: random.Random) -> str:
    return "ghp_" + _random(rng, _ALNUM, 36)


def _slack(rng: random.Random) -> str:
    return (
        f"xox{rng.choice('bpa')}-{rng.randrange(10**11, 10**12)}-{rng.randrange(10**12, 10**13)}-"
        + _random(rng, _ALNUM, 24)
    )


def _bearer(rng: random.Random) -> str:
    return _random(rng, _ALNUM + "-._", rng.choice((24, 32, 40)))


def _jwt(rng: random.Random) -> str:
    def part(payload: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    claims = {"sub": str(rng.randrange(10**9)), "iat": rng.randrange(10**9, 2 * 10**9)}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{_random(rng, _ALNUM + '-_', 43)}"
