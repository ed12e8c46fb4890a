// Shows the "Print or save as PDF" button and opens the browser's print dialogue with it.
// Without scripts the button stays hidden and the browser's own Print command does the same.
(function () {
  "use strict";

  function start() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
      var tip = button.parentElement && button.parentElement.querySelector(".print-tip");
      if (tip) {
        tip.hidden = true;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
