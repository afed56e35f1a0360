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
