"""Run every experiment's smoke preset (seed 0, CPU, 1 thread) and compare the metrics with another such run.

    python tools/smoke_compare.py --out A [--data DIR]              # run all smoke presets into A/<experiment>/
    python tools/smoke_compare.py --out B --against A [--data DIR]  # run into B, then list every metric that differs

Wall times, dates and commits are left out of the comparison; everything else must be equal (a refactor that
moves no result leaves no line). Run the first from the commit before a change (e.g. a `git worktree`) and the
second after it."""
import argparse, json, math, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMING = ('seconds', 'created', 'ms_per_step', 'hours_for', 'git_commit', 'step_s', 'train_hours')


def run_all(out: Path, data: str | None):
    from avb_nb.cli import experiment_index
    for name in experiment_index():
        cmd = [sys.executable, '-c', 'import sys; from avb_nb.cli import main; sys.exit(main(sys.argv[1:]))',
               'reproduce', name, '--preset', 'smoke', '--seed', '0', '--device', 'cpu', '--threads', '1', '--out', str(out/name)]
        needs_data = name in ('mnist', 'connections-mnist', 'celeba')
        if data and needs_data: cmd += ['--data', data]
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, 'PYTHONPATH': str(ROOT)}).returncode
        print(f'{name}: {"ok" if rc == 0 else f"failed (rc {rc})"}')


def diff(a, b, path=''):
    "Paths at which the metrics `a` and `b` differ, timing and provenance keys left out."
    if any(t in path.rsplit('.', 1)[-1] for t in TIMING): return []
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in sorted(set(a) | set(b)) if not any(t in str(k) for t in TIMING)]
        return [d for k in keys for d in
                ([f'{path}.{k}: only in one run'] if (k in a) != (k in b) else diff(a[k], b[k], f'{path}.{k}'))]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b): return [f'{path}: lengths {len(a)} and {len(b)}']
        return [d for i, (u, v) in enumerate(zip(a, b)) for d in diff(u, v, f'{path}[{i}]')]
    same = a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    return [] if same else [f'{path}: {a!r} vs {b!r}']


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True); ap.add_argument('--against'); ap.add_argument('--data')
    a = ap.parse_args()
    out = Path(a.out); run_all(out, a.data)
    if a.against:
        n = 0
        for f in sorted(Path(a.against).glob('*/metrics.json')):
            g = out/f.parent.name/'metrics.json'
            d = diff(json.loads(f.read_text()), json.loads(g.read_text())) if g.exists() else ['no metrics.json']
            n += len(d); print(f'{f.parent.name}: {len(d)} differences'); [print('   ', x) for x in d]
        sys.exit(1 if n else 0)
