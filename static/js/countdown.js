// Keeps the time left until a deadline current: <div data-countdown="2026-03-08T16:00:00Z">.
// The server writes the days, hours and minutes; without this script they stay as written.
// The server decides whether a submission is accepted, whatever this shows.
(function () {
  "use strict";

  function update(element) {
    var deadline = new Date(element.getAttribute("data-countdown"));
    if (isNaN(deadline.getTime())) {
      return false;
    }
    var minutes = Math.floor((deadline.getTime() - Date.now()) / 60000);
    var units = element.querySelector(".countdown-units");
    var passed = element.querySelector("[data-countdown-passed]");
    if (minutes < 0) {
      if (units) {
        units.hidden = true;
      }
      if (passed) {
        passed.hidden = false;
      }
      return false;
    }
    var values = {
      days: Math.floor(minutes / 1440),
      hours: Math.floor((minutes % 1440) / 60),
      minutes: minutes % 60
    };
    Object.keys(values).forEach(function (unit) {
      var cell = element.querySelector("[data-countdown-" + unit + "]");
      if (cell) {
        cell.textContent = String(values[unit]);
      }
    });
    return true;
  }

  function start() {
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      if (update(element)) {
        var timer = window.setInterval(function () {
          if (!update(element)) {
            window.clearInterval(timer);
          }
        }, 15000);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
