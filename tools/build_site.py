#!/usr/bin/env python3
"""Render nbdev's processed notebooks (`_proc/`) into a static site (`_site/`) without Quarto.

Each notebook becomes markdown (code, outputs, figures), then one HTML page through pandoc's
markdown reader (the one Quarto uses, so tables, lists and math parse as on the Quarto site) and
`pandoc --mathml` (equations as native MathML: no CDN). The navigation sidebar follows
`nbs/sidebar.yml`, the same file Quarto uses; notebooks listed there but not written yet are left
out of the sidebar, and links to them are turned into plain text. What Quarto's `_quarto.yml` asks
for is done here without a CDN: search (over `search-index.js`, written here), previous/next links
in sidebar order, heading anchors, a copy button on code cells (`tools/site/site.js`) and dark mode
(`tools/site/site.css`). Tables and display equations are wrapped so that they scroll in their own
box; a heading that repeats its parent's or an earlier sibling's text is left out of the page's
contents list. Usage (normally via `bash tools/build_docs.sh`):
python tools/build_site.py [--proc _proc] [--out _site]
"""
from __future__ import annotations
import argparse, base64, html, json, re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT/'tools'
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
COLAB_BADGE = 'https://colab.research.google.com/assets/colab-badge.svg'
INLINE_WIDE = 30   # TeX characters beyond which an inline equation may be wider than a phone's column
DIRECTIVE = re.compile(r'^\s*#\s*\|\s*([\w-]+)\s*:?\s*(.*)$')


def load_yaml(path: Path):
    import yaml
    return yaml.safe_load(path.read_text())


def yaml_dump(d: dict) -> str:
    import yaml
    return yaml.safe_dump(d, allow_unicode=True, width=10**6)


FIGURE_TEXT = ('fig-cap', 'fig-alt')     # cell options kept as written: `#| fig-cap: text` or a list `["a", "b"]`


def figure_texts(value: str | None) -> list[str]:
    "The captions (or alt texts) a `#| fig-cap:` / `#| fig-alt:` option gives: one string, or a YAML list of them."
    if not value: return []
    import yaml
    v = yaml.safe_load(value)
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def page_name(nb: str) -> str:
    "nbdev's URL for a notebook: `00_theory.ipynb` -> `theory.html`, `index.ipynb` -> `index.html`."
    stem = Path(nb).stem
    return re.sub(r'^\d+[a-z]?_', '', stem) + '.html'


def sidebar_entries(path: Path) -> list[tuple[str | None, list[str]]]:
    "[(section or None, [notebook file, ...]), ...] from a Quarto `sidebar.yml`."
    contents = load_yaml(path)['website']['sidebar']['contents']
    out = []
    for item in contents:
        if isinstance(item, str): out.append((None, [item]))
        elif isinstance(item, dict) and 'section' in item:
            out.append((item['section'], [c if isinstance(c, str) else c.get('href') for c in item.get('contents', [])]))
        elif isinstance(item, dict) and 'href' in item: out.append((None, [item['href']]))
    return out


def fence(text: str, info: str = '') -> str:
    n = max([3] + [len(m) + 1 for m in re.findall(r'`{3,}', text)])
    return f"{'`' * n}{info}\n{text.rstrip()}\n{'`' * n}\n"


def src(x) -> str: return ''.join(x) if isinstance(x, list) else (x or '')


def md_plain(s: str) -> str:
    "Inline markdown as plain text (for <title>, the sidebar and the search index): `a` -> a, [t](u) -> t, \\| -> |."
    s = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', s or '')
    s = re.sub(r'`+([^`]*)`+', r'\1', s)
    s = re.sub(r'(\*\*|__)(.+?)\1', r'\2', s)
    s = re.sub(r'(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])', r'\1', s)
    return re.sub(r'\\([\\`*_{}\[\]()#+\-.!|<>~$])', r'\1', s).strip()


def heading_key(text: str) -> str:
    "What a reader sees of a markdown heading, normalised: `[`fit`](train.html#fit) {#x}` -> 'fit'."
    text = re.sub(r'\s*\{[^{}]*\}\s*$', '', text.strip()).rstrip('#').strip()
    return re.sub(r'\s+', ' ', md_plain(text)).lower()


HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*$')
FENCE = re.compile(r'^\s*(`{3,}|~{3,})')


