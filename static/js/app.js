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
    refreshInboxCount();
  });
  // The inbox badge in the header: its number is fetched after the page has loaded (so no page waits for
  // it), and again after anything done in place that changes it (an approval or return on the review page).
  function refreshInboxCount() {
    var badge = document.querySelector("[data-inbox-count]");
    if (!badge || !window.fetch) { return; }
    fetch(badge.getAttribute("data-inbox-count"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        badge.textContent = body.count ? String(body.count) : "";
        badge.hidden = !body.count;
        badge.closest("a").setAttribute("data-count", String(body.count));
      })
      .catch(function () { /* the link still leads to the inbox */ });
  }
  document.addEventListener("inbox-changed", refreshInboxCount);  // sent by the server (HX-Trigger)
  // The quarter picker swaps the menu's reporting links (they carry the quarter), the badge with them.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.target.id === "nav-reporting") { refreshInboxCount(); }
  });
})();
