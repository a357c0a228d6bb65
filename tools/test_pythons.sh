#!/usr/bin/env bash
# The unit tests on every supported Python (3.11 to 3.13) found on this machine other than the
# one the main venv uses (given as $1, e.g. "3.11"), each in its own venv .venv-3.X with the
# runtime requirements and the pinned pytest. Fails if any run fails or collects no test.
set -euo pipefail
cd "$(dirname "$0")/.."
main="${1:-}"
pins=$(grep -E '^(pytest|pytest-xdist)==' requirements-dev.txt)
ran=()
for v in 3.11 3.12 3.13; do
  [ "$v" = "$main" ] && continue
  py="python$v"
  if ! "$py" -c 'import sys' >/dev/null 2>&1; then
    # pyenv keeps versions that are installed but not selected; their shims do not run.
    py=""
    if command -v pyenv >/dev/null 2>&1; then
      for cand in "$(pyenv root)"/versions/"$v".*/bin/python"$v"; do
        [ -x "$cand" ] && py="$cand"
      done
    fi
    if [ -z "$py" ]; then
      echo "Python $v: not on this machine, skipped"
      continue
    fi
  fi
  venv=".venv-$v"
  if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
  fi
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q -r requirements.txt $pins
  echo "Python $v: unit tests"
  # pytest exits 5 when it collected nothing: any non-zero exit fails this script.
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit
  ran+=("$v")
done
echo "unit tests ran on other Pythons: ${ran[*]:-none}"