def unlist_repeated_headings(md: str, max_level: int = 3) -> str:
    """Mark a heading `.unlisted` (kept on the page, left out of the contents list) where its text
    repeats its parent's or an earlier sibling's: a section `## fit` whose API card is `### fit`."""
    out, fence, stack, seen = [], None, [], {}
    for line in md.split('\n'):
        m = FENCE.match(line)
        if m:
            if fence is None: fence = m.group(1)
            elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):].strip(): fence = None
            out.append(line); continue
        h = None if fence else HEADING.match(line)
        if not h or len(h.group(1)) > max_level: out.append(line); continue
        level, text = len(h.group(1)), h.group(2)
        key = heading_key(text)
        while stack and stack[-1][0] >= level: stack.pop()
        parent = tuple(k for _, k in stack)
        siblings = seen.setdefault(parent, set())
        if key and (key in parent or key in siblings):
            a = re.search(r'\{([^{}]*)\}\s*$', text)
            text = text[:a.start()] + '{' + a.group(1).strip() + ' .unlisted}' if a else text + ' {.unlisted}'
            line = f"{h.group(1)} {text}"
        siblings.add(key)
        stack.append((level, key))
        out.append(line)
    return '\n'.join(out)


class Page:
    def __init__(self, nb_path: Path, out: Path):
        self.nb_path, self.out = nb_path, out
        self.nb = json.loads(nb_path.read_text())
        self.meta = self._frontmatter()
        self.file = self.meta.get('output-file') or page_name(nb_path.name)
        self.title = self.meta.get('title') or nb_path.stem
        self.n_img = 0

    def _frontmatter(self) -> dict:
        for c in self.nb['cells']:
            if c['cell_type'] == 'raw' and src(c['source']).lstrip().startswith('---'):
                import yaml
                body = src(c['source']).strip().strip('-')
                c['_frontmatter'] = True
                return yaml.safe_load(body) or {}
        return {}

    def _image(self, data: str, ext: str) -> str:
        self.n_img += 1
        rel = f"{Path(self.file).stem}_files/fig-{self.n_img}.{ext}"
        p = self.out/rel; p.parent.mkdir(parents=True, exist_ok=True)
        if ext == 'svg': p.write_text(src(data))
        else: p.write_bytes(base64.b64decode(src(data)))
        return rel

    def _figure(self, data, ext: str, cap: str, alt: str) -> str:
        "An output figure: captioned (pandoc makes a <figure> with <figcaption>) and with alt text when the cell gives them."
        attrs = '.output-figure' + (f' alt="{alt.replace(chr(34), chr(39))}"' if alt else '')
        return f"![{cap}]({self._image(data, ext)}){{{attrs}}}\n"

    def _output(self, o: dict, asis: bool, cap: str = '', alt: str = '') -> str:
        t = o['output_type']
        if t == 'stream': return fence(ANSI.sub('', src(o['text'])), ' {.output}')
        if t == 'error': return fence(ANSI.sub('', '\n'.join(o.get('traceback', []))), ' {.output .error}')
        d = o.get('data', {})
        if 'image/png' in d: return self._figure(d['image/png'], 'png', cap, alt)
        if 'image/jpeg' in d: return self._figure(d['image/jpeg'], 'jpg', cap, alt)
        if 'image/svg+xml' in d: return self._figure(d['image/svg+xml'], 'svg', cap, alt)
        if 'text/markdown' in d: return src(d['text/markdown']) + '\n'
        if 'text/html' in d: return fence(src(d['text/html']), '{=html}')
        if 'text/latex' in d: return src(d['text/latex']) + '\n'
        if 'text/plain' in d: return fence(ANSI.sub('', src(d['text/plain'])), ' {.output}')
        return ''

    def markdown(self) -> str:
        parts = []
        for c in self.nb['cells']:
            s = src(c['source'])
            if c.get('_frontmatter'): continue
            if c['cell_type'] == 'markdown':
                if s.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
                parts.append(s + '\n')
            elif c['cell_type'] == 'code':
                opts, code = {}, []
                for line in s.splitlines():
                    m = DIRECTIVE.match(line)
                    if m and not code:
                        key, val = m.group(1).lower(), m.group(2).strip()
                        opts[key] = val if key in FIGURE_TEXT else val.lower()
                    else: code.append(line)
                if opts.get('include') == 'false' or 'hide' in opts: continue
                code = '\n'.join(code).strip('\n')
                # the Colab install cell is the one line readers copy: it wraps instead of scrolling
                info = '{.python .install}' if 'google.colab' in code else 'python'
                if code and opts.get('echo') != 'false': parts.append(fence(code, info))
                if opts.get('output') != 'false':
                    texts = {k: figure_texts(opts.get(k)) for k in FIGURE_TEXT}    # one caption (alt text) per figure, in order
                    n_fig = 0
                    for o in c.get('outputs', []):
                        is_fig = any(k.startswith('image/') for k in o.get('data', {}))
                        cap, alt = (texts[k][n_fig % len(texts[k])] if texts[k] else '' for k in FIGURE_TEXT)
                        parts.append(self._output(o, opts.get('output') == 'asis', cap, alt)); n_fig += is_fig
            elif c['cell_type'] == 'raw':
                parts.append(s + '\n')
        return '\n'.join(parts)


