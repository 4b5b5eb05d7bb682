#!/usr/bin/env python3
"""nbdev's notebook processing for the docs (nbs/ -> _proc/), as `nbdev_proc_nbs` does it but
without that command's Quarto install and `pip install -e .` side effects."""
import os
from pathlib import Path

if __name__ == '__main__':           # proc_nbs spawns workers: keep this guard
    from nbdev.config import get_config
    from nbdev.serve import proc_nbs
    nbs = get_config().nbs_path
    proc = Path(proc_nbs(n_workers=int(os.environ.get('N_WORKERS', 2))))
    for p in proc.glob('*.ipynb'):   # notebooks deleted or renamed since the last build
        if not (nbs/p.name).exists(): p.unlink()
    print(f"processed notebooks in {proc}")
