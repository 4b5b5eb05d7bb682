"""What the GPU scripts (tools/gpu_calibrate*.py, gpu_probe_lr.py, gpu_ais_study.py) record about the machine they ran
on. Their budgeted recorder and timing are the package's (`avb_nb.run.Recorder`, `avb_nb.run.timed`)."""
from __future__ import annotations
import os, platform, time
import torch
from avb_nb.core import git_commit


def env_info(tiny: bool, budget: float, **extra) -> dict:
    """What a script ran on and with: the commit passed in COMMIT (a lent GPU machine has no .git), else the tree's
    (`+dirty` if it has changes), versions, device, CPU threads, dry run or not, budget."""
    e = dict(commit=os.environ.get('COMMIT') or git_commit() or 'unknown', torch=torch.__version__, python=platform.python_version(),
             device='cpu', cpu_threads=torch.get_num_threads(), tiny=tiny, budget_s=budget,
             started=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), **extra)
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        e.update(device=p.name, cuda=torch.version.cuda, gpu_mem_gib=round(p.total_memory / 2 ** 30, 1), sms=p.multi_processor_count)
    return e

