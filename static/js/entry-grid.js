/* The quarterly entry grid (templates/reporting/figure_entry.html) at the keyboard, and a draft that survives a
 * reload. Every part of the page works without this file.
 *
 * - Enter in a value box moves to the next row's value instead of submitting the form; ↑ / ↓ move between
 *   value boxes; Tab goes down the value column, and from its last box on to the optional fields.
 * - What is typed and not yet saved is kept in this browser (localStorage, per user, quarter and mode) and put
 *   back after a reload, with a note and a button to throw it away. Saving or submitting clears it.
 * - Leaving the page with unsaved input asks first.
 */
(function () {
  "use strict";

  function valueBoxes(form) { return Array.prototype.slice.call(form.querySelectorAll("input.amount")); }

  function typedFields(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input.amount, input.note, input.extra-amount"));
  }

  function unsaved(form) {
    return typedFields(form).some(function (input) { return input.value !== input.defaultValue; });
  }

  /* ↑ ↓ Enter Tab between value boxes. */
  function keyboard(form) {
    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input.amount")) { return; }
      var boxes = valueBoxes(form);
      var at = boxes.indexOf(input);
      var step = 0;
      if (event.key === "Enter" || event.key === "ArrowDown" || (event.key === "Tab" && !event.shiftKey)) { step = 1; }
      if (event.key === "ArrowUp" || (event.key === "Tab" && event.shiftKey)) { step = -1; }
      if (!step || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var next = boxes[at + step];
      if (!next) {
        if (event.key === "Enter") { event.preventDefault(); }  // the last row: Enter never submits
        if (event.key === "Tab" && step === 1) {  // after the value column: the optional fields, in page order
          var first = form.querySelector("input.note, input.extra-amount");
          if (first) { event.preventDefault(); first.focus(); }
        }
        return;
      }
      event.preventDefault();
      next.focus();
      next.select();
    });
  }

  /* The draft: field name → typed text, for the fields that differ from what the server sent. */
  function draftKey(form) { return "jinzhou-entry-draft:" + form.getAttribute("data-draft-key"); }

  function readDraft(form) {
    try { return JSON.parse(window.localStorage.getItem(draftKey(form)) || "null"); } catch (e) { return null; }
  }

  function writeDraft(form) {
    var draft = {};
    typedFields(form).forEach(function (input) {
      if (input.value !== input.defaultValue) { draft[input.name] = input.value; }
    });
    try {
      if (Object.keys(draft).length) { window.localStorage.setItem(draftKey(form), JSON.stringify(draft)); }
      else { window.localStorage.removeItem(draftKey(form)); }
    } catch (e) { /* storage full or refused: the page works without a draft */ }
  }

  function clearDraft(form) {
    try { window.localStorage.removeItem(draftKey(form)); } catch (e) { /* nothing kept */ }
  }

  function restoreDraft(form) {
    var draft = readDraft(form);
    if (!draft) { return; }
    var restored = 0;
    Object.keys(draft).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && input.matches && input.matches("input") && !input.disabled) {
        input.value = draft[name];
        restored += 1;
      }
    });
    if (!restored) { clearDraft(form); return; }
    var note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.textContent = form.getAttribute("data-draft-restored") + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = form.getAttribute("data-draft-discard");
    discard.addEventListener("click", function () {
      typedFields(form).forEach(function (input) { input.value = input.defaultValue; });
      clearDraft(form);
      note.remove();
    });
    note.appendChild(discard);
    form.parentNode.insertBefore(note, form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft-key]");
    if (!form) { return; }
    var leaving = false;
    keyboard(form);
    restoreDraft(form);
    form.addEventListener("input", function () { writeDraft(form); });
    form.addEventListener("submit", function () { leaving = true; clearDraft(form); });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && unsaved(form)) {
        event.preventDefault();
        event.returnValue = "";  // the browser shows its own "leave this page?" question
      }
    });
  });
})();
