// Records what a browser made of the page, for tools/check_docs.py (read back from --dump-dom):
// images, MathML, and the layout at this window size (overflow, the contents list against the
// content, code cells that scroll sideways, colours). Readers never see it.
window.addEventListener('load', async () => {
  const h = document.documentElement, $$ = (s, el = document) => [...el.querySelectorAll(s)];
  if (window.avbSearchDone) { try { await window.avbSearchDone; } catch (e) {} }
  const imgs = [...document.images], maths = $$('math');
  h.dataset.imgCount = imgs.length;
  h.dataset.imgBroken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')).join(' ');
  h.dataset.mathCount = maths.length;
  // typeset = laid out by the browser's MathML engine (display type "math") and, where shown
  // (not inside a collapsed part of the layout), with a non-empty box
  h.dataset.mathTypeset = maths.filter(m => getComputedStyle(m).display.includes('math') &&
    (m.getClientRects().length === 0 || m.getBoundingClientRect().width > 0)).length;

  const W = window.innerWidth, content = document.getElementById('content'), toc = document.getElementById('TOC');
  const shown = el => el && el.getClientRects().length > 0 && el.getBoundingClientRect().width > 0;
  const name = el => {
    let s = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const t = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return t ? `${s} "${t}"` : s;
  };
  // the part of an element's box that is not clipped by a scrolling/clipping ancestor
  const visible = el => {
    const r = el.getBoundingClientRect(); let l = r.left, rt = r.right;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { const ar = a.getBoundingClientRect(); l = Math.max(l, ar.left); rt = Math.min(rt, ar.right); }
    }
    return {left: l, right: rt, top: r.top + scrollY, bottom: r.bottom + scrollY};
  };
  // elements that stick out past `limit` (px from the left of the viewport), outermost first
  const sticking = (root, limit) => {
    const out = [];
    for (const el of $$('*', root)) {
      const r = el.getBoundingClientRect();
      if (r.right <= limit + 1 || (r.width === 0 && r.height === 0)) continue;
      if (out.some(o => o.contains(el))) continue;
      if (visible(el).right > limit + 1) out.push(el);
    }
    return out;
  };
  const probe = {
    width: W, scrollWidth: h.scrollWidth,
    overflow: sticking(document.body, W).slice(0, 5).map(name),
    contentRight: null, contentOverflow: [], toc: null, tocOverlap: [],
    codeCells: 0, copyButtons: 0, installScrolls: [],
    headingsWithoutAnchor: [],
    titleTop: null, sidebarHeight: null,
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    bg: getComputedStyle(document.body).backgroundColor, fg: getComputedStyle(document.body).color,
    searchResults: null, searchFirst: null,
  };
  if (content) {
    const cr = content.getBoundingClientRect();
    probe.contentRight = cr.right;
    probe.contentOverflow = sticking(content, cr.right).slice(0, 5).map(name);
    if (shown(toc)) {
      const t = toc.getBoundingClientRect(); probe.toc = {left: t.left, right: t.right};
      for (const el of $$('table, pre, img, .math-display, .table-wrap', content)) {
        const v = visible(el);
        if (v.right > t.left + 0.5 && v.left < t.right - 0.5 && v.right > v.left) probe.tocOverlap.push(name(el));
      }
    }
    const cells = $$('div.sourceCode', content);
    probe.codeCells = cells.length;
    probe.copyButtons = cells.filter(c => c.querySelector(':scope > button.copy-code')).length;
    // the Colab install cell (found by its text, marked or not) must show its whole line
    probe.installScrolls = $$('pre', content).filter(p => p.textContent.includes("'google.colab' in sys.modules"))
      .filter(p => p.scrollWidth > p.clientWidth + 1).map(name);
    probe.headingsWithoutAnchor = $$('h2[id], h3[id], h4[id]', content)
      .filter(x => !x.querySelector(`:scope > a.anchor[href="#${CSS.escape(x.id)}"]`)).map(x => x.id);
    const title = content.querySelector('h1.title');
    if (title) probe.titleTop = title.getBoundingClientRect().top + scrollY;
  }
  const side = document.getElementById('sidebar');
  if (side) probe.sidebarHeight = side.getBoundingClientRect().height;
  const results = document.getElementById('search-results');
  if (window.avbSearchDone && results) {
    const links = $$('a', results);
    probe.searchResults = links.length; probe.searchFirst = links[0] ? links[0].getAttribute('href') : null;
  }
  h.dataset.probe = JSON.stringify(probe);
  h.dataset.checked = 'yes';
});
