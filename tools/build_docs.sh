#!/usr/bin/env bash
# Build the docs site into _site/ without Quarto (Quarto's `nbdev_docs` builds the same pages
# from _quarto.yml + nbs/sidebar.yml where Quarto exists).
#   1. nbdev's notebook processing (what `nbdev_proc_nbs` does, minus its Quarto install step
#      and its `pip install -e .`): nbs/*.ipynb -> _proc/ (hidden cells dropped, API docs added);
#   2. tools/build_site.py: _proc/ -> markdown -> pandoc --mathml -> _site/*.html, with the
#      sidebar of nbs/sidebar.yml, previous/next links in its order, heading links, a search
#      index (_site/search-index.js) and tools/site/ (layout, dark mode, search and copy buttons).
#      Notebooks not written yet are skipped.
# Needs pandoc (Debian: apt-get install -y pandoc). Check the result in headless Chromium at desktop
# and phone widths: python tools/check_docs.py
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
command -v pandoc >/dev/null || { echo "error: pandoc not found (apt-get install -y pandoc)" >&2; exit 1; }
start=$(date +%s)
export MPLBACKEND=Agg
"$PY" tools/proc_nbs.py
"$PY" tools/build_site.py "$@"
echo "docs built in $(( $(date +%s) - start )) s: open _site/index.html"
