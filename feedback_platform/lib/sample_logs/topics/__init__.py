"""The topics each sample tenant's users ask about, by tenant id."""

from collections.abc import Mapping

from feedback_platform.lib.sample_logs.topic import Topic
from feedback_platform.lib.sample_logs.topics import (
    acme_retail,
    contoso_health,
    globex_dev,
    northwind_bank,
    umbra_travel,
)

TOPICS_BY_TENANT: Mapping[str, tuple[Topic, ...]] = {
    "acme_retail": acme_retail.TOPICS,
    "northwind_bank": northwind_bank.TOPICS,
    "globex_dev": globex_dev.TOPICS,
    "contoso_health": contoso_health.TOPICS,
    "umbra_travel": umbra_travel.TOPICS,
}
