// Shows every <time datetime="…Z" data-localtime> in the reader's own time zone.
// Without this script the server's text (the instant in UTC) stays, which is still correct.
(function () {
  "use strict";

  function formatterFor(language) {
    var options = {
      year: "numeric",
      month: "long",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short"
    };
    try {
      return new Intl.DateTimeFormat(language || undefined, options);
    } catch (error) {
      return new Intl.DateTimeFormat(undefined, options);
    }
  }

  function showLocalTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) {
      return;
    }
    var language = document.documentElement.lang;
    // English pages write dates the EU way (8 March 2018), as the server does.
    var formatter = formatterFor(language === "en" ? "en-GB" : language);
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    document.querySelectorAll("time[data-localtime]").forEach(function (element) {
      var instant = new Date(element.getAttribute("datetime"));
      if (isNaN(instant.getTime())) {
        return;
      }
      element.textContent = formatter.format(instant);
      if (zone) {
        element.setAttribute("title", zone);
      }
      var label = element.parentElement && element.parentElement.querySelector("[data-localtime-label]");
      if (label) {
        label.hidden = false;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showLocalTimes);
  } else {
    showLocalTimes();
  }
})();
