"""Throughput of PII redaction on a sample-generator corpus: the stock Presidio loop against the engine.

Generates `--days` x `--responses-per-day` of sample logs and takes every free text, repeats included,
in log order: message contents, retrieved documents, outputs, and comment / edit / reformulate values.
Then it times, on the same machine:

- stock: Presidio as documented, AnalyzerEngine (default recognizers, the small spaCy English model
  with its full pipeline) + AnonymizerEngine, one text at a time. It runs on a uniform random sample of
  the texts (`--stock-sample`, 0 for all): a per-text loop has no memory, so its rate on a sample is its
  rate on the corpus;
- engine, cold cache: BulkRedactor with `--workers` processes and an empty SQLite cache, one call per
  landing day as the nightly assets do, worker start-up included;
- engine, warm cache: a new BulkRedactor over the same cache (a re-run, or a later night);
- the floor: spaCy `nlp.pipe` alone with the engine's pipeline (NER only), one process, every text.

Leak rate: of the (text, planted value) pairs where the generator planted a personal value in a text,
the share whose value is still in the redacted text, for the stock loop and the engine on the stock
sample, and for the engine on the whole corpus. Peak memory is the maximum resident set size of this
process and of its largest worker.

Usage: python bench/pii_throughput.py [--days 7] [--responses-per-day 200] [--stock-sample 1000] [--workers 2]
"""

import argparse
import gzip
import json
import random
import re
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_anonymizer import AnonymizerEngine

from feedback_platform.lib.pii import RedactorConfig
from feedback_platform.lib.pii.bulk import BulkRedactor
from feedback_platform.lib.pii.nlp import NER_COMPONENTS
from feedback_platform.lib.pii.offline import use_bundled_public_suffix_list
from feedback_platform.lib.sample_logs import SampleLogConfig, generate_sample_logs

