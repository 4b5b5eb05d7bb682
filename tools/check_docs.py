#!/usr/bin/env python3
"""Open every page of the built site (`_site/`) in headless Chromium and check what a reader sees.

For each page, Chromium renders the file and dumps the DOM after the page's load event
(`--dump-dom --virtual-time-budget`); `site.js` has by then recorded what the browser made of
it. The page fails if
  * it did not load (no DOM, or the load-time script never ran);
  * an equation is not typeset: a <math> element the browser did not lay out as MathML, or raw
    TeX (`$$`, `\\(`, `\\[`, `$\\alpha$`-like text) left in visible text outside code;
  * an <img> is broken: its file is missing, empty or does not decode (checked by the browser
    and again with Pillow);
  * an internal link points at a missing page or a missing #anchor;
  * the sidebar does not list the built pages in the order of nbs/sidebar.yml;
  * a page listed in nbs/sidebar.yml was not built (its notebook failed to process).
It also saves screenshots of the index and the theory page to `_site/screenshots/`.
Usage: python tools/check_docs.py [--site _site] [--chromium chromium]
"""
from __future__ import annotations
import argparse, json, os, re, shutil, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
from build_site import sidebar_entries, page_name  # noqa: E402

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--hide-scrollbars', '--allow-file-access-from-files']
RAW_TEX = re.compile(r'\$\$|\\\(|\\\[|\$[^$\s][^$]*\\[A-Za-z]+[^$]*\$|\\(frac|mathbb|mathcal|left|right|begin)\b')


