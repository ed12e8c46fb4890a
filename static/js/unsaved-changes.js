// Warns before the language switch throws away what was typed in a form and not saved yet.
// The form says so with <form data-unsaved-warning="question">; it counts as changed when a
// field differs from what the page opened with, or from the start when it carries
// data-unsaved (a form shown again with errors holds input that was never saved). Without
// this script the language switch changes the language and the page, and saves nothing.
(function () {
  "use strict";

  function state(form) {
    return Array.prototype.map.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" ||
          field.type === "submit" || field.type === "button") {
        return "";
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.name + ":" + field.checked;
      }
      return field.name + "=" + field.value;
    }).join("\n");
  }

  function start() {
    var forms = Array.prototype.map.call(
      document.querySelectorAll("form[data-unsaved-warning]"),
      function (form) {
        return {form: form, opened: form.hasAttribute("data-unsaved") ? null : state(form)};
      }
    );
    if (!forms.length) {
      return;
    }
    document.querySelectorAll("form.language-switcher").forEach(function (switcher) {
      switcher.addEventListener("submit", function (event) {
        var changed = forms.filter(function (watched) {
          return watched.opened === null || state(watched.form) !== watched.opened;
        });
        if (changed.length && !window.confirm(changed[0].form.getAttribute("data-unsaved-warning"))) {
          event.preventDefault();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
