#!/usr/bin/env bash
# Extra CI checks (called by .ci/run): README.md matches nbs/index.ipynb, and the docs site builds
# and every page renders in headless Chromium (equations, images, links; screenshots saved).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
start=$(date +%s)

echo "== README.md is generated from nbs/index.ipynb"
"$PY" tools/make_readme.py
git diff --exit-code README.md || { echo "README.md was stale: run python tools/make_readme.py and commit it"; exit 1; }

echo "== docs: pandoc and Chromium"
if ! command -v pandoc >/dev/null || ! command -v chromium >/dev/null || ! fc-list | grep -qi 'STIX Math'; then
  SUDO=$([ "$(id -u)" = 0 ] && echo || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # fonts-stix: an OpenType math font, so MathML equations are typeset with proper glyphs
  $SUDO apt-get install -y -qq chromium pandoc fonts-stix >/dev/null
fi

echo "== docs: build _site/ and check every page in Chromium"
bash tools/build_docs.sh
"$PY" tools/check_docs.py
echo "extra checks passed in $(( $(date +%s) - start )) s (screenshots in _site/screenshots/)"
