#!/usr/bin/env python3
"""nbdev's notebook processing for the docs (nbs/ -> _proc/), as `nbdev_proc_nbs` does it, but
  * without that command's Quarto install and `pip install -e .` side effects, and
  * one notebook at a time: a notebook that fails to process (e.g. one still being written, whose
    imports do not exist yet) is reported and left out instead of stopping the build;
  * an API card of a function without a docstring shows none, not fastcore's fallback (the
    docstring of `__call__`, "Call self as a function."); the build names such functions.
Usage: python tools/proc_nbs.py [--force]"""
import os, sys, traceback
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp

ROOT = Path(__file__).resolve().parent.parent


def _no_placeholder_docstrings(nb_name):
    """fastcore gives a function without a docstring the docstring of its `__call__` slot, so its API
    card reads "Call self as a function."; such a card shows no docstring instead, and the function
    is named in the build's output (it wants a docstring in its notebook)."""
    import inspect, fastcore.docments as fd
    orig, named = fd.docstring, set()
    def docstring(sym):
        if inspect.isfunction(sym) and not inspect.getdoc(sym):
            if sym.__qualname__ not in named:
                named.add(sym.__qualname__)
                # to the build's stderr: the notebook's kernel captures stdout into the cell's output
                print(f"  note: {nb_name}: {sym.__qualname__} has no docstring (its API card shows none)", file=sys.__stderr__, flush=True)
            return ''
        return orig(sym)
    fd.docstring = docstring


def _one(item):
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))   # the library, as nbdev_test sees it
    import nbdev.serve_drv
    _no_placeholder_docstrings(Path(item[0]).name)
    try: nbdev.serve_drv.main(item); return None
    except BaseException as e:
        msg = str(e).splitlines()
        return f"{type(e).__name__}: {' | '.join(msg[:3])}" + (f" <- {e.__cause__!r}" if e.__cause__ else '')


if __name__ == '__main__':           # workers are spawned: keep this guard
    os.chdir(ROOT)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    from nbdev.serve import _proc_file
    from shutil import rmtree
    cfg = get_config(); nbs = cfg.nbs_path; cache = ROOT/'_proc'
    if '--force' in sys.argv and cache.exists(): rmtree(cache)
    cache.mkdir(exist_ok=True)
    files = list(nbglob(nbs, func=Path, file_glob='', file_re=''))
    files += [nbs/f for f in ('_quarto.yml', 'nbdev.yml', 'sidebar.yml', 'styles.css') if (nbs/f).exists()]
    chk = max(cfg.config_file.stat().st_mtime, Path(__file__).stat().st_mtime)
    mtime = cache.stat().st_mtime
    if mtime < chk: rmtree(cache); cache.mkdir(); mtime = cache.stat().st_mtime
    todo = [x for x in (_proc_file(f, cache=cache, path=nbs, mtime=mtime) for f in files) if x]
    failed = {}
    if todo:
        # one fresh process per notebook: IPython replaces __main__ inside a worker
        with ProcessPoolExecutor(int(os.environ.get('N_WORKERS', 2)), mp_context=mp.get_context('spawn'),
                                 max_tasks_per_child=1) as ex:
            for (s, d, _), err in zip(todo, ex.map(_one, todo)):
                if err: failed[s.name] = err; Path(d).unlink(missing_ok=True)
    for p in cache.glob('*.ipynb'):   # notebooks deleted or renamed since the last build
        if not (nbs/p.name).exists(): p.unlink()
    cache.touch()
    print(f"processed {len(todo) - len(failed)} changed notebook(s) into {cache}")
    for k, v in failed.items(): print(f"WARNING: {k} could not be processed and is left out of the site: {v}", file=sys.stderr)
