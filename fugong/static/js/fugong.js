/* Page behaviour declared by data attributes: the Content-Security-Policy runs no inline handler
   (onclick=, onsubmit=), so the templates say what they want and this file does it.
   data-confirm="…"   on a form (on submit) or a button/link (on click): ask first, stop if declined
   data-print         print the page
   data-check-all="…" a checkbox that ticks or clears every checkbox matching the selector
   data-copy="id"     copy the text of element #id; data-copied="…" replaces the label once copied */
(function () {
  "use strict";
  if (window.htmx) { window.htmx.config.allowEval = false; }  // no hx-on or js: values: the CSP forbids eval

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]:not(form), [data-print], [data-check-all], [data-copy]");
    if (!el) { return; }
    if (el.hasAttribute("data-confirm")) {
      if (!window.confirm(el.dataset.confirm)) { event.preventDefault(); }
    } else if (el.hasAttribute("data-print")) {
      window.print();
    } else if (el.hasAttribute("data-check-all")) {
      document.querySelectorAll(el.dataset.checkAll).forEach(function (box) { box.checked = el.checked; });
    } else if (el.hasAttribute("data-copy") && navigator.clipboard) {
      var source = document.getElementById(el.dataset.copy);
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (el.dataset.copied) { el.textContent = el.dataset.copied; }
      });
    }
  });
})();
