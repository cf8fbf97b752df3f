/* Polls a worker job's progress (an import, a report) once a second; reloads the page when it is done. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.dataset.finished) return;
  var bar = box.querySelector("progress");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        bar.value = p.percent;
        bar.textContent = p.percent + "%";
        box.querySelector("[data-label]").textContent = p.label;
        box.querySelector("[data-count]").textContent = p.processed + " / " + p.total;
        if (p.finished) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
