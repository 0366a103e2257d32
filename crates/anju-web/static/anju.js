// Site script, loaded by every page (a file, so the content security policy
// needs no inline script). A table wider than the screen scrolls sideways
// inside itself; keyboard users must be able to reach and scroll it, so
// such a table becomes a focusable region named by its caption or heading.
(function () {
  'use strict';

  function nameOf(table) {
    if (table.caption) return table.caption.textContent.trim();
    var section = table.closest('section, details');
    var heading = section && section.querySelector('h1, h2, h3');
    return heading ? heading.textContent.trim() : '表格';
  }

  function markScrollable() {
    var tables = document.querySelectorAll('table');
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute('tabindex', '0');
        table.setAttribute('aria-label', nameOf(table) + '（可左右滚动）');
      } else if (table.getAttribute('tabindex') === '0') {
        table.removeAttribute('tabindex');
        table.removeAttribute('aria-label');
      }
    }
  }

  window.addEventListener('resize', markScrollable);
  document.addEventListener('htmx:afterSettle', markScrollable);
  document.addEventListener('toggle', markScrollable, true);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', markScrollable);
  } else {
    markScrollable();
  }
})();
