// Every table of the page scrolls inside its own box when it is wider than the screen (a phone), never the
// page: each table not already in a scrolling box is wrapped in Bootstrap's .table-responsive. A box that
// does scroll is reachable with the keyboard (tabindex), so that it can be scrolled without a mouse.
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
    markScrolling();
  }
  function markScrolling() {
    document.querySelectorAll("main .table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrapTables);
  } else {
    wrapTables();
  }
  window.addEventListener("resize", markScrolling);
})();
