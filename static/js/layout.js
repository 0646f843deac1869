// Every table of the page scrolls inside its own box when it is wider than the screen (a phone), never the
// page: each table not already in a scrolling box is wrapped in Bootstrap's .table-responsive.
(function () {
  "use strict";
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-responsive")) { return; }
      const box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrapTables);
  } else {
    wrapTables();
  }
})();
