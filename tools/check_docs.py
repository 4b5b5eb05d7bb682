#!/usr/bin/env python3
"""Open every page of the built site (`_site/`) in headless Chromium and check what a reader sees.

Each page is rendered twice, and the DOM dumped after the load event (`--dump-dom
--virtual-time-budget`); by then `probe.js` has recorded what the browser made of it:
  * wide: a 1400 px desktop window, light colours;
  * narrow: a 500 px phone-width window (headless Chromium's narrowest) in dark mode
    (`prefers-color-scheme: dark`, as a reader's system setting asks for).
A page fails if
  * it did not load (no DOM, or the load-time script never ran);
  * an equation is not typeset: a <math> element the browser did not lay out as MathML, or raw
    TeX (`$$`, `\\(`, `\\[`, `$\\alpha$`-like text) left in visible text outside code;
  * an <img> is broken: its file is missing, empty or does not decode (checked by the browser
    and again with Pillow);
  * an internal link points at a missing page or a missing #anchor;
  * the sidebar does not list the built pages in the order of nbs/sidebar.yml, or that file does not list the
    notebooks in the order of their numbers, or a notebook has no Colab badge;
  * a rendered output holds a progress bar (tqdm's `|███` or `it/s]`), or an API card the
    placeholder docstring "Call self as a function." (a function without a docstring);
  * an output figure has no caption or no alt text (cell options `#| fig-cap:` and `#| fig-alt:`);
  * the title, subtitle or <title> holds raw markdown (a backtick, `\\|`, `**`, `[text](url)`);
  * the "On this page" list has the same entry twice (under one parent, or a child repeating its
    parent, as a section `fit` holding the API card `fit`);
  * layout, wide window: something in the content column sticks out of it, or a table, code
    block, figure or display equation lies under the "On this page" column;
  * layout, narrow window: the page is wider than the window (`scrollWidth`), something sticks
    out past its right edge, the title starts more than 260 px down (the page list stacked above
    it), or the Colab install line scrolls sideways instead of wrapping;
  * a reader feature is missing: the search box, the previous/next links (in sidebar order), a
    copy button on every code cell, a link on every section heading to itself, dark colours in
    dark mode.
Search itself is checked once: `index.html?q=TrainConfig` must list train.html#trainconfig first.
Screenshots of the index, theory, MNIST and celebA pages at 1400 and 420 px go to
`_site/screenshots/`. Then the self-test breaks copies of the training page in each of the ways
above (a progress bar, the placeholder docstring, a raw subtitle, a repeated contents entry, an
unwrapped wide table, the page list stacked above the title, a scrolling install line, a figure
without caption or alt text, no copy buttons, heading links, previous/next, search box or dark mode) and fails if one goes uncaught.
Usage: python tools/check_docs.py [--site _site] [--chromium chromium] [--self-test | --skip-self-test]
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
PROGRESS = re.compile(r'\d+%\|[█▏▎▍▌▋▊▉#\s]*\||\|█|█\||\d+(?:\.\d+)?(?:it/s|s/it)\]')
PLACEHOLDER_DOC = 'Call self as a function'
RAW_MD = re.compile(r'`|\\\||\*\*|\[[^\]]*\]\([^)]*\)')
PASSES = {'wide': dict(size='1400,1000', dark=False), 'narrow': dict(size='500,900', dark=True)}
TITLE_MAX_TOP = 260          # px: where the title must start on a phone (below a collapsed page list)
SEARCH_PROBE = ('TrainConfig', 'train.html#trainconfig')
SHOT_PAGES, SHOT_WIDTHS = ['index.html', 'theory.html', 'mnist.html', 'celeba.html'], [1400, 420]


class DomInfo(HTMLParser):
    "What the checks need from a dumped DOM."
    SKIP = {'pre', 'code', 'script', 'style', 'math', 'textarea'}
    NOTEXT = {'script', 'style', 'math', 'textarea'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root_attrs, self.ids, self.imgs, self.links, self.nav_links = {}, set(), [], [], []
        self.text, self.all_text, self._skip, self._notext, self._in_nav, self.n_math = [], [], 0, 0, 0, 0
        self.title, self.subtitle, self.head_title, self._grab = '', '', '', None
        self.toc, self._in_toc, self._toc_ul, self._toc_a = [], 0, 0, None     # toc: [(depth, text)]
        self.prev_next, self._in_pn = {}, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get('class') or '').split()
        if tag == 'html': self.root_attrs = a
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        if tag == 'img': self.imgs.append(a.get('src') or '')
        if tag == 'math': self.n_math += 1
        if tag == 'nav' and a.get('id') == 'sidebar': self._in_nav = 1
        elif tag == 'nav' and self._in_nav: self._in_nav += 1
        if tag == 'nav' and a.get('id') == 'TOC': self._in_toc = 1
        if tag == 'nav' and 'page-nav' in cls: self._in_pn = 1
        if self._in_toc and tag == 'ul': self._toc_ul += 1
        if self._in_toc and tag == 'a': self._toc_a = ''
        if tag == 'a' and a.get('href') is not None:
            self.links.append(a['href'])
            if self._in_nav: self.nav_links.append(a['href'])
            if self._in_pn and a.get('rel') in ('prev', 'next'): self.prev_next[a['rel']] = a['href']
        if tag == 'h1' and 'title' in cls: self._grab = ('title', tag)
        elif tag == 'p' and 'subtitle' in cls: self._grab = ('subtitle', tag)
        elif tag == 'title': self._grab = ('head_title', tag)
        if tag in self.SKIP: self._skip += 1
        if tag in self.NOTEXT: self._notext += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip: self._skip -= 1
        if tag in self.NOTEXT and self._notext: self._notext -= 1
        if tag == 'nav' and self._in_nav: self._in_nav -= 1
        if tag == 'nav' and self._in_toc: self._in_toc = 0
        if tag == 'nav' and self._in_pn: self._in_pn = 0
        if self._in_toc and tag == 'ul': self._toc_ul -= 1
        if self._in_toc and tag == 'a' and self._toc_a is not None:
            self.toc.append((self._toc_ul, re.sub(r'\s+', ' ', self._toc_a).strip())); self._toc_a = None
        if self._grab and tag == self._grab[1]: self._grab = None

    def handle_data(self, data):
        if not self._skip: self.text.append(data)
        if not self._notext: self.all_text.append(data)
        if self._toc_a is not None: self._toc_a += data
        if self._grab: setattr(self, self._grab[0], getattr(self, self._grab[0]) + data)

    @property
    def probe(self) -> dict:
        try: return json.loads(self.root_attrs.get('data-probe') or '{}')
        except ValueError: return {}


def parse(html_text: str) -> DomInfo:
    d = DomInfo(); d.feed(html_text); return d


def chromium(binary: str, args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix='avb-chromium-') as prof:
        try:
            return subprocess.run([binary, *FLAGS, f'--user-data-dir={prof}', *args], capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, 124, '', f'timed out after {timeout} s')


def dark_flags(dark: bool) -> list[str]:
    return ['--force-dark-mode', '--blink-settings=preferredColorScheme=0'] if dark else ['--blink-settings=preferredColorScheme=1']


def dump_dom(binary: str, url: str, size: str = '1400,1000', dark: bool = False) -> str:
    return chromium(binary, ['--virtual-time-budget=5000', f'--window-size={size}', *dark_flags(dark), '--dump-dom', url]).stdout


def screenshot(binary: str, page: Path, png: Path, size='1400,1000') -> bool:
    png.parent.mkdir(parents=True, exist_ok=True)
    chromium(binary, ['--virtual-time-budget=5000', f'--window-size={size}', *dark_flags(False), f'--screenshot={png}', page.resolve().as_uri()])
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


def luminance(css_color: str) -> float | None:
    m = re.match(r'rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)', css_color or '')
    if not m: return None
    def lin(c):
        c = float(c)/255; return c/12.92 if c <= 0.03928 else ((c + 0.055)/1.055) ** 2.4
    r, g, b = (lin(x) for x in m.groups())
    return 0.2126*r + 0.7152*g + 0.0722*b


def toc_duplicates(toc: list[tuple[int, str]]) -> list[str]:
    "Entries of an 'On this page' list that repeat their parent's or an earlier sibling's text."
    dups, stack, seen = [], [], {}
    for depth, text in toc:
        key = text.lower()
        while stack and stack[-1][0] >= depth: stack.pop()
        parent = tuple(k for _, k in stack)
        siblings = seen.setdefault(parent, set())
        if key in parent or key in siblings: dups.append(text)
        siblings.add(key); stack.append((depth, key))
    return dups


def check_content(site: Path, page: str, dom: DomInfo, id_cache: dict) -> list[str]:
    "Checks of what the page holds (the wide rendering)."
    errs = []
    ra = dom.root_attrs
    if ra.get('data-checked') != 'yes': return [f"{page}: page did not finish loading in Chromium"]
    n_math, typeset = int(ra.get('data-math-count', -1)), int(ra.get('data-math-typeset', -1))
    if n_math != typeset: errs.append(f"{page}: {n_math - typeset} of {n_math} equations not laid out as MathML")
    text = ' '.join(dom.text)
    for m in RAW_TEX.finditer(text):
        errs.append(f"{page}: raw TeX in visible text: {text[max(0, m.start()-40):m.end()+40]!r}"); break
    if ra.get('data-img-broken'): errs.append(f"{page}: images the browser could not show: {ra['data-img-broken']}")
    errs += figure_text_errors(page, (site/page).read_text())
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
    everything = ' '.join(dom.all_text)
    m = PROGRESS.search(everything)
    if m: errs.append(f"{page}: progress bar in a rendered output: {everything[max(0, m.start()-30):m.end()+30]!r}")
    if PLACEHOLDER_DOC in everything:
        i = everything.index(PLACEHOLDER_DOC)
        errs.append(f"{page}: placeholder docstring '{PLACEHOLDER_DOC}.' (a function without a docstring) near {everything[max(0, i-90):i]!r}")
    for what, t in (('title', dom.title), ('subtitle', dom.subtitle), ('<title>', dom.head_title)):
        if RAW_MD.search(t): errs.append(f"{page}: raw markdown in the {what}: {t.strip()!r}")
    dups = toc_duplicates(dom.toc)
    if dups: errs.append(f"{page}: 'On this page' lists these twice: {dups}")
    if 'search-input' not in dom.ids: errs.append(f"{page}: no search box")
    return errs


def check_layout(page: str, dom: DomInfo, pass_name: str) -> list[str]:
    "Checks of the layout and the reader features at one window size."
    p, errs, at = dom.probe, [], f"{page} ({pass_name} {PASSES[pass_name]['size'].split(',')[0]} px)"
    if dom.root_attrs.get('data-checked') != 'yes' or not p: return [f"{at}: page did not finish loading in Chromium"]
    if p['codeCells'] != p['copyButtons']: errs.append(f"{at}: {p['codeCells'] - p['copyButtons']} of {p['codeCells']} code cells have no copy button")
    if p['headingsWithoutAnchor']: errs.append(f"{at}: section headings without a link to themselves: {p['headingsWithoutAnchor'][:5]}")
    if p['installScrolls']: errs.append(f"{at}: the Colab install line scrolls sideways instead of wrapping: {p['installScrolls'][:2]}")
    if pass_name == 'wide':
        if p['contentOverflow']: errs.append(f"{at}: sticks out of the content column: {p['contentOverflow']}")
        if p['toc'] is None: errs.append(f"{at}: the 'On this page' list is not shown on a wide screen")
        if p['tocOverlap']: errs.append(f"{at}: lies under the 'On this page' list: {p['tocOverlap'][:5]}")
    else:
        if p['scrollWidth'] > p['width']: errs.append(f"{at}: page is {p['scrollWidth']} px wide in a {p['width']} px window")
        if p['overflow']: errs.append(f"{at}: sticks out past the window's right edge: {p['overflow']}")
        if p['titleTop'] is None or p['titleTop'] > TITLE_MAX_TOP:
            errs.append(f"{at}: the title starts {p['titleTop']} px down (the page list is stacked above it; at most {TITLE_MAX_TOP})")
    if PASSES[pass_name]['dark']:
        if not p['dark']: errs.append(f"{at}: Chromium did not emulate dark mode (prefers-color-scheme); cannot check it")
        else:
            bg, fg = luminance(p['bg']), luminance(p['fg'])
            if bg is None or fg is None or bg > 0.2 or fg < 0.5:
                errs.append(f"{at}: no dark mode: background {p['bg']}, text {p['fg']} when the reader's system asks for dark")
    return errs


def check_prev_next(page: str, dom: DomInfo, order: list[str]) -> list[str]:
    if page not in order: return []
    i, errs = order.index(page), []
    want = {'prev': order[i - 1] if i > 0 else None, 'next': order[i + 1] if i + 1 < len(order) else None}
    for rel, href in want.items():
        if dom.prev_next.get(rel) != href:
            errs.append(f"{page}: {rel} link is {dom.prev_next.get(rel)!r}, expected {href!r} (sidebar order)")
    return errs


def render_all(binary: str, site: Path, pages: list[str], jobs: int) -> dict[str, dict[str, DomInfo]]:
    "{page: {pass: DomInfo}} for every page and pass."
    tasks = [(p, name) for p in pages for name in PASSES]
    def one(t):
        p, name = t
        return parse(dump_dom(binary, (site/p).resolve().as_uri(), PASSES[name]['size'], PASSES[name]['dark']))
    with ThreadPoolExecutor(jobs) as ex: results = list(ex.map(one, tasks))
    out = {}
    for (p, name), d in zip(tasks, results): out.setdefault(p, {})[name] = d
    return out


def check_search(binary: str, site: Path) -> list[str]:
    term, want = SEARCH_PROBE
    if not (site/want.partition('#')[0]).exists(): return []
    if not (site/'search-index.js').exists(): return ["search: no search-index.js in the site"]
    dom = parse(dump_dom(binary, (site/'index.html').resolve().as_uri() + f'?q={term}'))
    p = dom.probe
    if not p.get('searchResults'): return [f"search: searching {term!r} on index.html lists nothing"]
    if p.get('searchFirst') != want: return [f"search: the first result for {term!r} is {p.get('searchFirst')!r}, expected {want!r}"]
    return []


def check_site(site: Path, binary: str, jobs: int, pages: list[str] | None = None, as_page: dict | None = None):
    "(errors, report) for `pages` of `site` (all pages by default); `as_page` maps a page to the one whose place it takes."
    all_pages = sorted(p.name for p in site.glob('*.html'))
    pages = pages or all_pages
    as_page = as_page or {}
    doms = render_all(binary, site, pages, jobs)
    built = json.loads((site/'pages.json').read_text())['pages'] if (site/'pages.json').exists() else all_pages
    entries = sidebar_entries(ROOT/'nbs'/'sidebar.yml')
    want_nav = [page_name(n) for _, ns in entries for n in ns if page_name(n) in built]
    order = want_nav + [p for p in built if p not in want_nav]
    errors, report, id_cache = [], {}, {}
    for page in pages:
        d = doms[page]
        wide = d['wide']
        errs = check_content(site, page, wide, id_cache)
        nav = list(dict.fromkeys(h for h in wide.nav_links if h.endswith('.html')))
        if nav[:len(want_nav)] != want_nav: errs.append(f"{page}: sidebar {nav} does not follow sidebar.yml {want_nav}")
        errs += check_prev_next(page, wide, order) if page not in as_page else \
            [e.replace(as_page[page], page, 1) for e in check_prev_next(as_page[page], wide, order)]
        for name in PASSES: errs += check_layout(page, d[name], name)
        ra, pw, pn = wide.root_attrs, wide.probe, d['narrow'].probe
        report[page] = dict(loaded=ra.get('data-checked') == 'yes', equations=int(ra.get('data-math-count', 0)),
                            equations_typeset=int(ra.get('data-math-typeset', 0)), images=len(wide.imgs),
                            links=len(wide.links), code_cells=pw.get('codeCells'), narrow_width=pn.get('scrollWidth'),
                            toc_entries=len(wide.toc), errors=errs)
        errors += errs
    return errors, report


def figure_text_errors(page: str, html: str) -> list[str]:
    "Output figures without a caption (<figcaption>) or without alt text: a figure must say what it shows."
    figs = re.findall(r'<img\s[^>]*class="output-figure"[^>]*>', html)
    captioned = re.findall(r'<figure>\s*<img\s[^>]*class="output-figure"[^>]*>\s*<figcaption>\s*\S.*?</figcaption>', html, re.S)
    no_alt = [re.search(r'src="([^"]*)"', f).group(1) for f in figs if not re.search(r'alt="[^"]*\w[^"]*"', f)]
    errs = [f"{page}: {len(figs) - len(captioned)} of {len(figs)} figures without a caption (give the cell `#| fig-cap:`)"] if len(captioned) < len(figs) else []
    return errs + ([f"{page}: figures without alt text (give the cell `#| fig-alt:`): {no_alt}"] if no_alt else [])


def self_test(site: Path, binary: str, jobs: int, base: str = 'train.html') -> list[str]:
    """Break copies of `base` in each way the checks look for; return the breakages nobody caught."""
    src = (site/base).read_text()
    def ins_content(s, html):      # right after the title block
        return s.replace('</header>', '</header>\n' + html, 1)
    def drop(pattern):
        return lambda s: re.sub(pattern, '', s, count=0, flags=re.S)
    wide_table = '<table><tr>' + ''.join(f'<td>column_{i}_with_a_long_unbreakable_name</td>' for i in range(30)) + '</tr></table>'
    cases = {   # name: (how to break the page, text(s) the report must contain)
        'progress': (lambda s: ins_content(s, '<pre class="output"><code> 45%|████▌     | 675/1500 [00:02&lt;00:03, 270.10it/s]</code></pre>'), 'progress bar'),
        'placeholder-doc': (lambda s: ins_content(s, '<p><em>Call self as a function.</em></p>'), 'placeholder docstring'),
        'raw-subtitle': (lambda s: re.sub(r'<p class="subtitle">.*?</p>', '<p class="subtitle">`avb_nb bench` \\| timings</p>', s, flags=re.S), 'raw markdown in the subtitle'),
        'toc-duplicate': (lambda s: re.sub(r'(<nav id="TOC"[^>]*>\s*<h2>[^<]*</h2>\s*<ul>)',
                                           r'\1<li><a href="#content">Same entry</a></li><li><a href="#content">Same entry</a></li>', s, count=1),
                          'lists these twice'),
        'unwrapped-wide-table': (lambda s: ins_content(s, wide_table), ("under the 'On this page' list", 'sticks out of the content column',
                                                                         'px wide in a 500 px window')),
        'sidebar-stacked': (lambda s: s.replace('</head>', '<style>html.js #sidebar:not(.open) #nav-list { display: block; }</style></head>'), 'the title starts'),
        'install-scrolls': (lambda s: s.replace('</head>', '<style>pre.install, pre.install > code.sourceCode { white-space: pre !important; }</style></head>'), 'install line scrolls'),
        'no-copy-buttons': (drop(r'<script src="site.js" defer></script>'), 'no copy button'),
        'no-heading-anchors': (drop(r'<a class="anchor"[^>]*>#</a>'), 'without a link to themselves'),
        'no-prev-next': (drop(r'<nav class="page-nav".*?</nav>'), 'link is None'),
        'no-search': (drop(r'<div id="search".*?</ul></div>'), 'no search box'),
        'no-caption': (drop(r'<figcaption>.*?</figcaption>'), 'figures without a caption'),
        'no-alt-text': (lambda s: re.sub(r'(<img\s[^>]*class="output-figure"[^>]*?)\s+alt="[^"]*"', r'\1', s), 'without alt text'),
        'no-dark-mode': (lambda s: s.replace('</head>', '<style>:root { --bg: #fff !important; --fg: #212529 !important; }</style></head>'), 'no dark mode'),
    }
    if 'class="sourceCode python install"' not in src: cases.pop('install-scrolls')
    with tempfile.TemporaryDirectory(prefix='avb-selftest-') as tmp:
        t = Path(tmp)/'site'; shutil.copytree(site, t, ignore=shutil.ignore_patterns('screenshots'))
        names = {}
        for name, (brk, _) in cases.items():
            f = f'broken-{name}.html'; broken = brk(src)
            if broken == src: print(f"  self-test: could not break {base} as '{name}'", file=sys.stderr)
            (t/f).write_text(broken); names[f] = name
        errors, _ = check_site(t, binary, jobs, list(names), {f: base for f in names})
    missed = []
    for f, name in names.items():
        wants = cases[name][1]
        for want in ([wants] if isinstance(wants, str) else wants):
            hits = [e for e in errors if e.startswith(f) and want in e]
            print(f"  {'caught' if hits else 'MISSED'} {name:22s} {hits[0][len(f)+1:][:120] if hits else '(expected: ' + want + ')'}")
            if not hits: missed.append(f"{name} ({want})")
    return missed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', default=str(ROOT/'_site'))
    ap.add_argument('--chromium', default=os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser') or 'chromium')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--self-test', action='store_true', help='only the self-test: break copies of one page in each checked way')
    ap.add_argument('--skip-self-test', action='store_true', help='check the site without the self-test')
    a = ap.parse_args(argv)
    site = Path(a.site)
    if not (site/'index.html').exists(): sys.exit(f"error: no site at {site}; run `bash tools/build_docs.sh` first")
    if not shutil.which(a.chromium): sys.exit(f"error: {a.chromium} not found; install Chromium (`apt-get install -y chromium`)")
    def run_self_test():
        print("self-test: each broken copy of train.html must be caught")
        missed = self_test(site, a.chromium, a.jobs)
        if missed: print(f"self-test: {len(missed)} breakage(s) not caught: {', '.join(missed)}", file=sys.stderr)
        else: print("self-test: every breakage caught")
        return missed
    if a.self_test: sys.exit(1 if run_self_test() else 0)

    pages = sorted(p.name for p in site.glob('*.html'))
    built = json.loads((site/'pages.json').read_text())['pages'] if (site/'pages.json').exists() else pages
    listed = [page_name(n) for _, ns in sidebar_entries(ROOT/'nbs'/'sidebar.yml') for n in ns]
    errors = [f"{p}: listed in nbs/sidebar.yml but not built (see the build's warnings)" for p in listed if p not in pages]
    nbs_listed = [n for _, ns in sidebar_entries(ROOT/'nbs'/'sidebar.yml') for n in ns if n != 'index.ipynb']
    if nbs_listed != sorted(nbs_listed):
        errors.append(f"nbs/sidebar.yml lists the notebooks out of their numbers' order: {nbs_listed} (rename or move them)")
    errors += [f"{p.name}: no Colab badge" for p in sorted((ROOT/'nbs').glob('*.ipynb')) if 'colab-badge' not in p.read_text()]
    errs, report = check_site(site, a.chromium, a.jobs, pages)
    errors += errs
    for page in pages:
        r = report[page]
        print(f"{'ok  ' if not r['errors'] else 'FAIL'} {page:22s} equations {r['equations_typeset']:4d}/{r['equations']:<4d}"
              f" images {r['images']:3d}  links {r['links']:4d}  code cells {r['code_cells'] or 0:3d}  contents {r['toc_entries']:3d}"
              f"  width at 500 px: {r['narrow_width']}")
    errors += check_search(a.chromium, site)

    shots = {}
    for name in SHOT_PAGES:
        if name not in pages: continue
        for w in SHOT_WIDTHS:
            png = site/'screenshots'/f"{Path(name).stem}-{w}.png"
            ok = screenshot(a.chromium, site/name, png, f"{w},{1000 if w > 600 else 900}")
            shots[f"{name}@{w}"] = str(png.relative_to(site)) if ok else None
            if not ok: errors.append(f"screenshot of {name} at {w} px failed")
            elif image_ok(png): errors.append(f"screenshot {png} is unreadable: {image_ok(png)}")
    (site/'check_report.json').write_text(json.dumps(dict(pages=report, screenshots=shots, errors=errors), indent=1) + '\n')
    print(f"screenshots: {len([v for v in shots.values() if v])} in {site/'screenshots'}")
    if not a.skip_self_test and 'train.html' in pages:
        errors += [f"self-test: a page broken as '{m}' passes the check" for m in run_self_test()]
    if errors:
        print(f"\n{len(errors)} problem(s):", *errors, sep='\n  ', file=sys.stderr); sys.exit(1)
    print(f"all {len(pages)} pages load at 1400 and 500 px; equations typeset, images decode with captions and alt text, internal links resolve; "
          f"no progress bars, placeholder docstrings, raw markdown in titles or repeated contents entries; nothing overflows "
          f"or lies under the contents list; search, previous/next, copy buttons, heading links and dark mode on every page")


if __name__ == '__main__': main()
