/* Jinzhou cluster platform: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  // Buttons that commit something weighty ask first: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // The quarter picker updates the page in place (htmx); its "Show" button is for pages without JavaScript.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-hide]").forEach(function (el) { el.hidden = true; });
  });
})();