def rewrite_links(md: str, known: dict[str, str], missing: set[str], site_url: str) -> str:
    "Point notebook and absolute-site links at local pages; de-link pages not written yet."
    def target(href: str) -> str:
        if site_url and href.startswith(site_url): href = href[len(site_url):].lstrip('/') or 'index.html'
        base, _, frag = href.partition('#')
        if base.endswith('.ipynb'): base = known.get(Path(base).name, page_name(base))
        return base + ('#' + frag if frag else '')

    def sub(m):
        text, href = m.group(1), m.group(2)
        if re.match(r'^[a-z]+:', href) and not (site_url and href.startswith(site_url)): return m.group(0)
        new = target(href)
        if new.partition('#')[0] in missing: return f"[{text}]{{.missing-page title=\"not written yet\"}}"
        return f"[{text}]({new})"
    return re.sub(r'(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)', sub, md)


def fix_method_anchors(out: Path, built: list[str]):
    """nbdev turns every backticked name into a link to `page.html#name`, also where the page has no
    section for it. Such links point at the class for `Class.method`, and become plain code for
    private helpers (`_name`, never documented); any other missing anchor is left for the check."""
    ids = {f: set(re.findall(r'\bid="([^"]+)"', (out/f).read_text())) for f in built}
    for f in built:
        text = (out/f).read_text()
        def sub(m):
            page, frag, inner = m.group(2) or f, m.group(3), m.group(4)
            have = ids.get(page)
            if have is None or frag in have: return m.group(0)
            head = frag.rsplit('.', 1)[0]
            if '.' in frag and head in have:
                print(f"  note: {f}: no section #{frag} in {page}; linking #{head} instead (add show_doc for it)")
                return m.group(0).replace(f'#{frag}"', f'#{head}"')
            if frag.split('.')[-1].startswith('_'): return inner
            return m.group(0)
        new = re.sub(r'<a\s+href="(([\w.-]+\.html)?#([^"]+))"\s*>(.*?)</a>', sub, text, flags=re.S)
        if new != text: (out/f).write_text(new)


def nav_html(entries, pages_by_nb: dict[str, Page], current: str, extra: list[Page]) -> str:
    out = ['<nav id="sidebar" aria-label="Site navigation">',
           '<div class="sidebar-head"><a class="site-title" href="index.html">avb_nb</a>',
           '<button id="nav-toggle" type="button" aria-controls="nav-list" aria-expanded="false">Pages</button></div>',
           '<div id="search" role="search"><input id="search-input" type="search" placeholder="Search (press /)" '
           'aria-label="Search the documentation" autocomplete="off" spellcheck="false">',
           '<ul id="search-results" hidden></ul></div>', '<ul id="nav-list">']
    def li(p: Page):
        cur = ' aria-current="page" class="active"' if p.file == current else ''
        return f'<li><a href="{p.file}"{cur}>{html.escape(md_plain(p.title))}</a></li>'
    for section, nbs in entries:
        present = [pages_by_nb[n] for n in nbs if n in pages_by_nb]
        if section is None: out += [li(p) for p in present]
        elif present:
            out.append(f'<li class="section"><span>{html.escape(section)}</span><ul>')
            out += [li(p) for p in present] + ['</ul></li>']
    if extra:
        out.append('<li class="section"><span>More</span><ul>'); out += [li(p) for p in extra]; out.append('</ul></li>')
    out += ['</ul>', '</nav>']
    return '\n'.join(out)


def page_order(entries, pages_by_nb: dict[str, Page], extra: list[Page]) -> list[Page]:
    "The built pages in sidebar order (then pages the sidebar does not list): previous/next follow it."
    return [pages_by_nb[n] for _, nbs in entries for n in nbs if n in pages_by_nb] + extra


