"""Runs the PII engine on several cores: distinct texts are sharded across worker processes.

spaCy's NER and Presidio's recognizers are pure-Python-bound work that one process runs on one core, so
the only way to use both cores of a machine is processes. Each worker loads the engine once (about a
second) when the pool starts and keeps it for every later call. Workers are spawned, not forked: a Dagster
run process holds threads, and forking those is unsafe.

With one worker the engine runs in the calling process and no pool is started.
"""

import atexit
import itertools
import math
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from feedback_platform.lib.pii.config import RedactorConfig
from feedback_platform.lib.pii.engine import PiiRedactor
from feedback_platform.lib.pii.spans import Spans

SHARDS_PER_WORKER = 4
"""Shards per worker and call, at least: more than one, so that a worker finishing early picks up the next
shard."""

MAX_SHARD_TEXTS = 256
"""Texts in a shard, at most: a call ends when its last shard does, and the other workers wait for it, so a
shard is kept to a few seconds of work (256 realistic texts take about 2 s). 40,000 texts in 8 shards left
one worker idle for half a shard's time on average; passing a shard and its results costs milliseconds."""

POOL_MIN_TEXTS = 1_000
"""Distinct uncached texts a call needs before a pool is started for it: a worker takes about 1.5 s to spawn
and load the English pipeline, and 2.2-2.5 s more when it meets French, what one process spends on
100-300 realistic texts, so below this a pool would mostly wait for its own start."""

_worker_redactor = None
"""The engine of a worker process, loaded by `_load_worker_redactor`."""


def _load_worker_redactor(config: RedactorConfig) -> None:
    global _worker_redactor
    _worker_redactor = PiiRedactor(config)


def _find_spans_in_shard(texts: list[str]) -> list[Spans]:
    if _worker_redactor is None:
        raise RuntimeError("worker process has no PII engine: the pool initializer did not run")
    return _worker_redactor.find_spans(texts)


def shard(texts: Sequence[str], workers: int, min_shard: int) -> list[list[str]]:
    """Contiguous slices of `texts`, in order, at least SHARDS_PER_WORKER per worker, of at most
    MAX_SHARD_TEXTS and at least `min_shard` texts (except the last), so that concatenating them gives
    `texts` back."""
    if not texts:
        return []
    size = max(min_shard, min(MAX_SHARD_TEXTS, math.ceil(len(texts) / (workers * SHARDS_PER_WORKER))))
    return [list(texts[start : start + size]) for start in range(0, len(texts), size)]


class RedactorPool:
    """`workers` processes, each with its own PiiRedactor, that find entity spans in texts, in order.

    The pool starts on first use and lives until `close()` (or the end of a `with` block); a pool left
    open is closed by an `atexit` handler, which also runs when the CLI leaves without tearing the
    interpreter down (`feedback_platform.cli.main.run`).
    """

    def __init__(self, config: RedactorConfig, workers: int) -> None:
        if workers < 2:
            raise ValueError(f"a pool needs at least 2 workers, got {workers}; run the engine in-process")
        self.config = config
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """True once the workers have been spawned (and until `close()`)."""
        return self._executor is not None

    def find_spans(self, texts: Sequence[str]) -> list[Spans]:
        """Each text's entity spans, found by some worker, in input order. Texts should be distinct."""
        shards = shard(texts, self.workers, min_shard=self.config.batch_size)
        if not shards:
            return []
        return list(itertools.chain.from_iterable(self._pool().map(_find_spans_in_shard, shards)))

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load_worker_redactor,
                initargs=(self.config,),
            )
            atexit.register(self.close)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            atexit.unregister(self.close)

    def __enter__(self) -> "RedactorPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
