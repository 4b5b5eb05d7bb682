#!/usr/bin/env bash
# Continue one paper-preset run on a lent GPU machine for at most $BUDGET seconds, then copy its
# small outputs (metrics.json, figures, a GPU-utilisation trace, the log) to $OUT.
#
#   COMMIT=<40-hex> OUT=DIR bash tools/device_run.sh EXPERIMENT RUN_DIR [avb_nb reproduce options ...]
#   e.g. COMMIT=... BUDGET=540 bash tools/device_run.sh synthetic runs/synthetic/paper --preset paper --device cuda
#
# COMMIT is the commit of the (clean) tree that travelled: the machine has no .git, so the results record it
# through AVB_NB_COMMIT (core.git_commit).
# The machine has python3 with torch, numpy, scipy, matplotlib, seaborn, tqdm and pillow but no
# network, so avb_nb runs from this checkout (PYTHONPATH) and the data travel in an ignored folder
# (.device_data/, listed in .git/info/exclude and named in the call's `carry`). RUN_DIR should be
# ignored by git (runs/ is): its checkpoints stay on a warm machine between calls, and the same
# command resumes from them. The run is stopped with SIGINT when the budget is spent, which the
# CLI treats as an interruption (exit 130, checkpoints kept). Works on a CPU too (for a dry run:
# OUT=/tmp/o bash tools/device_run.sh synthetic /tmp/r --preset smoke --device cpu).
set -u
[ $# -ge 2 ] || { echo "usage: bash tools/device_run.sh EXPERIMENT RUN_DIR [reproduce options]" >&2; exit 2; }
exp=$1; run=$2; shift 2
out=${OUT:?set OUT to the folder whose files come back}
budget=${BUDGET:-540}
py=${PYTHON:-python3}
export AVB_NB_COMMIT=${COMMIT:-}
mkdir -p "$out" "$run"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=timestamp,name,utilization.gpu,memory.used --format=csv -l 5 > "$out/gpu_util.csv" 2>/dev/null &
  smi=$!
fi
start=$(date +%s)
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" timeout -s INT "$budget" "$py" -c \
  'import sys; from avb_nb.cli import main; sys.exit(main(sys.argv[1:]))' \
  reproduce "$exp" --out "$run" "$@" > "$out/log.txt" 2>&1
rc=$?
[ -n "${smi:-}" ] && kill "$smi" 2>/dev/null
echo "exit $rc after $(( $(date +%s) - start )) s (130 or 124: stopped at the budget; run the same command again to resume)" >> "$out/log.txt"
n=0
for f in "$run"/metrics.json "$run"/*.png; do          # at most 8 files come back; the log and trace take two
  [ -f "$f" ] && [ $n -lt 6 ] && cp "$f" "$out/" && n=$((n + 1))
done
tail -n 3 "$out/log.txt"
exit 0
