"""The package layers (CONTRIBUTING.md "Package layers", pyproject.toml
[tool.importlinter]): a feature imports only from layers below it. ``lint-imports`` checks
the import graph; these tests run it so ``make test`` fails on an upward import."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True,
        env={"PYTHONPATH": str(cwd), "PATH": ""}, timeout=300, check=False)


def test_no_package_imports_a_layer_above_it():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_check(tmp_path):
    shutil.copytree(ROOT / "app", tmp_path / "app",
                    ignore=shutil.ignore_patterns("translations", "static", "templates",
                                                  "__pycache__", "*.json", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "app" / "registry" / "models.py"
    models.write_text(models.read_text() + "\nimport app.api.workers  # register uses the API\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "app.registry is not allowed to import app.api" in result.stdout
