"""The record shape of each export format, built as Polars expressions over the curated rows.

Each function returns a frame whose columns are exactly the keys of one exported record, so a JSON line is a
row of that frame and nothing else: trainers that reject or trip over unknown keys get none. The prompt is
always rebuilt as ``{role, content}`` messages, whatever else the stored message structs may carry one day.
"""

from __future__ import annotations

import polars as pl

from feedback_platform.lib.curation.text_facts import RESPONSE_ATTRIBUTES

ASSISTANT = "assistant"

OPENAI_ROLES = frozenset({"system", "user", "assistant"})
"""Roles the exported prompts may hold for OpenAI fine-tuning; anything else would be refused on upload."""

EVAL_METADATA_COLUMNS = ["response_id", "tenant_id", *RESPONSE_ATTRIBUTES]
"""What an eval record says about the response it rated, to slice eval results by model, tenant or feature."""


def _prompt() -> pl.Expr:
    message = pl.element().struct
    return pl.col("messages").list.eval(
        pl.struct(role=message.field("role"), content=message.field("content"))
    )


def _assistant_message(text: str) -> pl.Expr:
    return pl.struct(role=pl.lit(ASSISTANT), content=pl.col(text))


def _assistant_turn(text: str) -> pl.Expr:
    """A one-message list: column ``text`` as the assistant's turn."""
    return pl.concat_list(_assistant_message(text))


def trl_sft_messages(rows: pl.DataFrame) -> pl.DataFrame:
    """TRL conversational language modelling: ``{"messages": [prompt..., assistant]}``."""
    return rows.select(messages=pl.concat_list(_prompt(), _assistant_message("completion")))


def trl_sft_prompt_completion(rows: pl.DataFrame) -> pl.DataFrame:
    """TRL conversational prompt-completion: ``{"prompt": [...], "completion": [assistant]}``."""
    return rows.select(prompt=_prompt(), completion=_assistant_turn("completion"))


def trl_dpo(rows: pl.DataFrame) -> pl.DataFrame:
    """TRL conversational preference: ``{"prompt": [...], "chosen": [assistant], "rejected": [assistant]}``"""
    return rows.select(
        prompt=_prompt(), chosen=_assistant_turn("chosen"), rejected=_assistant_turn("rejected")
    )


def trl_kto(rows: pl.DataFrame) -> pl.DataFrame:
    """TRL conversational unpaired preference (KTO).

    ``{"prompt": [...], "completion": [assistant], "label": bool}``
    """
    return rows.select(prompt=_prompt(), completion=_assistant_turn("completion"), label=pl.col("label"))


def _require_openai_roles(rows: pl.DataFrame) -> None:
    roles = set(
        rows.select(pl.col("messages").list.eval(pl.element().struct.field("role")).explode()).to_series()
    )
    unknown = roles - OPENAI_ROLES
    if unknown:
        raise ValueError(
            f"OpenAI fine-tuning accepts only the roles {sorted(OPENAI_ROLES)}; "
            f"the prompts also hold {sorted(unknown, key=str)}"
        )


def openai_chat(rows: pl.DataFrame) -> pl.DataFrame:
    """OpenAI chat fine-tuning: ``{"messages": [system?, user..., assistant]}``, the same lines as TRL's."""
    _require_openai_roles(rows)
    return trl_sft_messages(rows)


def openai_preference(rows: pl.DataFrame) -> pl.DataFrame:
    """OpenAI preference (DPO) fine-tuning.

    ``{"input": {"messages": [...]}, "preferred_output": [assistant], "non_preferred_output": [assistant]}``;
    ``tools`` and ``parallel_tool_calls`` are optional in that format and left out.
    """
    _require_openai_roles(rows)
    return rows.select(
        input=pl.struct(messages=_prompt()),
        preferred_output=_assistant_turn("chosen"),
        non_preferred_output=_assistant_turn("rejected"),
    )


def eval_records(rows: pl.DataFrame) -> pl.DataFrame:
    """Eval records: the prompt, the reference answer (null when there is none), the output and why it failed.

    ``signals`` holds the rules that admitted the response (``thumb_down``, ``low_rating``, ``regenerated``,
    ``abandoned``) and the feedback events behind them and behind the reference, so an eval result can be
    traced to the feedback; ``example_id`` joins results back to the stored row.
    """
    return rows.select(
        "example_id",
        input=_prompt(),
        retrieved_context=pl.col("retrieved_context"),
        reference=pl.col("reference"),
        output=pl.col("output"),
        signals=pl.struct("reasons", "feedback_event_ids"),
        metadata=pl.struct(EVAL_METADATA_COLUMNS),
    )
