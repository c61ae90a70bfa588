"""The one Great Expectations context a process validates frames with.

Creating a GX context costs time, so one ephemeral (in-memory) context is made on first use and kept for
the life of the process. It holds a single pandas data source with one dataframe asset and one
whole-dataframe batch definition; every validation passes its own frame as the batch parameter, so
names never collide however many suites run, and GX keeps at most the last frame cached.

The context is configured for a pipeline rather than a notebook:

- progress bars are off (`ProgressBarsConfig`), otherwise GX writes tqdm "Calculating Metrics" bars to
  stderr on every validation and they flood Dagster's captured logs;
- analytics are off (`analytics_enabled=False`). GX 1.24 ships no analytics client at all (its old
  usage-statistics module and the GX_ANALYTICS_ENABLED switch it read are gone, and the PyPI version
  checker in `great_expectations.data_context._version_checker` is never called), so this is a guard for
  future versions: validation makes no network access;
- no temporary Data Docs site is created, and GX's own loggers are held at WARNING.
"""

import functools
import logging
import threading

import great_expectations as gx
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

DATA_SOURCE_NAME = "feedback_platform_quality"
FRAME_ASSET_NAME = "frame"
BATCH_DEFINITION_NAME = "whole_frame"

# GX shares one execution engine (and its batch cache) per data source, so validations in one process
# take turns; Dagster runs checks in separate processes by default, where each has its own context.
VALIDATION_LOCK = threading.RLock()


def _project_config() -> DataContextConfig:
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )


@functools.cache
def frame_batch_definition() -> BatchDefinition:
    """The batch definition every frame is validated through, made with its context on first call.

    Callers hold `VALIDATION_LOCK`, which also keeps two threads from creating the context at once.
    """
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral", project_config=_project_config())
    asset = context.data_sources.add_pandas(DATA_SOURCE_NAME).add_dataframe_asset(FRAME_ASSET_NAME)
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
