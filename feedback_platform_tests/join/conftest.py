"""Fixtures for the dbt project tests: small source tables in a DuckDB file and a real `dbt` run over them.

dbt runs in a subprocess (the `dbt` script of this interpreter's environment) so that dbt-duckdb's
connection to the DuckDB file is closed when the run ends and the test can open the file itself.
Target and log paths go to tmp_path: the project directory is shared and must stay clean.
Test modules get everything through fixtures rather than `from conftest import ...`, which would be
ambiguous beside the top-level conftest.py.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"

SOURCE_TABLE_DDL = {
    "redacted_responses": """
        response_id VARCHAR, conversation_id VARCHAR, tenant_id VARCHAR, user_id VARCHAR,
        created_at TIMESTAMP, model VARCHAR, model_version VARCHAR, prompt_version VARCHAR,
        feature VARCHAR, language VARCHAR,
        messages STRUCT(role VARCHAR, content VARCHAR)[],
        retrieved_context STRUCT(doc_id VARCHAR, text VARCHAR, score DOUBLE)[],
        output VARCHAR, latency_ms BIGINT, landing_date DATE, source_file VARCHAR, source_line BIGINT
    """,
    "redacted_feedback": """
        event_id VARCHAR, response_id VARCHAR, tenant_id VARCHAR, user_id VARCHAR, created_at TIMESTAMP,
        signal VARCHAR, value VARCHAR, client VARCHAR, landing_date DATE, source_file VARCHAR,
        source_line BIGINT
    """,
    "raw_consent": """
        user_id VARCHAR, tenant_id VARCHAR, created_at TIMESTAMP, action VARCHAR, landing_date DATE,
        source_file VARCHAR, source_line BIGINT
    """,
}

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "How do I reset it?"}]
CONTEXT = [{"doc_id": "kb-1", "text": "Hold the button for 5 s.", "score": 0.9}]
CHAT_A = ("t1", "model-a", "2025-01", "p1", "chat", "en")


def _response(
    response_id: str,
    user_id: str,
    created_at: str,
    landing: tuple[str, int],
    config: tuple[str, ...] = CHAT_A,
    output: str = "Hold the button.",
) -> dict[str, Any]:
    tenant_id, model, model_version, prompt_version, feature, language = config
    landing_date, source_line = landing
    return {
        "response_id": response_id,
        "conversation_id": f"c-{response_id}",
        "tenant_id": tenant_id,
        "user_id": user_id,
        "created_at": created_at,
        "model": model,
        "model_version": model_version,
        "prompt_version": prompt_version,
        "feature": feature,
        "language": language,
        "messages": MESSAGES,
        "retrieved_context": CONTEXT,
        "output": output,
        "latency_ms": 420,
        "landing_date": landing_date,
        "source_file": f"{landing_date}/responses.jsonl",
        "source_line": source_line,
    }


def _feedback(
    event_id: str,
    response_id: str,
    signal: str,
    value: str | None,
    created_at: str,
    landing: tuple[str, int],
    user_id: str = "u1",
    tenant_id: str = "t1",
) -> dict[str, Any]:
    landing_date, source_line = landing
    return {
        "event_id": event_id,
        "response_id": response_id,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "created_at": created_at,
        "signal": signal,
        "value": value,
        "client": "web",
        "landing_date": landing_date,
        "source_file": f"{landing_date}/feedback.jsonl",
        "source_line": source_line,
    }


def _consent(user_id: str, tenant_id: str, created_at: str, action: str, landing: tuple[str, int]) -> dict:
    landing_date, source_line = landing
    return {
        "user_id": user_id,
        "tenant_id": tenant_id,
        "created_at": created_at,
        "action": action,
        "landing_date": landing_date,
        "source_file": f"{landing_date}/consent.jsonl",
        "source_line": source_line,
    }


D1, D2 = "2025-01-01", "2025-01-02"

# r1..r3 are served on day 1 in tenant t1 with one configuration, r4 on day 2 in t1, r5 on day 2 in t2.
# r1 is delivered twice (the day-2 copy must be dropped); r3 gets no feedback.
RESPONSES = [
    _response("r1", "u1", f"{D1} 09:00:00", (D1, 1)),
    _response("r2", "u2", f"{D1} 10:00:00", (D1, 2)),
    _response("r3", "u3", f"{D1} 11:00:00", (D1, 3)),
    _response("r1", "u1", f"{D1} 09:00:00", (D2, 1), output="re-delivered copy"),
    _response("r4", "u4", f"{D2} 08:00:00", (D2, 2)),
    _response("r5", "u1", f"{D2} 09:00:00", (D2, 3), config=("t2", "model-a", "2025-01", "p1", "chat", "en")),
]

FEEDBACK = [
    _feedback("e1", "r1", "thumb", "up", f"{D1} 09:05:00", (D1, 1)),
    _feedback("e1", "r1", "thumb", "up", f"{D1} 09:05:00", (D2, 9)),  # re-delivered
    _feedback("e2", "r1", "rating", "4", f"{D1} 23:50:00", (D2, 1)),  # landed the next day: late
    _feedback("e3", "r1", "rating", "5", f"{D1} 09:06:00", (D1, 2)),
    _feedback("e4", "r1", "comment", "Clear answer", f"{D1} 09:07:00", (D1, 3)),
    _feedback("e5", "r1", "dwell", "12.5", f"{D1} 09:08:00", (D1, 4)),
    _feedback("e6", "r1", "dwell", "7.5", f"{D1} 09:09:00", (D1, 5)),
    _feedback("e7", "r1", "copy", None, f"{D1} 09:10:00", (D1, 6)),
    # r2's feedback comes from u9, not from the response's user u2
    _feedback("e8", "r2", "thumb", "down", f"{D1} 10:05:00", (D1, 7), user_id="u9"),
    _feedback("e9", "r2", "regenerate", None, f"{D1} 10:06:00", (D1, 8), user_id="u9"),
    _feedback("e10", "r2", "edit", "Hold it for 5 s.", f"{D1} 10:07:00", (D1, 9), user_id="u9"),
    _feedback("e11", "r2", "rating", "2", f"{D1} 10:08:00", (D1, 10), user_id="u9"),
    _feedback("e12", "r4", "thumb", "up", f"{D2} 08:05:00", (D2, 2), user_id="u4"),
    _feedback("e13", "r4", "abandon", None, f"{D2} 08:06:00", (D2, 3), user_id="u4"),
    _feedback("e14", "r5", "reformulate", "reset steps", f"{D2} 09:05:00", (D2, 4), tenant_id="t2"),
]

CONSENT = [
    _consent("u1", "t1", f"{D1} 08:00:00", "opt_out_training", (D1, 1)),
    _consent("u1", "t1", f"{D1} 08:00:00", "opt_out_training", (D2, 1)),  # re-delivered
    _consent("u1", "t1", f"{D1} 12:00:00", "opt_in_training", (D1, 2)),  # opt-out then opt-in: allowed
    _consent("u1", "t2", f"{D1} 08:00:00", "opt_out_training", (D1, 3)),  # consent is per tenant
    _consent("u2", "t1", f"{D1} 08:00:00", "opt_in_training", (D1, 4)),
    _consent("u2", "t1", f"{D1} 09:00:00", "opt_out_training", (D1, 5)),  # opt-in then opt-out: not allowed
    _consent("u4", "t1", f"{D1} 08:00:00", "erase", (D1, 6)),
    _consent("u4", "t1", f"{D2} 07:00:00", "opt_in_training", (D2, 2)),  # erased stays excluded
    # u3 has no consent event: allowed
]

ORPHAN_EVENT = _feedback("e404", "r-missing", "thumb", "up", f"{D1} 12:00:00", (D1, 11))


def write_source_tables(database: Path, feedback: list[dict[str, Any]] | None = None) -> None:
    """Create the three dbt source tables, with the architecture's column types, and fill them."""
    tables = {
        "redacted_responses": RESPONSES,
        "redacted_feedback": FEEDBACK if feedback is None else feedback,
        "raw_consent": CONSENT,
    }
    with duckdb.connect(str(database)) as con:
        for table, rows in tables.items():
            con.execute(f"create table main.{table} ({SOURCE_TABLE_DDL[table]})")
            columns = list(rows[0])
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(
                f"insert into main.{table} ({', '.join(columns)}) values ({placeholders})",
                [[row[column] for column in columns] for row in rows],
            )


