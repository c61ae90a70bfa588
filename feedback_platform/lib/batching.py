"""Grouping work into bounded batches."""

from collections.abc import Sequence
from typing import TypeVar

Item = TypeVar("Item")


def consecutive_groups(items: Sequence[Item], sizes: Sequence[int], max_size: int) -> list[list[Item]]:
    """`items`, in order, grouped into runs of consecutive items whose `sizes` total at most `max_size`; an
    item larger than that forms a group alone. A reader that takes one group at a time holds at most
    `max_size` (or one larger item), while small items still share a group and its fixed cost."""
    groups: list[list[Item]] = []
    group_size = 0
    for item, size in zip(items, sizes, strict=True):
        if groups and group_size + size <= max_size:
            groups[-1].append(item)
            group_size += size
        else:
            groups.append([item])
            group_size = size
    return groups
