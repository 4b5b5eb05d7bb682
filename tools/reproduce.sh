#!/usr/bin/env bash
# The main job on a fresh machine: set up .venv (if needed), install avb_nb, run one experiment.
# Usage: bash tools/reproduce.sh [EXPERIMENT [--preset smoke|cpu|paper] [--device ...] [--out DIR] ...]
# Default: bash tools/reproduce.sh synthetic --preset cpu --out runs/synthetic (Table 1 on a CPU budget: about 10 minutes on one free thread)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
[ $# -gt 0 ] || set -- synthetic --preset cpu --out runs/synthetic
exec .venv/bin/avb_nb reproduce "$@"
