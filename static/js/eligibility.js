// Live eligibility verdict: as the clinician answers, ask the server what the answers would give.
// The rules live on the server (admissions/eligibility.py); this script only displays the answer.
(function () {
  "use strict";
  const form = document.getElementById("eligibility-form");
  const panel = document.getElementById("verdict");
  if (!form || !panel) { return; }
  const label = panel.querySelector("[data-testid=verdict-label]");
  const reasons = panel.querySelector("[data-testid=verdict-reasons]");

  function show(result) {
    panel.classList.remove("verdict-eligible", "verdict-not_eligible", "verdict-incomplete");
    panel.classList.add("verdict-" + result.verdict);
    panel.dataset.verdict = result.verdict;
    label.textContent = result.label;
    reasons.replaceChildren();
    const add = (text, css) => {
      const li = document.createElement("li");
      li.className = css;
      li.textContent = text;
      reasons.appendChild(li);
    };
    result.failing.forEach((text) => add(panel.dataset.failingPrefix + text, "text-danger"));
    result.missing.forEach((text) => add(panel.dataset.missingPrefix + text, "text-warning-emphasis"));
  }

  // Answers can change faster than the server replies, and replies can arrive out of order:
  // only the reply to the latest answers is shown, and an earlier request still in flight is cancelled.
  let latest = 0;
  let inFlight = null;

  async function evaluate() {
    const ticket = ++latest;
    if (inFlight) { inFlight.abort(); }
    inFlight = new AbortController();
    let result;
    try {
      const response = await fetch(form.dataset.evaluateUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: inFlight.signal,
      });
      if (!response.ok) { return; }
      // The body is read under the same signal: a newer answer may cancel it after the headers arrived.
      result = await response.json();
    } catch (error) {
      if (error.name === "AbortError") { return; }
      throw error;
    }
    if (ticket === latest) { show(result); }
  }

  form.addEventListener("change", evaluate);
})();
