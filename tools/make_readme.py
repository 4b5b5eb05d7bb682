#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb without Quarto: nbdev's processing of the notebook (as for
the docs), then markdown of its cells and stored outputs, with links pointing at the docs site.
Usage: python tools/make_readme.py [--check]   (--check: fail if README.md would change)"""
from __future__ import annotations
import re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools')); sys.path.insert(0, str(ROOT))
from build_site import Page, page_name  # noqa: E402


def readme_text() -> str:
    from nbdev.config import get_config
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import exec_nb
    cfg = get_config()
    site = f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}/"
    with tempfile.TemporaryDirectory() as d:
        proc = Path(d)/'index.ipynb'
        exec_nb(cfg.nbs_path/cfg.get('readme_nb', 'index.ipynb'), proc, FilterDefaults)
        page = Page(proc, Path(d)/'img')
        md = page.markdown()
        if page.n_img: print("warning: image outputs in the index notebook are left out of README.md", file=sys.stderr)
    def link(m):
        text, href = m.group(1), m.group(2)
        if re.match(r'^[a-z]+:', href) or href.startswith('#'): return m.group(0)
        base, _, frag = href.partition('#')
        if base.endswith('.ipynb'): base = page_name(base)
        return f"[{text}]({site}{base}{'#' + frag if frag else ''})"
    md = re.sub(r'(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)', link, md)
    md = re.sub(r'\{\.output[^}]*\}', '', md)                 # pandoc attributes GitHub does not know
    head = f"# {page.title}\n\n" + (f"> {page.meta['description']}\n\n" if page.meta.get('description') else '')
    note = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"
    return note + head + re.sub(r'\n{3,}', '\n\n', md).strip() + '\n'


if __name__ == '__main__':
    text, readme = readme_text(), ROOT/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is out of date: run `python tools/make_readme.py` and commit it")
        print("README.md is up to date")
    else:
        readme.write_text(text); print(f"wrote {readme}")
