"""The import rules of pyproject.toml's [tool.importlinter]: layers import only the layers below them, and no
package has an import cycle among its modules. Checked by import-linter (`lint-imports`) on the package, and
shown to catch both kinds of break on a copy of it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import feedback_platform

PACKAGE = Path(feedback_platform.__file__).parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the feedback_platform package found under `package_parent`."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(PYPROJECT), "--no-cache"],
        cwd=package_parent,
        env={**os.environ, "PYTHONPATH": str(package_parent)},
        capture_output=True,
        text=True,
        check=False,
    )


# Guards the layout: no module imports from a layer above it, and no import cycle.
def test_the_package_keeps_its_import_contracts() -> None:
    result = lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


# Guards the contracts themselves: an import back up a layer and a module cycle each break one.
def test_an_upward_import_and_a_cycle_break_the_contracts(tmp_path: Path) -> None:
    copy = tmp_path / "feedback_platform"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    hashing = copy / "lib" / "hashing.py"
    hashing.write_text(hashing.read_text() + "\nfrom feedback_platform.resources import DUCKDB_POOL\n")
    engine = copy / "lib" / "pii" / "engine.py"
    engine.write_text(engine.read_text() + "\nfrom feedback_platform.lib.pii.workers import RedactorPool\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "feedback_platform.lib.hashing -> feedback_platform.resources" in result.stdout
    assert "No cycles are allowed in feedback_platform.lib.pii" in result.stdout
    assert "1 kept, 2 broken" in result.stdout
