"""The paper's experiments, one module per notebook (`nbs/1*_*.ipynb`).

Each module defines `NAME`, a `Config` subclass with a `smoke` preset and presets named for their budgets
(`paper`: the paper's or the authors' settings), and
`reproduce(preset='smoke', device='auto', seed=0, out=None, data=None, **kw) -> dict`.
The command line (`avb_nb list`, `avb_nb reproduce NAME`) finds them here automatically.
"""
