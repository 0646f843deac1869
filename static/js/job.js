// Follow a background job: poll its JSON status, move the progress bar, open the result when it is done.
// The state is decided on the server (unit/jobs.py); this script only displays it.
(function () {
  "use strict";
  const panel = document.getElementById("job");
  if (!panel) { return; }
  const bar = panel.querySelector("[data-job-bar]");
  const fill = bar.querySelector(".progress-bar");
  const label = panel.querySelector("[data-job-label]");
  const count = panel.querySelector("[data-job-count]");
  const message = panel.querySelector("[data-job-message]");
  const DELAY_MS = 1000;

  function show(status) {
    panel.dataset.state = status.state;
    label.textContent = status.label;
    count.textContent = status.total ? status.done + " / " + status.total : "";
    bar.setAttribute("aria-valuenow", String(status.percent));
    fill.style.width = status.percent + "%";
    fill.textContent = status.percent + " %";
    fill.classList.toggle("bg-danger", status.state === "failed");
    message.textContent = status.message;
    message.classList.toggle("d-none", !status.message);
    message.classList.toggle("alert-danger", status.state === "failed");
    message.classList.toggle("alert-info", status.state !== "failed");
  }

  function poll() {
    fetch(panel.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.next) {
          window.location.assign(status.next);
        } else if (status.state !== "failed") {
          window.setTimeout(poll, DELAY_MS);
        }
      })
      .catch(function () { window.setTimeout(poll, 5 * DELAY_MS); });
  }

  if (panel.dataset.state !== "failed") { window.setTimeout(poll, DELAY_MS); }
})();
