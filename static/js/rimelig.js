// Rimelig's own script, on every page. The Content Security Policy allows no inline script and
// no eval, so conditions that htmx would evaluate from an attribute (hx-trigger="change[...]")
// are declared as data attributes on the requesting element and checked here instead:
//   data-skip-if-filled="#id_q"        no request while that box holds text
//   data-skip-change-if-empty="#id_q"  a change event sends no request while that box is empty
"use strict";

(function () {
  function filled(selector) {
    const box = document.querySelector(selector);
    return box !== null && box.value.trim() !== "";
  }

  document.addEventListener("htmx:confirm", function (event) {
    const elt = event.detail.elt;
    const skipIfFilled = elt.dataset.skipIfFilled;
    const skipChangeIfEmpty = elt.dataset.skipChangeIfEmpty;
    const trigger = event.detail.triggeringEvent;
    if (skipIfFilled && filled(skipIfFilled)) {
      event.preventDefault();
    } else if (
      skipChangeIfEmpty &&
      trigger &&
      trigger.type === "change" &&
      !filled(skipChangeIfEmpty)
    ) {
      event.preventDefault();
    }
  });
})();

// A wide table that scrolls sideways in its .table-responsive box (a phone, 200 % zoom) must
// be reachable by keyboard to scroll it (WCAG 2.1.1; axe: scrollable-region-focusable): such a
// box becomes a focusable region named after its table's caption.
(function () {
  function markScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        const caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (caption && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollingTables);
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("htmx:afterSettle", markScrollingTables);
})();

// A form sent back with errors: move the focus to the first field in error, so that a screen
// reader announces its label and, through aria-describedby, the error itself (WCAG 3.3.1).
// Not when something else already has the focus.
document.addEventListener("DOMContentLoaded", function () {
  const invalid = document.querySelector("main .is-invalid:not([type=hidden])");
  if (invalid && document.activeElement === document.body) {
    invalid.focus();
  }
});
