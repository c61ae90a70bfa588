"""One user's data planted in generated sample logs, with unique canary strings: what the erasure and the
"Dagster keeps no user text" tests look for (with `feedback_platform.lib.erasure.byte_scan`).

The planted user is the first response's user. Their data: two responses (one edited, one thumbed down),
their comment and edit, another user's comment quoting them, their comment on another user's response, a
response line of theirs that breaks the contract (quarantined), and a consent event delivered twice.
"""

import gzip
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from feedback_platform.lib.sample_logs import SampleLogConfig

SMALL_SAMPLE = SampleLogConfig(days=2, responses_per_day=30, seed=11, start_date=date(2026, 11, 1))
LANDING_DAY = "2026-11-01"

CANARY_PROMPT = "zqxcanary0001"  # a user message of an edited response: SFT, DPO and KTO rows
CANARY_COMMENT = "zqxcanary0002"
CANARY_EDIT = "zqxcanary0003"  # the edit: SFT completion, DPO chosen, KTO completion
CANARY_EVAL_PROMPT = "zqxcanary0004"  # a user message of a thumbed-down response: an eval row
CANARY_QUARANTINED = "zqxcanary0005"  # a line that breaks the contract
CANARY_QUOTED = "zqxcanary0006"  # another user's comment on the planted user's response
CANARY_ELSEWHERE = "zqxcanary0007"  # the planted user's comment on another user's response
CANARY_ARRAY = "zqxcanary0008"  # a response line written as a JSON array, not an object: quarantined
CANARIES = (
    CANARY_PROMPT,
    CANARY_COMMENT,
    CANARY_EDIT,
    CANARY_EVAL_PROMPT,
    CANARY_QUARANTINED,
    CANARY_QUOTED,
    CANARY_ELSEWHERE,
    CANARY_ARRAY,
)

EDITED_RESPONSE = "0f0e0d0c-0000-4000-8000-000000000001"
THUMBED_DOWN_RESPONSE = "0f0e0d0c-0000-4000-8000-000000000002"
OTHER_USER = "u_0therc0mm3"


@dataclass(frozen=True)
class PlantedUser:
    tenant_id: str
    user_id: str


def day_file(landing: Path, stream: str, day: str = LANDING_DAY) -> Path:
    (path,) = sorted((landing / stream / day).glob("*.jsonl*"))
    return path


def append_lines(path: Path, records: list[dict | list]) -> None:
    """Append JSON lines to a landing file; a gzipped file gets them as one more gzip member."""
    data = "".join(json.dumps(record) + "\n" for record in records).encode()
    with gzip.open(path, "ab") if path.suffix == ".gz" else path.open("ab") as file:
        file.write(data)


def planted_user(landing: Path) -> PlantedUser:
    """The user `plant_user` plants: the first response's."""
    with gzip.open(day_file(landing, "responses"), "rt") as file:
        first = json.loads(file.readline())
    return PlantedUser(first["tenant_id"], first["user_id"])


def plant_user(landing: Path) -> None:
    """Plant the user's data (see the module docstring) on the first landing day. Their two responses were
    created the evening before, so their rows make the first shard (the oldest response date) of every
    dataset, each with one short user message."""
    with gzip.open(day_file(landing, "responses"), "rt") as file:
        template = json.loads(file.readline())
    other_response = template["response_id"]
    user = planted_user(landing)

    def response(response_id: str, created_at: str, question: str) -> dict:
        return {
            **template,
            "response_id": response_id,
            "conversation_id": response_id.replace("0f0e0d0c", "1f1e1d1c"),
            "created_at": created_at,
            "messages": [{"role": "user", "content": question}],
            "output": "Thank you for asking. The answer is in your account settings, under the help section.",
        }

    def feedback(
        number: int, response_id: str, signal: str, value: str, by: str = user.user_id, at: str | None = None
    ) -> dict:
        return {
            "event_id": f"2f2e2d2c-0000-4000-8000-00000000000{number}",
            "response_id": response_id,
            "tenant_id": user.tenant_id,
            "user_id": by,
            "created_at": at or f"2026-11-01T00:0{number}:00.000Z",
            "signal": signal,
            "value": value,
            "client": "web",
        }

    broken = {  # no created_at, model, output...: quarantined
        "response_id": "0f0e0d0c-0000-4000-8000-000000000003",
        "user_id": user.user_id,
        "tenant_id": user.tenant_id,
        "messages": [{"role": "user", "content": f"{CANARY_QUARANTINED} and nothing else"}],
    }
    append_lines(
        day_file(landing, "responses"),
        [
            response(EDITED_RESPONSE, "2026-10-31T23:40:00.000Z", f"Where is {CANARY_PROMPT} set?"),
            response(THUMBED_DOWN_RESPONSE, "2026-10-31T23:45:00.000Z", f"Turn {CANARY_EVAL_PROMPT} off?"),
            broken,
            ["0f0e0d0c-0000-4000-8000-0000000000aa", user.tenant_id, user.user_id, f"{CANARY_ARRAY} array"],
        ],
    )
    append_lines(
        day_file(landing, "feedback"),
        [
            feedback(1, EDITED_RESPONSE, "comment", f"Close, but {CANARY_COMMENT} was not mentioned."),
            feedback(2, EDITED_RESPONSE, "edit", f"Open your account, then {CANARY_EDIT} under Settings."),
            feedback(3, THUMBED_DOWN_RESPONSE, "thumb", "down"),
            feedback(4, EDITED_RESPONSE, "comment", f"They asked about {CANARY_QUOTED}.", by=OTHER_USER),
            feedback(
                5, other_response, "comment", f"Nothing on {CANARY_ELSEWHERE}.", at="2026-11-01T23:59:00.000Z"
            ),
        ],
    )
    consent = {"user_id": user.user_id, "tenant_id": user.tenant_id, "created_at": "2026-11-01T08:00:00.000Z"}
    append_lines(day_file(landing, "consent"), [{**consent, "action": "opt_in_training"}] * 2)
