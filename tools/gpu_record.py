"""What the GPU scripts (tools/gpu_calibrate.py, tools/gpu_probe_lr.py) share: a recorder that writes every
measurement to one JSON file as soon as it is taken (a run stopped at its deadline keeps what it measured), skips
what would pass the budget, and records a failed measurement instead of stopping; and device timing helpers."""
from __future__ import annotations
import json, os, platform, time
from pathlib import Path
import torch
from avb_nb.core import sync      # the scripts put the repository first on sys.path before importing this file


def env_info(tiny: bool, budget: float, **extra) -> dict:
    "What a script ran on and with: the commit passed in COMMIT, versions, device, CPU threads, dry run or not, budget."
    e = dict(commit=os.environ.get('COMMIT', 'unknown'), torch=torch.__version__, python=platform.python_version(),
             device='cpu', cpu_threads=torch.get_num_threads(), tiny=tiny, budget_s=budget,
             started=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), **extra)
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        e.update(device=p.name, cuda=torch.version.cuda, gpu_mem_gib=round(p.total_memory / 2 ** 30, 1), sms=p.multi_processor_count)
    return e


def timed(run, dev, min_steps: int, min_s: float) -> tuple[float, int]:
    "Seconds per call of `run`, timed over at least `min_steps` calls and `min_s` seconds."
    sync(dev); t0 = time.perf_counter(); n = 0
    while n < min_steps or time.perf_counter() - t0 < min_s:
        run(); n += 1
        if n % 10 == 0: sync(dev)
    sync(dev)
    return (time.perf_counter() - t0) / n, n


class Recorder:
    "Rows under `keys` in `out/name`, rewritten atomically after each one; plus `skipped` and `errors`."
    def __init__(self, out, name: str, budget: float, env: dict, keys):
        self.path, self.t0, self.budget = Path(out) / name, time.time(), budget
        self.data = dict(env=env, **{k: [] for k in keys}, skipped=[], errors=[]); self.save()

    def left(self) -> float: return self.budget - (time.time() - self.t0)

    def save(self):
        self.data['elapsed_s'] = round(time.time() - self.t0, 1)
        tmp = self.path.with_suffix('.tmp'); tmp.write_text(json.dumps(self.data, indent=1) + '\n'); tmp.replace(self.path)

    def add(self, key, row):
        self.data[key].append(row); self.save(); print(key, json.dumps(row), flush=True)

    def finish(self, label: str) -> int:
        "Mark the file finished and print one line: rows per key, errors, skips, seconds; returns 0 (the exit status)."
        self.data['finished'] = True; self.save()
        rows = ', '.join(f"{len(v)} {k}" for k, v in self.data.items() if isinstance(v, list) and k not in ('errors', 'skipped'))
        print(f"{label}: {rows}; {len(self.data['errors'])} errors, {len(self.data['skipped'])} skipped, {self.data['elapsed_s']} s")
        return 0

    def run(self, key, what: dict, f, need_s: float):
        "Add `{**what, **f()}` under `key`, unless fewer than `need_s` seconds are left; a failure is recorded."
        if self.left() < need_s:
            self.add('skipped', dict(what=what, reason=f'deadline ({self.left():.0f} s left)')); return
        try: self.add(key, {**what, **f()})
        except Exception as e:
            self.add('errors', dict(what=what, error=f'{type(e).__name__}: {e}'[:500]))
        finally:
            if torch.cuda.is_available(): torch.cuda.empty_cache()
