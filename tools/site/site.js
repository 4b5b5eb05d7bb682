// Reader features of the offline docs site (tools/build_site.py): the "Pages" button on narrow
// screens, a copy button on every code cell, and search over search-index.js (written by the
// builder; loaded as a script, so it works from file:// too). No network, no libraries.
(() => {
  const $ = (s, el = document) => el.querySelector(s), $$ = (s, el = document) => [...el.querySelectorAll(s)];

  // "Pages" button (shown by site.css on narrow screens only)
  const side = $('#sidebar'), toggle = $('#nav-toggle');
  if (side && toggle) toggle.addEventListener('click', () => {
    const open = side.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });

  // copy buttons on code cells
  const copyText = async text => {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const ta = document.createElement('textarea'); ta.value = text; ta.setAttribute('readonly', '');
      ta.style.position = 'fixed'; ta.style.opacity = '0'; document.body.appendChild(ta); ta.select();
      let ok = false; try { ok = document.execCommand('copy'); } catch (e2) {} ta.remove(); return ok;
    }
  };
  for (const block of $$('#content div.sourceCode')) {
    const pre = $('pre', block); if (!pre) continue;
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'copy-code'; b.textContent = 'Copy'; b.setAttribute('aria-label', 'Copy this code');
    b.addEventListener('click', async () => {
      const ok = await copyText(pre.innerText.replace(/\n$/, ''));
      b.textContent = ok ? 'Copied' : 'Press Ctrl+C'; if (!ok) { const r = document.createRange(); r.selectNodeContents(pre); getSelection().removeAllRanges(); getSelection().addRange(r); }
      setTimeout(() => { b.textContent = 'Copy'; }, 1600);
    });
    block.appendChild(b);
  }

  // search
  const input = $('#search-input'), list = $('#search-results');
  let index = null, loading = null;
  const load = () => loading || (loading = new Promise(resolve => {
    if (window.AVB_SEARCH) return resolve(index = window.AVB_SEARCH);
    const s = document.createElement('script'); s.src = 'search-index.js';
    s.onload = () => resolve(index = window.AVB_SEARCH || []);
    s.onerror = () => resolve(index = []);
    document.head.appendChild(s);
  }));
  const esc = t => t.replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  const terms = q => q.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const mark = (text, ts) => {
    let out = esc(text);
    for (const t of ts) out = out.replace(new RegExp('(' + t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ')', 'gi'), '<mark>$1</mark>');
    return out;
  };
  const snippet = (text, ts) => {
    const low = text.toLowerCase(); let at = -1;
    for (const t of ts) { const i = low.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; }
    const start = Math.max(0, at - 60), s = text.slice(start, start + 180);
    return (start > 0 ? '…' : '') + s + (start + 180 < text.length ? '…' : '');
  };
  // every term must occur in the section (page title, heading or text); headings weigh most
  const search = q => {
    const ts = terms(q); if (!ts.length || !index) return [];
    const hits = [];
    for (const e of index) {
      const h = e.h.toLowerCase(), t = e.t.toLowerCase(), x = e.x.toLowerCase();
      let score = 0, all = true;
      for (const w of ts) {
        const inH = h.includes(w), inT = t.includes(w), inX = x.includes(w);
        if (!inH && !inT && !inX) { all = false; break; }
        score += (inH ? 10 : 0) + (h === w ? 20 : 0) + (inT ? 4 : 0) + (inX ? 1 + Math.min(4, x.split(w).length - 2) : 0);
      }
      if (all) hits.push([score, e]);
    }
    return hits.sort((a, b) => b[0] - a[0]).slice(0, 15).map(([, e]) => e).map(e => ({e, ts}));
  };
  const place = () => {
    if (!input || !list || list.hidden) return;
    const r = input.getBoundingClientRect();
    list.style.top = `${Math.max(0, r.bottom + 4)}px`;
    list.style.left = `${Math.max(8, Math.min(r.left, innerWidth - list.offsetWidth - 8))}px`;
  };
  addEventListener('resize', place); addEventListener('scroll', place, {passive: true});
  const render = (q, results) => {
    if (!list) return;
    if (!q.trim()) { list.hidden = true; list.innerHTML = ''; return; }
    list.innerHTML = results.length ? results.map(({e, ts}) =>
      `<li><a href="${esc(e.p + (e.a ? '#' + e.a : ''))}"><span class="where">${mark(e.t + (e.h && e.h !== e.t ? ' › ' + e.h : ''), ts)}</span>` +
      `<span class="snippet">${mark(snippet(e.x, ts), ts)}</span></a></li>`).join('')
      : `<li class="empty">No results for “${esc(q)}”</li>`;
    list.hidden = false; place();
  };
  const run = async q => { await load(); const r = search(q); render(q, r); return r; };
  if (input && list) {
    input.addEventListener('focus', load, {once: true});
    input.addEventListener('input', () => run(input.value));
    input.addEventListener('keydown', ev => {
      const links = $$('a', list); if (!links.length) return;
      const cur = links.indexOf(document.activeElement);
      if (ev.key === 'Enter') { ev.preventDefault(); location.href = links[Math.max(cur, 0)].href; }
      else if (ev.key === 'ArrowDown') { ev.preventDefault(); links[0].focus(); }
      else if (ev.key === 'Escape') { list.hidden = true; }
    });
    list.addEventListener('keydown', ev => {
      const links = $$('a', list), cur = links.indexOf(document.activeElement);
      if (ev.key === 'ArrowDown' && cur < links.length - 1) { ev.preventDefault(); links[cur + 1].focus(); }
      else if (ev.key === 'ArrowUp') { ev.preventDefault(); (cur > 0 ? links[cur - 1] : input).focus(); }
      else if (ev.key === 'Escape') { list.hidden = true; input.focus(); }
    });
    document.addEventListener('click', ev => { if (!ev.target.closest('#search')) list.hidden = true; });
    document.addEventListener('keydown', ev => {
      if (ev.key === '/' && !/^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName)) { ev.preventDefault(); input.focus(); }
    });
    // `page.html?q=words` opens the page with the search done (also how tools/check_docs.py tests it)
    const q = new URLSearchParams(location.search).get('q');
    if (q) { input.value = q; window.avbSearchDone = run(q); }
  }
})();
