// Narrows each member's region list to the regions of the country chosen in the same row.
// Region lists are <select data-region-filter> whose options carry data-country="RO"; the
// country list is the select whose id is the region's with "-region" replaced by "-country".
// Without this script every region stays listed, grouped by country, and the server checks
// that the region belongs to the country.
(function () {
  "use strict";

  function countrySelectFor(regionSelect) {
    var id = regionSelect.id.replace(/-region$/, "-country");
    return id === regionSelect.id ? null : document.getElementById(id);
  }

  function wire(regionSelect) {
    var countrySelect = countrySelectFor(regionSelect);
    if (!countrySelect) {
      return;
    }
    // Keep the full list once; every change rebuilds the visible list from it.
    var allOptions = Array.prototype.map.call(regionSelect.children, function (child) {
      return child.cloneNode(true);
    });

    function belongs(option, country, kept) {
      return !option.value || !country || option.value === kept ||
        option.getAttribute("data-country") === country;
    }

    // On the first pass the region chosen before (even one of another country, which the
    // server has just reported next to the field) stays listed: nothing typed is hidden.
    function rebuild(keepChoice) {
      var country = countrySelect.value;
      var selected = regionSelect.value;
      var kept = keepChoice ? selected : null;
      var keepSelected = false;
      while (regionSelect.firstChild) {
        regionSelect.removeChild(regionSelect.firstChild);
      }
      allOptions.forEach(function (node) {
        if (node.tagName === "OPTGROUP") {
          var group = node.cloneNode(false);
          Array.prototype.forEach.call(node.children, function (option) {
            if (belongs(option, country, kept)) {
              group.appendChild(option.cloneNode(true));
            }
          });
          if (group.children.length) {
            regionSelect.appendChild(group);
          }
        } else if (belongs(node, country, kept)) {
          regionSelect.appendChild(node.cloneNode(true));
        }
      });
      Array.prototype.forEach.call(regionSelect.options, function (option) {
        if (option.value === selected) {
          keepSelected = true;
        }
      });
      regionSelect.value = keepSelected ? selected : "";
    }

    countrySelect.addEventListener("change", function () {
      rebuild(false);
    });
    rebuild(true);
  }

  function start() {
    document.querySelectorAll("select[data-region-filter]").forEach(wire);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