class DomInfo(HTMLParser):
    "What the checks need from a dumped DOM."
    SKIP = {'pre', 'code', 'script', 'style', 'math', 'textarea'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root_attrs, self.ids, self.imgs, self.links, self.nav_links = {}, set(), [], [], []
        self.text, self._skip, self._in_nav, self.n_math = [], 0, 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'html': self.root_attrs = a
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        if tag == 'img': self.imgs.append(a.get('src') or '')
        if tag == 'math': self.n_math += 1
        if tag == 'nav' and a.get('id') == 'sidebar': self._in_nav = 1
        elif tag == 'nav' and self._in_nav: self._in_nav += 1
        if tag == 'a' and a.get('href') is not None:
            self.links.append(a['href'])
            if self._in_nav: self.nav_links.append(a['href'])
        if tag in self.SKIP: self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip: self._skip -= 1
        if tag == 'nav' and self._in_nav: self._in_nav -= 1

    def handle_data(self, data):
        if not self._skip: self.text.append(data)


def parse(html_text: str) -> DomInfo:
    d = DomInfo(); d.feed(html_text); return d


def chromium(binary: str, args: list[str], timeout: int = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix='avb-chromium-') as prof:
        return subprocess.run([binary, *FLAGS, f'--user-data-dir={prof}', *args],
                              capture_output=True, text=True, timeout=timeout)


def dump_dom(binary: str, page: Path) -> str:
    r = chromium(binary, ['--virtual-time-budget=5000', '--window-size=1280,1400', '--dump-dom', page.resolve().as_uri()])
    return r.stdout


def screenshot(binary: str, page: Path, png: Path, size='1280,1400') -> bool:
    png.parent.mkdir(parents=True, exist_ok=True)
    chromium(binary, ['--virtual-time-budget=5000', f'--window-size={size}', f'--screenshot={png}', page.resolve().as_uri()])
    return png.exists() and png.stat().st_size > 0


def image_ok(path: Path) -> str | None:
    "None if `path` is a non-empty image file that decodes, else what is wrong."
    if not path.is_file(): return 'missing'
    if path.stat().st_size == 0: return 'empty file'
    if path.suffix.lower() == '.svg': return None if b'<svg' in path.read_bytes()[:4096] else 'not an SVG'
    try:
        from PIL import Image
        with Image.open(path) as im: im.load(); w, h = im.size
        return None if w > 0 and h > 0 else 'zero size'
    except ImportError: return None
    except Exception as e: return f'does not decode ({e})'


def check_page(site: Path, page: str, dom: DomInfo, id_cache: dict) -> list[str]:
    errs = []
    ra = dom.root_attrs
    if ra.get('data-checked') != 'yes': return [f"{page}: page did not finish loading in Chromium"]
    n_math, typeset = int(ra.get('data-math-count', -1)), int(ra.get('data-math-typeset', -1))
    if n_math != typeset: errs.append(f"{page}: {n_math - typeset} of {n_math} equations not laid out as MathML")
    text = ' '.join(dom.text)
    for m in RAW_TEX.finditer(text):
        errs.append(f"{page}: raw TeX in visible text: {text[max(0, m.start()-40):m.end()+40]!r}"); break
    if ra.get('data-img-broken'): errs.append(f"{page}: images the browser could not show: {ra['data-img-broken']}")
    for src in dom.imgs:
        if src.startswith('data:'): continue
        u = urlparse(src)
        if u.scheme in ('http', 'https'): errs.append(f"{page}: image loads from the network: {src}"); continue
        bad = image_ok((site/page).parent/unquote(u.path))
        if bad: errs.append(f"{page}: image {src}: {bad}")
    for href in dom.links:
        u = urlparse(href)
        if u.scheme or href.startswith('//') or href.startswith('mailto:'): continue
        target = (site/page).parent/unquote(u.path) if u.path else site/page
        if not target.exists(): errs.append(f"{page}: broken link {href!r} (no {target.relative_to(site)})"); continue
        if u.fragment and target.suffix == '.html':
            key = target.resolve()
            if key not in id_cache: id_cache[key] = parse(target.read_text(errors='replace')).ids
            if unquote(u.fragment) not in id_cache[key]: errs.append(f"{page}: broken anchor {href!r}")
    return errs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', default=str(ROOT/'_site'))
    ap.add_argument('--chromium', default=os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser') or 'chromium')
    ap.add_argument('--jobs', type=int, default=2)
    a = ap.parse_args(argv)
    site = Path(a.site)
    if not (site/'index.html').exists(): sys.exit(f"error: no site at {site}; run `bash tools/build_docs.sh` first")
    if not shutil.which(a.chromium): sys.exit(f"error: {a.chromium} not found; install Chromium (`apt-get install -y chromium`)")
    pages = sorted(p.name for p in site.glob('*.html'))
    with ThreadPoolExecutor(a.jobs) as ex: doms = dict(zip(pages, ex.map(lambda p: dump_dom(a.chromium, site/p), pages)))

    errors, report, id_cache = [], {}, {}
    built = json.loads((site/'pages.json').read_text())['pages'] if (site/'pages.json').exists() else pages
    want_nav = [page_name(n) for _, ns in sidebar_entries(ROOT/'nbs'/'sidebar.yml') for n in ns if page_name(n) in built]
    listed = [page_name(n) for _, ns in sidebar_entries(ROOT/'nbs'/'sidebar.yml') for n in ns]
    errors += [f"{p}: listed in nbs/sidebar.yml but not built (see the build's warnings)" for p in listed if p not in pages]
    for page in pages:
        dom = parse(doms[page])
        errs = check_page(site, page, dom, id_cache)
        nav = list(dict.fromkeys(dom.nav_links))
        if nav[:len(want_nav)] != want_nav: errs.append(f"{page}: sidebar {nav} does not follow sidebar.yml {want_nav}")
        ra = dom.root_attrs
        report[page] = dict(loaded=ra.get('data-checked') == 'yes', equations=int(ra.get('data-math-count', 0)),
                            equations_typeset=int(ra.get('data-math-typeset', 0)), images=len(dom.imgs),
                            links=len(dom.links), errors=errs)
        errors += errs
        print(f"{'ok  ' if not errs else 'FAIL'} {page:28s} equations {report[page]['equations_typeset']:4d}/{report[page]['equations']:<4d}"
              f" images {len(dom.imgs):3d}  links {len(dom.links):4d}")

    shots = {}
    theory = 'theory.html' if 'theory.html' in pages else next((p for p in pages if p != 'index.html' and report[p]['equations']), None)
    for name in ['index.html', theory]:
        if not name: continue
        png = site/'screenshots'/(Path(name).stem + '.png')
        shots[name] = str(png.relative_to(site)) if screenshot(a.chromium, site/name, png) else None
        if not shots[name]: errors.append(f"screenshot of {name} failed")
        elif image_ok(png): errors.append(f"screenshot {png} is unreadable: {image_ok(png)}")
    (site/'check_report.json').write_text(json.dumps(dict(pages=report, screenshots=shots, errors=errors), indent=1) + '\n')
    print(f"screenshots: {', '.join(v for v in shots.values() if v)} (in {site})")
    if errors:
        print(f"\n{len(errors)} problem(s):", *errors, sep='\n  ', file=sys.stderr); sys.exit(1)
    print(f"all {len(pages)} pages load; equations typeset, images decode, internal links resolve")


if __name__ == '__main__': main()
