// Rimelig's own script, on every page. The Content Security Policy allows no inline script and
// no eval, so conditions that htmx would evaluate from an attribute (hx-trigger="change[...]")
// are declared as data attributes on the requesting element and checked here instead:
//   data-skip-if-filled="#id_q"        no request while that box holds text
//   data-skip-change-if-empty="#id_q"  a change event sends no request while that box is empty
"use strict";

// htmx acts only for elements that Rimelig's own templates wrote (issue 16). The CSP stops an
// injected <script>, not an injected <b hx-post=… hx-trigger="load">: one name that reached a
// page unescaped would make a request as whoever opens it. So every element of ours that makes
// a request (or is swapped out of band) carries nonce="{{ csp_nonce }}", the per-response
// secret of the CSP, which stored text cannot know; htmx's requests and out-of-band swaps from
// any other element are cancelled. The nonces trusted are this page's (read from this script's
// own nonce, which the browser hides from the DOM) and those of the htmx responses swapped in
// (from their Content-Security-Policy header): a partial carries its own response's nonce.
(function () {
  const trusted = new Set();
  const own = document.currentScript && document.currentScript.nonce;
  if (own) {
    trusted.add(own);
  }

  function ours(elt) {
    if (!elt || elt.nodeType !== Node.ELEMENT_NODE) {
      return false;
    }
    const nonce = elt.nonce || elt.getAttribute("nonce") || "";
    return nonce !== "" && trusted.has(nonce);
  }

  function refuseForeign(event) {
    if (!ours(event.detail.elt)) {
      event.preventDefault();
    }
  }
  document.addEventListener("htmx:confirm", refuseForeign);
  document.addEventListener("htmx:beforeRequest", refuseForeign);

  document.addEventListener("htmx:beforeSwap", function (event) {
    const policy = event.detail.xhr.getResponseHeader("Content-Security-Policy") || "";
    const match = policy.match(/'nonce-([^']+)'/);
    if (match) {
      trusted.add(match[1]);
    }
  });

  // The guard is in place: htmx may start (base.html disables it until then, so that a page
  // where this script failed to load has no htmx at all rather than htmx without the guard).
  document.body.removeAttribute("hx-disable");

  // An out-of-band swap replaces an element anywhere on the page: only our own.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const fragment = event.detail.fragment;
    const elt = fragment && (fragment.nodeType === Node.ELEMENT_NODE ? fragment : fragment.firstElementChild);
    if (!ours(elt)) {
      event.preventDefault();
    }
  });
})();

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
