"""Who is erased, named by a hash: the erasure log and the warehouse's work list never hold the user id.

A subject is a (tenant, user) pair: consent is tracked per user and tenant (docs/log-format.md), and one
user id may name different people in two tenants. Its hash is SHA-256 over the tenant id, the ASCII unit
separator and the user id, computed alike in Python and in DuckDB SQL (`sha256` of a VARCHAR hashes its
UTF-8 bytes), so a resumed erasure finds the user's rows from the hash alone.

A user id drawn from a small space can be recovered from its hash by trying every candidate; the hash keeps
the id out of plain sight in logs and files, it is not a secret.
"""

import hashlib
from dataclasses import dataclass

SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Subject:
    tenant_id: str
    user_id: str

    @property
    def sha256(self) -> str:
        return subject_sha256(self.tenant_id, self.user_id)


def subject_sha256(tenant_id: str, user_id: str) -> str:
    return hashlib.sha256(f"{tenant_id}{SEPARATOR}{user_id}".encode()).hexdigest()


def subject_sha256_sql(tenant_column: str, user_column: str) -> str:
    """The SQL expression of `subject_sha256` over two VARCHAR columns (already quoted if need be)."""
    return f"sha256({tenant_column} || chr(31) || {user_column})"
