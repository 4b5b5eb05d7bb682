#!/usr/bin/env bash
# Set up .venv for this repository: the one setup of the main job (tools/reproduce.sh), the tests (tools/test.sh)
# and CI (.ci/run). A step already done is skipped, so a second call returns at once.
# Usage: bash tools/setup.sh [--dev] [--fresh]
#   --dev    also the development tools (nbdev, jupyter, ...), which the tests and the docs need
#   --fresh  remove .venv first (CI: a clean install)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; fresh=0
for a in "$@"; do
  case $a in --dev) dev=1 ;; --fresh) fresh=1 ;; *) echo "usage: bash tools/setup.sh [--dev] [--fresh]" >&2; exit 2 ;; esac
done
export PIP_DISABLE_PIP_VERSION_CHECK=1
quiet() { local rc=0 log; log=$(mktemp); "$@" >"$log" 2>&1 || rc=$?; grep -v "^WARNING: Location" "$log" || true; rm -f "$log"; return $rc; }
[ $fresh = 0 ] || rm -rf .venv
[ -x .venv/bin/python ] || { echo "setting up .venv (first run only; the installs take a few minutes)"; "${PYTHON:-python3}" -m venv .venv; }
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  echo "installing torch into .venv"
  # a CPU wheel where one is provided locally (it keeps the CUDA build out), else the registry's default build
  quiet .venv/bin/pip install -q torch==2.13.0 || quiet .venv/bin/pip install -q torch
fi
# the console script exists only once avb_nb is installed (a bare `import avb_nb` would find the source folder)
if [ $dev = 1 ]; then
  [ -x .venv/bin/nbdev_test ] && [ -x .venv/bin/avb_nb ] || { echo "installing avb_nb and its dev tools (nbdev) into .venv"; quiet .venv/bin/pip install -q -e ".[dev]"; }
else
  [ -x .venv/bin/avb_nb ] || { echo "installing avb_nb into .venv"; quiet .venv/bin/pip install -q -e .; }
fi