def prev_next_html(order: list[Page], current: Page) -> str:
    i = order.index(current)
    links = []
    if i > 0:
        p = order[i - 1]
        links.append(f'<a class="prev" rel="prev" href="{p.file}"><span>← Previous</span>{html.escape(md_plain(p.title))}</a>')
    if i + 1 < len(order):
        p = order[i + 1]
        links.append(f'<a class="next" rel="next" href="{p.file}"><span>Next →</span>{html.escape(md_plain(p.title))}</a>')
    return '<nav class="page-nav" aria-label="Previous and next page">\n' + '\n'.join(links) + '\n</nav>\n' if links else ''


def wrap_top_level(text: str, tag: str, before: str, after: str) -> str:
    "Wrap every outermost <tag>...</tag> of `text` in `before`...`after`."
    out, depth, pos, start = [], 0, 0, None
    for m in re.finditer(rf'<(/?){tag}\b[^>]*>', text):
        if not m.group(1):
            if depth == 0: out.append(text[pos:m.start()]); start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0: out.append(before + text[start:m.end()] + after); pos = m.end()
    out.append(text[pos:])
    return ''.join(out)


def finish_html(text: str) -> str:
    """The page's body as readers need it: tables and display equations scroll inside their own box
    (never past the column, never under the contents list); every section heading has a link to itself."""
    head, sep, body = text.partition('<main id="content">')
    if not sep: head, body = '', text
    body = wrap_top_level(body, 'table', '<div class="table-wrap">', '</div>')
    body = re.sub(r'<math display="block".*?</math>', lambda m: f'<span class="math-display">{m.group(0)}</span>', body, flags=re.S)
    # a long inline equation cannot break across lines: on a phone it scrolls in its own box
    def inline(m):
        tex = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', m.group(0), re.S)
        return f'<span class="math-wide">{m.group(0)}</span>' if tex and len(tex.group(1)) > INLINE_WIDE else m.group(0)
    body = re.sub(r'<math display="inline".*?</math>', inline, body, flags=re.S)
    def anchor(m):
        hid = m.group(3)
        return (f'<h{m.group(1)}{m.group(2)}>{m.group(4)}<a class="anchor" href="#{hid}" '
                f'aria-label="Link to this section" title="Link to this section">#</a></h{m.group(1)}>')
    body = re.sub(r'<h([2-4])((?:\s[^>]*)?\sid="([^"]+)"[^>]*)>(.*?)</h\1>', anchor, body, flags=re.S)
    return head + sep + body


class _Text(HTMLParser):
    "Sections of a built page for the search index: (heading id, heading text, text)."
    SKIP = {'script', 'style', 'annotation', 'button', 'nav', 'footer'}    # equations: their MathML text

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections, self._in, self._skip, self._head = [['', '', []]], 0, 0, None

    BLOCK = {'p', 'div', 'li', 'td', 'th', 'tr', 'br', 'pre', 'table', 'ul', 'ol', 'dt', 'dd', 'blockquote', 'hr', 'math'}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'main' and a.get('id') == 'content': self._in = 1; return
        if not self._in: return
        if tag in self.BLOCK: self.handle_data(' ')
        if tag in self.SKIP: self._skip += 1
        if tag in ('h1', 'h2', 'h3', 'h4') and a.get('id') and not self._skip:
            self.sections.append([a['id'], '', []]); self._head = tag
        if tag == 'a' and 'anchor' in (a.get('class') or '').split(): self._skip += 1; self._anchor = True

    def handle_endtag(self, tag):
        if not self._in: return
        if tag == 'main': self._in = 0
        if tag in self.BLOCK: self.handle_data(' ')
        if tag in self.SKIP and self._skip: self._skip -= 1
        if tag == 'a' and getattr(self, '_anchor', False): self._skip -= 1; self._anchor = False
        if tag == self._head: self._head = None

    def handle_data(self, data):
        if not self._in or self._skip: return
        if self._head: self.sections[-1][1] += data
        else: self.sections[-1][2].append(data)


