// Marks what a browser made of the page, for tools/check_docs.py (read back from --dump-dom).
window.addEventListener('load', () => {
  const h = document.documentElement, imgs = [...document.images];
  const maths = [...document.querySelectorAll('math')];
  h.dataset.imgCount = imgs.length;
  h.dataset.imgBroken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')).join(' ');
  h.dataset.mathCount = maths.length;
  // typeset = laid out by the browser's MathML engine (display type "math") and, where shown
  // (not inside a collapsed part of the layout), with a non-empty box
  h.dataset.mathTypeset = maths.filter(m => getComputedStyle(m).display.includes('math') &&
    (m.getClientRects().length === 0 || m.getBoundingClientRect().width > 0)).length;
  h.dataset.checked = 'yes';
});
