#!/usr/bin/env bash
# One slice of the GPU queue (tools/gpu_queue.md) exactly as a lent GPU machine runs it: avb_nb from this
# working tree (the machine has torch but not avb_nb), the data from the ignored folder .device_data/ (carried
# with the call), the files in $OUT (at most 8 come back: slice.json, this log, and per model its result, figures and
# weights in one or more files; the slice refuses models that would return more).
#
#   OUT=DIR bash tools/gpu_slice.sh EXPERIMENT MODELS BUDGET_SECONDS COMMIT [avb_nb slice options ...]
#   e.g. bash tools/gpu_slice.sh mnist vae_8,vae_32 540 <40-hex commit> --device cuda
#
# The CPU dry run in tools/test.sh runs this same script with --preset smoke --device cpu.
set -u
[ $# -ge 4 ] || { echo "usage: OUT=DIR bash tools/gpu_slice.sh EXPERIMENT MODELS BUDGET COMMIT [options]" >&2; exit 2; }
exp=$1; models=$2; budget=$3; commit=$4; shift 4
out=${OUT:?set OUT to the folder whose files come back}
data=${DATA:-.device_data}
mkdir -p "$out"
args=(slice "$exp" --models "$models" --budget "$budget" --commit "$commit" --out "$out")
[ -d "$data" ] && args+=(--data "$data")
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "${PYTHON:-python3}" -c \
  'import sys; from avb_nb.cli import main; sys.exit(main(sys.argv[1:]))' "${args[@]}" "$@" > "$out/log.txt" 2>&1
rc=$?
tail -n 5 "$out/log.txt"
exit $rc
