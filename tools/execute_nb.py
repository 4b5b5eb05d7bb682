"""Run notebooks top to bottom in a fresh in-process kernel and store their outputs (for the docs).

Usage: .venv/bin/python tools/execute_nb.py nbs/10_toy_vi.ipynb [more.ipynb ...]
Then run `nbdev_clean`. The docs show the outputs stored in the notebooks. Cells flagged `#| slow`
are skipped, as `nbdev_test` skips them (they are meant for a GPU or a long run).
"""
import os, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

def _slow(cell) -> bool: return any(l.strip().replace(' ', '') == '#|slow' for l in cell.source.splitlines())

def execute(path: Path):
    nb, cwd = read_nb(path), os.getcwd()
    for c in nb.cells:                         # a cell that now prints nothing must not keep its old output
        if c.cell_type == 'code': c.outputs = []
    os.chdir(path.parent)
    try: CaptureShell(path).run_all(nb, exc_stop=True, preproc=_slow)
    finally: os.chdir(cwd)
    write_nb(nb, path)
    print(f"executed {path}")

if __name__ == '__main__':
    os.environ.setdefault('MPLBACKEND', 'Agg')
    for p in sys.argv[1:]: execute(Path(p).resolve())
