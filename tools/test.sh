#!/usr/bin/env bash
# Set up (if needed) and run every notebook with smoke presets. Usage: bash tools/test.sh [nbdev_test args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --dev
export MPLBACKEND=Agg
start=$(date +%s)
# the notebooks nbdev_test will run (all of nbs/, or those --path names), said before it starts: it prints nothing until the end
n=$(.venv/bin/python - "$@" <<'PY' 2>/dev/null || echo "the"
import sys
from nbdev.doclinks import nbglob
a, path = sys.argv[1:], None
for i, x in enumerate(a):
    if x == '--path' and i + 1 < len(a): path = a[i + 1]
    elif x.startswith('--path='): path = x.split('=', 1)[1]
print(len(nbglob(path, as_path=True)))
PY
)
[ $# -eq 0 ] && est="; about 6 minutes on 2 free cores" || est=""
echo "running $n notebook$([ "$n" = 1 ] || echo s) with ${N_WORKERS:-2} workers$est"
tlog=$(mktemp)
rc=0; .venv/bin/nbdev_test --n_workers "${N_WORKERS:-2}" --timing "$@" 2>&1 | tee "$tlog" || rc=$?
ran=$(grep -cE '^[^ ]+\.ipynb: [0-9]+ secs$' "$tlog" || true)          # nbdev_test --timing: one line per notebook run
failed=$(sed -n '/Failed On The Following Notebooks/,$p' "$tlog" | grep -cE '^\s+[^ ]+\.ipynb$' || true)
if [ "$rc" -ne 0 ]; then echo "notebooks: $failed failed (listed above)"; rm -f "$tlog"; exit "$rc"; fi
rm -f "$tlog"
# the GPU scripts, dry-run on this CPU at tiny sizes: the same code a lent GPU runs
for job in gpu_calibrate "gpu_calibrate --arch aug2017" gpu_calibrate_small "gpu_probe_lr --sections graph,scaling,long" gpu_ais_study "gpu_ais_study --model avb_8" \
           "gpu_ais_study --model vae_32 --preset paper"; do
  read -r t opts <<< "$job"
  d=$(mktemp -d); .venv/bin/python tools/$t.py --tiny --out "$d" $opts > "$d/log.txt" 2>&1 || { cat "$d/log.txt"; echo "tools/$t.py --tiny $opts failed"; exit 1; }
  grep -q '"errors": \[\]' "$d"/*.json || { cat "$d"/*.json; echo "tools/$t.py --tiny $opts recorded errors"; exit 1; }
  echo "dry run: tools/$t.py --tiny $opts ok"; rm -rf "$d"
done
# the static test set from filed weights (queue slices 16 and 19): the tiny run, then its ingest into a copy of the rows;
# AVB-8 from its filed decoder, AVB+AC-8 from an untrained model's decoder and encoder (its AIS starts at r_alpha(z|x))
d=$(mktemp -d); mkdir -p "$d/res/avb_8" "$d/res/avb_ac_8"; cp results/mnist/slice/avb_8/result.json results/mnist/slice/avb_8/weights.pt "$d/res/avb_8/"
cp results/mnist/slice/avb_ac_8/result.json "$d/res/avb_ac_8/"
.venv/bin/python -c 'import sys, torch; from avb_nb.experiments import mnist; from avb_nb.slices import _kept_weights
m = mnist.make_model("avb_ac_8", mnist.MNISTConfig.preset("slice"))
torch.save(_kept_weights("avb_ac_8", m.state_dict()), sys.argv[1])' "$d/res/avb_ac_8/weights.pt"
{ .venv/bin/python tools/gpu_static_ais.py --tiny --models avb_8,avb_ac_8 --dest "$d/res" --out "$d/out" \
  && .venv/bin/python tools/gpu_static_ais.py --ingest "$d/out" --dest "$d/res"; } > "$d/log.txt" 2>&1 \
  && grep -q '"errors": \[\]' "$d/out/static.json" \
  && .venv/bin/python -c 'import json, sys; assert all(len(json.load(open(f))["static"]["ais_values"]) == 2 for f in sys.argv[1:])' \
       "$d/res/avb_8/result.json" "$d/res/avb_ac_8/result.json" \
  || { cat "$d/log.txt"; echo "tools/gpu_static_ais.py --tiny or its ingest failed"; exit 1; }
echo "dry run: tools/gpu_static_ais.py --tiny (AVB-8, AVB+AC-8) and its ingest ok"; rm -rf "$d"
# the GPU queue's slice commands, dry-run on this CPU with the smoke preset, then ingested (the data: .device_data if
# it holds the experiment's set, as on a lent machine, else the library's search)
# (celebA travels as a prepared copy, data.prepare_celeba: the queue's .device_data/celeba64, else one of 40 images made here)
for job in "mnist vae_8,avb_8 .device_data/mnist .device_data" "mnist avb_ac_8 .device_data/mnist .device_data" \
           "celeba avb .device_data/celeba64 .device_data/celeba64"; do
  read -r exp models need data <<< "$job"
  d=$(mktemp -d); [ -d "$need" ] || data="$d/none"
  if [ "$exp" = celeba ] && [ ! -d "$need" ]; then
    data="$d/celeba64"
    .venv/bin/python -c 'import sys; from avb_nb.data import celeba_files, prepare_celeba; from avb_nb.experiments import celeba
c, f = celeba.CelebAConfig.preset("slice"), celeba_files(); prepare_celeba(sys.argv[1], crop=c.crop, size=c.size, files=f[:36] + f[-4:], progress=False)' "$data" \
      || { echo "data.prepare_celeba failed"; exit 1; }
  fi
  DATA="$data" OUT="$d/out" PYTHON=.venv/bin/python bash tools/gpu_slice.sh "$exp" "$models" 300 \
    "$(git rev-parse HEAD 2>/dev/null || echo unknown)" --preset smoke --device cpu > /dev/null \
    || { cat "$d/out/log.txt"; echo "tools/gpu_slice.sh $exp dry run failed"; exit 1; }
  [ "$(ls "$d/out" | wc -l)" -le 8 ] || { ls "$d/out"; echo "the $exp slice wrote more than 8 files"; exit 1; }
  if git rev-parse HEAD > /dev/null 2>&1; then
    .venv/bin/avb_nb ingest "$exp" "$d/out" --dest "$d/results" > /dev/null || { echo "avb_nb ingest of the $exp dry run failed"; exit 1; }
  fi
  echo "dry run: tools/gpu_slice.sh $exp (smoke, cpu) and avb_nb ingest ok"; rm -rf "$d"
done
# a model trained over two slices (the queue's staged VAE rows): a stage of 2 steps, its ingest, then the slice that
# resumes from the filed state and finishes (needs git: ingest files only results made from a commit)
if c=$(git rev-parse HEAD 2>/dev/null); then
  d=$(mktemp -d); data=.device_data; [ -d .device_data/mnist ] || data="$d/none"
  for step in "a --stage-steps 2" "b"; do
    read -r o opts <<< "$step"
    # shellcheck disable=SC2086
    DATA="$data" OUT="$d/$o" PYTHON=.venv/bin/python bash tools/gpu_slice.sh mnist vae_8 300 "$c" --preset smoke --device cpu \
      --states "$d/results" $opts > /dev/null || { cat "$d/$o/log.txt"; echo "tools/gpu_slice.sh staged dry run ($o) failed"; exit 1; }
    .venv/bin/avb_nb ingest mnist "$d/$o" --dest "$d/results" > /dev/null || { echo "avb_nb ingest of the staged dry run ($o) failed"; exit 1; }
    if [ "$o" = a ]; then           # AIS part-way from the state just filed, then its ingest (as a CPU runs it for the paper preset)
      dopt=(); [ -d "$data" ] && dopt=(--data "$data")
      { .venv/bin/python tools/stage_ais.py vae_8 --preset smoke --root "$d/results" "${dopt[@]}" --examples 4 --chunk 2 \
          --out "$d/ais" --commit "$c" && .venv/bin/python tools/stage_ais.py --ingest "$d/ais" --dest "$d/results"; } > "$d/ais.log" 2>&1 \
        && grep -q '"n": 4' "$d/results/vae_8/stage_ais.json" || { cat "$d/ais.log"; echo "tools/stage_ais.py dry run failed"; exit 1; }
    fi
  done
  grep -q '"vae_8": 2' "$d/b/slice.json" && grep -q '"done": \[ *"vae_8" *\]' <(tr -d '\n' < "$d/b/slice.json") \
    || { cat "$d/b/slice.json"; echo "the staged dry run did not resume and finish vae_8"; exit 1; }
  echo "dry run: tools/gpu_slice.sh mnist, a model staged over two slices (AIS part-way: tools/stage_ais.py), ok"; rm -rf "$d"
fi
# the queue's device_run commands, dry-run with the smoke preset from a copy of the tree without .git (as a lent
# machine gets it): the results must record the commit passed in COMMIT. MNIST comes from .device_data if it is
# there (as on a lent machine), else from the shared data folder.
if [ -d .device_data/mnist ]; then mnist_root=$(cd .device_data && pwd); else mnist_root=$(cd ../shared/data 2>/dev/null && pwd || echo none); fi
for job in "synthetic --seed 1" "synthetic --set arch=notebook" "toy-vi" "connections-mnist --data $mnist_root"; do
  read -r exp extra <<< "$job"
  d=$(mktemp -d); mkdir "$d/tree"; cp -r avb_nb tools settings.ini "$d/tree/"; c=$(printf 'c%.0s' $(seq 40))
  # shellcheck disable=SC2086
  (cd "$d/tree" && COMMIT=$c OUT="$d/out" BUDGET=120 PYTHON="$OLDPWD/.venv/bin/python" bash tools/device_run.sh "$exp" runs/s \
    --preset smoke --device cpu $extra > /dev/null)
  grep -q "\"git_commit\": \"$c\"" "$d/out/metrics.json" 2>/dev/null || { cat "$d/out/log.txt"; echo "tools/device_run.sh $exp dry run failed"; exit 1; }
  echo "dry run: tools/device_run.sh $exp (smoke, cpu, no .git) ok"; rm -rf "$d"
done
echo "tests finished in $(( $(date +%s) - start )) s"
echo "notebooks: $ran passed, 0 failed"
