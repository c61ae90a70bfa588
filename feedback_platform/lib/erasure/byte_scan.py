"""Finding strings in every file under a folder, also where compression hides them from a byte scan: how
an auditor (and the tests and benchmark of erasure) proves that no byte of an erased user is left."""

import gzip
from pathlib import Path

import polars as pl

from feedback_platform.lib import warehouse


def occurrences(root: Path, needles: list[str]) -> list[tuple[str, str]]:
    """(file relative to `root`, needle) for each needle found in a file under `root`: in its bytes, or in
    what it holds once decoded (a gzip file decompressed, a Parquet file's values, every table and view of
    a DuckDB file read through DuckDB)."""
    found = []
    for path in sorted(file for file in Path(root).rglob("*") if file.is_file()):
        readings = [path.read_bytes(), *_decoded(path)]
        found += [
            (str(path.relative_to(root)), needle)
            for needle in needles
            if any(needle.encode() in reading for reading in readings)
        ]
    return found


def _decoded(path: Path) -> list[bytes]:
    if path.name.endswith(".gz"):
        return [gzip.decompress(path.read_bytes())]
    if path.suffix == ".parquet":
        return [str(pl.read_parquet(path).rows()).encode()]
    if path.suffix == ".duckdb":
        with warehouse.connect(path, read_only=True) as con:
            tables = [name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()]
            return [str(con.execute(f'select * from "{table}"').fetchall()).encode() for table in tables]
    return []
