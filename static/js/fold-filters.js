// Folds the filters away on a phone, where they would fill the first screen: each
// <details open data-fold-on-narrow> is closed when the screen is narrow, unless a field
// in it reports an error. Without this script the filters stay open.
(function () {
  "use strict";

  var NARROW = "(max-width: 767.98px)";

  function fold() {
    if (!window.matchMedia || !window.matchMedia(NARROW).matches) {
      return;
    }
    document.querySelectorAll("details[data-fold-on-narrow]").forEach(function (details) {
      if (!details.querySelector(".is-invalid, .invalid-feedback")) {
        details.open = false;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fold);
  } else {
    fold();
  }
})();
