// Keyboard help for the queue: j / k move between leads, x selects the current one.
(function () {
  "use strict";
  // Empty filters stay out of the address, so that it can be read and shared.
  var filters = document.querySelector("form.filters");
  if (filters) filters.addEventListener("submit", function () {
    filters.querySelectorAll("input, select").forEach(function (field) { if (!field.value) field.disabled = true; });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.filters [disabled]").forEach(function (field) { field.disabled = false; });
  });
  var links = Array.prototype.slice.call(document.querySelectorAll("a.lead-link"));
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    var at = links.indexOf(document.activeElement);
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
      if (links[next]) { links[next].focus(); event.preventDefault(); }
    } else if (event.key === "x" && at >= 0) {
      var box = links[at].closest("tr").querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      event.preventDefault();
    }
  });
})();