FREE_TEXT_SIGNALS = ("comment", "edit", "reformulate")
WORD = re.compile(r"\S+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--responses-per-day", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stock-sample", type=int, default=1000, help="texts for the stock loop; 0: all")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    use_bundled_public_suffix_list()
    config = RedactorConfig()

    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        summary = generate_sample_logs(
            SampleLogConfig(args.days, args.responses_per_day, args.seed, date(2026, 11, 1)), landing
        )
        days = texts_by_day(landing)
        texts = [text for day in days for text in day]
        planted = dict(sorted({(value, entity) for entity, value in summary.planted_pii}))
        words = count_words(texts)
        print(
            f"corpus: {args.days} days x {args.responses_per_day} responses: {len(texts):,} free texts "
            f"({len(set(texts)):,} distinct), {words:,} words, {len(planted)} distinct planted PII values"
        )

        rng = random.Random(args.seed)
        sample = texts if args.stock_sample <= 0 else rng.sample(texts, min(args.stock_sample, len(texts)))
        stock_out, stock_s = stock_loop(sample, config.spacy_model)
        stock_label = "every text" if len(sample) == len(texts) else "random sample"
        report(f"stock Presidio loop, 1 process ({stock_label})", len(sample), count_words(sample), stock_s)

        cache_path = Path(tmp) / "pii_cache.sqlite"
        started = time.perf_counter()
        with BulkRedactor(config, cache_path=cache_path, workers=args.workers) as bulk:
            cold_out = [text for day in days for text in bulk.redact(day)]
        cold_s = time.perf_counter() - started
        report(f"engine, cold cache, {args.workers} workers", len(texts), words, cold_s)

        started = time.perf_counter()
        with BulkRedactor(config, cache_path=cache_path, workers=args.workers) as bulk:
            warm_out = [text for day in days for text in bulk.redact(day)]
            analysed = bulk.stats.analysed
        warm_s = time.perf_counter() - started
        report(f"engine, warm cache ({analysed} analysed)", len(texts), words, warm_s)
        if warm_out != cold_out:
            raise SystemExit("warm-cache output differs from cold-cache output")

        floor_s = pipe_floor(texts, config.spacy_model, config.batch_size)
        report("floor: spaCy nlp.pipe (NER only, 1 process)", len(texts), words, floor_s)

        stock_rate = len(sample) / stock_s
        print(
            f"\nratio engine/stock: cold {len(texts) / cold_s / stock_rate:.1f}x, "
            f"warm {len(texts) / warm_s / stock_rate:.1f}x; "
            f"engine cold vs nlp.pipe floor: {floor_s / cold_s:.2f}x the floor's speed"
        )
        engine_on_sample = dict(zip(texts, cold_out, strict=True))
        print(
            f"leak rate on the stock sample: stock {leak_rate(sample, stock_out, planted)}, "
            f"engine {leak_rate(sample, [engine_on_sample[text] for text in sample], planted)}; "
            f"engine on the whole corpus {leak_rate(texts, cold_out, planted)}"
        )
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak memory (max RSS): this process {own:.0f} MiB (it also holds the stock engine and the "
            f"floor's model), largest worker {children:.0f} MiB"
        )


def texts_by_day(landing: Path) -> list[list[str]]:
    """Every free text of each landing day, in file and line order; malformed lines are skipped."""
    days = sorted({path.parent.name for path in landing.glob("*/*/*.jsonl*")})
    return [
        [text for stream in ("responses", "feedback") for text in day_texts(landing / stream / day)]
        for day in days
    ]


def day_texts(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict):
                    yield from row_texts(row)


def row_texts(row: dict) -> Iterator[str]:
    candidates = [
        message.get("content") for message in row.get("messages") or [] if isinstance(message, dict)
    ]
    candidates += [doc.get("text") for doc in row.get("retrieved_context") or [] if isinstance(doc, dict)]
    candidates.append(row.get("output"))
    if row.get("signal") in FREE_TEXT_SIGNALS:
        candidates.append(row.get("value"))
    yield from (text for text in candidates if isinstance(text, str) and text)


def stock_loop(texts: Sequence[str], model: str) -> tuple[list[str], float]:
    """Stock Presidio, one text at a time; model loading excluded from the time."""
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    anonymizer = AnonymizerEngine()
    anonymizer.anonymize(texts[0], analyzer.analyze(texts[0], language="en"))  # warm-up
    started = time.perf_counter()
    out = [anonymizer.anonymize(text, analyzer.analyze(text, language="en")).text for text in texts]
    return out, time.perf_counter() - started


def pipe_floor(texts: Sequence[str], model: str, batch_size: int, processes: int = 1) -> float:
    nlp = spacy.load(model, enable=list(NER_COMPONENTS))
    list(nlp.pipe(texts[:20]))  # warm-up
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        pass
    return time.perf_counter() - started


def leak_rate(raw: Sequence[str], redacted: Sequence[str | None], planted: dict[str, str]) -> str:
    """Leaked / exposed (text, planted value) pairs, and the planted types of the leaks."""
    exposed = 0
    leaked: Counter[str] = Counter()
    for before, after in zip(raw, redacted, strict=True):
        for value, entity in planted.items():
            if value in before:
                exposed += 1
                if value in (after or ""):
                    leaked[entity] += 1
    if not exposed:
        return "no planted values"
    total = sum(leaked.values())
    kinds = ", ".join(f"{entity} {count}" for entity, count in leaked.most_common())
    return f"{total}/{exposed} = {total / exposed:.1%}" + (f" ({kinds})" if kinds else "")


def count_words(texts: Sequence[str]) -> int:
    return sum(len(WORD.findall(text)) for text in texts)


def report(label: str, texts: int, words: int, seconds: float) -> None:
    print(
        f"{label:<48} {texts:>7,} texts in {seconds:7.2f} s: "
        f"{texts / seconds:9,.0f} texts/s {words / seconds:11,.0f} words/s"
    )


if __name__ == "__main__":
    main()