def search_entries(page_html: str, file: str, title: str, max_chars: int = 4000) -> list[dict]:
    "One entry per section of a page: p(age), t(itle), a(nchor), h(eading), x (text, whitespace collapsed)."
    t = _Text(); t.feed(page_html)
    out = []
    for hid, head, parts in t.sections:
        x = re.sub(r'\s+', ' ', ''.join(parts)).strip()
        head = re.sub(r'\s+', ' ', head).strip()
        if not (x or head): continue
        out.append(dict(p=file, t=md_plain(title), a=hid, h=head or md_plain(title), x=x[:max_chars]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--proc', default=str(ROOT/'_proc')); ap.add_argument('--out', default=str(ROOT/'_site'))
    ap.add_argument('--nbs', default=str(ROOT/'nbs'))
    a = ap.parse_args(argv)
    proc, out, nbs = Path(a.proc), Path(a.out), Path(a.nbs)
    if not proc.is_dir(): sys.exit(f"error: {proc} does not exist; run `bash tools/build_docs.sh` (it runs proc_nbs first)")
    if not shutil.which('pandoc'): sys.exit("error: pandoc not found; install it (`apt-get install -y pandoc`)")
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)

    nb_files = sorted(p for p in proc.glob('*.ipynb') if not p.name.startswith('_') and (nbs/p.name).exists())
    pages = [Page(p, out) for p in nb_files]
    by_nb = {p.nb_path.name: p for p in pages}
    entries = sidebar_entries(nbs/'sidebar.yml')
    listed = {n for _, ns in entries for n in ns}
    missing = {page_name(n) for n in listed if n not in by_nb}
    extra = [p for p in pages if p.nb_path.name not in listed]
    known = {p.nb_path.name: p.file for p in pages}
    site_url = ''
    if (nbs/'nbdev.yml').exists():
        site_url = (load_yaml(nbs/'nbdev.yml').get('website', {}).get('site-url') or '').rstrip('/')

    for f in ['styles.css']: shutil.copy(nbs/f, out/f)
    for f in ['site.css', 'site.js', 'probe.js', 'colab-badge.svg']: shutil.copy(TOOLS/'site'/f, out/f)
    order = page_order(entries, by_nb, extra)
    built = []
    for p in pages:
        md = unlist_repeated_headings(rewrite_links(p.markdown(), known, missing, site_url))
        md = md.replace(COLAB_BADGE, 'colab-badge.svg')        # the badge image, served locally
        # images referenced from markdown cells by relative path: copy them next to the page
        for ref in re.findall(r'!\[[^\]]*\]\(([^)\s]+)\)', md):
            if re.match(r'^[a-z]+:', ref) or (out/ref).exists(): continue
            s = nbs/ref
            if s.is_file(): (out/ref).parent.mkdir(parents=True, exist_ok=True); shutil.copy(s, out/ref)
        mdfile = out/'_md'/(Path(p.file).stem + '.md'); mdfile.parent.mkdir(exist_ok=True); mdfile.write_text(md)
        navfile = out/'_md'/(Path(p.file).stem + '.nav.html'); navfile.write_text(nav_html(entries, by_nb, p.file, extra))
        pnfile = out/'_md'/(Path(p.file).stem + '.prevnext.html'); pnfile.write_text(prev_next_html(order, p))
        # title and subtitle (the notebook's `> ...` line) through a metadata file, whose values pandoc
        # reads as markdown: `code` and \| in a description render as on the Quarto site
        meta = {'title': p.title, 'pagetitle': md_plain(p.title)}
        if p.meta.get('description'): meta['subtitle'] = str(p.meta['description'])
        metafile = out/'_md'/(Path(p.file).stem + '.meta.yml'); metafile.write_text(yaml_dump(meta))
        cmd = ['pandoc', str(mdfile), '-f', 'markdown-yaml_metadata_block', '-t', 'html5', '-s', '--mathml', '--toc', '--toc-depth=3',
               '--template', str(TOOLS/'site'/'template.html'), '--highlight-style', 'pygments',
               '--include-before-body', str(navfile), '--include-after-body', str(pnfile),
               '--metadata-file', str(metafile), '-o', str(out/p.file)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode: sys.exit(f"error: pandoc failed on {p.nb_path.name}:\n{r.stderr}")
        if r.stderr.strip(): print(f"  pandoc ({p.nb_path.name}): {r.stderr.strip()}", file=sys.stderr)
        (out/p.file).write_text(finish_html((out/p.file).read_text()))
        built.append(p.file)
    shutil.rmtree(out/'_md')
    fix_method_anchors(out, built)
    index = [e for p in order for e in search_entries((out/p.file).read_text(), p.file, p.title)]
    (out/'search-index.js').write_text('window.AVB_SEARCH = ' + json.dumps(index, ensure_ascii=False, separators=(',', ':')) + ';\n')
    (out/'pages.json').write_text(json.dumps({'pages': built, 'not_written_yet': sorted(missing)}, indent=1) + '\n')
    print(f"built {len(built)} pages in {out}: {', '.join(built)}")
    if missing: print(f"not written yet (left out of the sidebar): {', '.join(sorted(missing))}")


if __name__ == '__main__': main()
