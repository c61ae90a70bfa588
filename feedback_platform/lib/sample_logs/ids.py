"""Identifiers drawn from the run's random generator, so that the same seed gives the same ids."""

import random
import uuid


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID string whose bits come from `rng` rather than the operating system."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def short_id(rng: random.Random, prefix: str, length: int = 10) -> str:
    """`prefix` followed by `length` lowercase hexadecimal characters, e.g. `u_3fa94c0b1e`."""
    return prefix + f"{rng.getrandbits(4 * length):0{length}x}"
