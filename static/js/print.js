// A button marked data-print prints the page (no inline handler: the Content Security Policy forbids them).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