@dataclass(frozen=True)
class DbtRun:
    """Outcome of one dbt invocation: exit code, output, and each node's status from run_results.json."""

    returncode: int
    output: str
    statuses: dict[str, str]
    database: Path


def run_dbt(command: str, database: Path | None, work_dir: Path, *args: str) -> DbtRun:
    """Run `dbt <command>` on the real project; database=None leaves FEEDBACK_PLATFORM_DUCKDB unset."""
    env = {key: value for key, value in os.environ.items() if key != "FEEDBACK_PLATFORM_DUCKDB"}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_USE_COLORS"] = "false"
    if database is not None:
        env["FEEDBACK_PLATFORM_DUCKDB"] = str(database)
    target_path = work_dir / "target"
    completed = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            command,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target_path),
            "--log-path",
            str(work_dir / "logs"),
            *args,
        ],
        cwd=work_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    run_results = target_path / "run_results.json"
    statuses = {}
    if run_results.exists():
        statuses = {
            result["unique_id"]: result["status"] for result in json.loads(run_results.read_text())["results"]
        }
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, statuses, database)


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """One `dbt build` over the fixture tables, shared by the module's tests."""
    work_dir = tmp_path_factory.mktemp("dbt_build")
    database = work_dir / "warehouse.duckdb"
    write_source_tables(database)
    return run_dbt("build", database, work_dir)


@pytest.fixture
def orphan_dbt_build(tmp_path: Path) -> DbtRun:
    """A `dbt build` over the fixture tables plus one feedback event whose response never arrived."""
    database = tmp_path / "warehouse.duckdb"
    write_source_tables(database, feedback=[*FEEDBACK, ORPHAN_EVENT])
    return run_dbt("build", database, tmp_path)


@pytest.fixture
def rebuildable_dbt_build(tmp_path: Path) -> tuple[DbtRun, Callable[..., DbtRun]]:
    """A `dbt build` over the fixture tables of its own, and a function running another dbt command
    (`command`, then its arguments) on the same DuckDB file, for tests that change the tables in between."""
    database = tmp_path / "warehouse.duckdb"
    write_source_tables(database)
    build = run_dbt("build", database, tmp_path)
    return build, lambda command, *args: run_dbt(command, database, tmp_path, *args)


@pytest.fixture
def dbt_parse(tmp_path: Path) -> Callable[[Path | None], DbtRun]:
    """Runs `dbt parse` with FEEDBACK_PLATFORM_DUCKDB set to the given path, or unset for None."""
    return lambda database: run_dbt("parse", database, tmp_path)
