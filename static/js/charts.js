// Draw every plotly figure of the page: the figure JSON sits in a <script type="application/json">
// next to its container (no inline script, so the content security policy can forbid them).
(function () {
  "use strict";
  // Months, days and the decimal comma in the page's language (static/js/plotly-locale-fr.js registers "fr").
  const locale = (document.documentElement.lang || "fr").toLowerCase().startsWith("en") ? "en" : "fr";
  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (container) {
      const source = document.getElementById(container.dataset.figure);
      if (!source || typeof Plotly === "undefined") { return; }
      const figure = JSON.parse(source.textContent);
      Plotly.newPlot(container, figure.data, figure.layout, { displaylogo: false, responsive: true, locale: locale })
        .then(function () { container.dataset.drawn = "true"; });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
