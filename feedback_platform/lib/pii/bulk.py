"""BulkRedactor: the PII engine for large and repeated workloads.

A persistent cache of redacted texts (`feedback_platform.lib.pii.cache`) so that a text is redacted once
per engine version across runs, and a pool of worker processes (`feedback_platform.lib.pii.workers`) for
the texts the cache does not hold; identical texts within a call are analysed once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from feedback_platform.lib.pii.cache import RedactionCache, engine_key
from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.engine import PiiRedactor, loaded_engine
from feedback_platform.lib.pii.placeholders import KeyedPseudonyms, typed_placeholder
from feedback_platform.lib.pii.spans import Spans, decode_spans, encode_spans, replace_spans
from feedback_platform.lib.pii.workers import POOL_MIN_TEXTS, RedactorPool


@dataclass
class RedactionStats:
    """What a BulkRedactor did since it was built: texts received, and where their redactions came from."""

    texts: int = 0
    """Non-empty texts received, repeats included."""
    distinct: int = 0
    """Distinct texts per call, summed over calls."""
    cached: int = 0
    """Distinct texts whose redaction came from the persistent cache."""
    analysed: int = 0
    """Distinct texts run through the engine (then stored in the cache, if there is one)."""
    pooled: int = 0
    """Of those analysed, the texts the worker processes analysed."""

    def since(self, earlier: "RedactionStats") -> "RedactionStats":
        """What was done between `earlier` (a copy taken then) and now."""
        return RedactionStats(
            **{field.name: getattr(self, field.name) - getattr(earlier, field.name) for field in fields(self)}
        )


class BulkRedactor:
    """PiiRedactor for large, repetitive workloads: dedup, a persistent cache, and worker processes.

    `redact` has PiiRedactor's contract (same order, None stays None, empty stays empty, same output).
    `cache_path` names a SQLite file shared by every run and process (None: no cache). `workers` is how
    many processes analyse uncached texts; 1 runs the engine in this process (`redactor`, when given, is
    that engine, e.g. one already loaded). The workers start on the first call with at least
    `pool_min_texts` uncached distinct texts and serve every call after it; smaller calls before it run in
    this process, so a small day never pays for starting them. With `pseudonyms`, entities become keyed
    pseudonyms stable within a scope instead of typed placeholders, and `redact` needs the scope of every
    text. Close it, or use it in a `with` block, to stop its workers.
    """

    def __init__(
        self,
        config: RedactorConfig = RedactorConfig(),  # noqa: B008 - frozen, immutable
        *,
        cache_path: str | Path | None = None,
        workers: int = 1,
        redactor: PiiRedactor | None = None,
        pseudonyms: KeyedPseudonyms | None = None,
        pool_min_texts: int = POOL_MIN_TEXTS,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if redactor is not None:
            config = redactor.config
        self.config = config
        self.workers = workers
        self.pseudonyms = pseudonyms
        self.stats = RedactionStats()
        self._cache = RedactionCache(cache_path, engine_key(config)) if cache_path is not None else None
        self._redactor = redactor
        self._pool = RedactorPool(config, workers) if workers > 1 else None
        self._pool_min_texts = pool_min_texts

    def redact(self, texts: Sequence[str | None], scopes: Sequence[str] | None = None) -> list[str | None]:
        """Each text with its entities replaced, in input order; None stays None.

        Typed placeholders by default; with pseudonyms, `scopes[i]` (e.g. a conversation id) is the scope
        of `texts[i]`, and the same value gets the same pseudonym wherever its scope is the same.
        """
        if self.pseudonyms is not None and scopes is None:
            raise ValueError("pseudonyms need the scope of every text: pass scopes")
        if scopes is not None and len(scopes) != len(texts):
            raise ValueError(f"got {len(scopes)} scopes for {len(texts)} texts")
        spans = self.find_spans(texts)
        if self.pseudonyms is None or scopes is None:
            return [
                replace_spans(text, found, typed_placeholder) if text else text
                for text, found in zip(texts, spans, strict=True)
            ]
        return [
            replace_spans(text, found, self.pseudonyms.in_scope(scope)) if text else text
            for text, found, scope in zip(texts, spans, scopes, strict=True)
        ]

    def find_spans(self, texts: Sequence[str | None]) -> list[Spans]:
        """The entity spans of each text, in input order, from the cache or else from the engine."""
        distinct = list(dict.fromkeys(text for text in texts if text))
        known = self._cache.get_many(distinct) if self._cache is not None else {}
        missing = [text for text in distinct if text not in known]
        fresh = dict(zip(missing, self._analyse(missing), strict=True))
        if self._cache is not None:
            self._cache.put_many({text: encode_spans(found) for text, found in fresh.items()})
        self.stats.texts += sum(1 for text in texts if text)
        self.stats.distinct += len(distinct)
        self.stats.cached += len(known)
        self.stats.analysed += len(missing)
        spans = {text: decode_spans(encoded) for text, encoded in known.items()} | fresh
        return [spans[text] if text else () for text in texts]

    def _analyse(self, texts: list[str]) -> list[Spans]:
        if not texts:
            return []
        if self._pool is not None and (self._pool.started or len(texts) >= self._pool_min_texts):
            self.stats.pooled += len(texts)
            return self._pool.find_spans(texts)
        if self._redactor is None:
            self._redactor = loaded_engine(self.config)
        return self._redactor.find_spans(texts)

    @property
    def workers_running(self) -> bool:
        """True while worker processes are up (they start on the first call with many uncached texts)."""
        return self._pool is not None and self._pool.started

    def stop_workers(self) -> None:
        """Stop the worker processes, if any; the next call that needs them starts them again."""
        if self._pool is not None:
            self._pool.close()

    def close(self) -> None:
        """Stop the worker processes and close the cache file."""
        if self._pool is not None:
            self._pool.close()
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> "BulkRedactor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
