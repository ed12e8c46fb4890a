// A message placed beside what it is about (<div role="status" data-announce>, e.g. "Saved.
// Fill in the new member below." in the new member's row) is written again once the page has
// settled, so that screen readers announce it: a status already there when a page loads is
// not announced by all of them. The page opens at the row's first field (#id_members-3-name),
// which browsers focus; where one does not, this script does.
(function () {
  "use strict";

  function start() {
    var message = document.querySelector("[data-announce]");
    if (!message) {
      return;
    }
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var unfocused = !document.activeElement || document.activeElement === document.body;
    if (target && unfocused && typeof target.focus === "function") {
      target.focus({preventScroll: true});
    }
    var text = message.textContent;
    message.textContent = "";
    window.setTimeout(function () {
      message.textContent = text;
    }, 150);
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
