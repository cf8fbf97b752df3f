// Lianxin mobile page: fill the location from the phone's GPS, and send a form once.
// The browser's geolocation API returns WGS84, the system the grid cells are drawn in.
(function () {
  "use strict";
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var form = button.closest("form");
    var status = form.querySelector("[data-locate-status]");
    var lat = form.querySelector("input[name=lat]");
    var lng = form.querySelector("input[name=lng]");
    var cell = form.querySelector("select[name=cell]");
    if (!("geolocation" in navigator)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      status.textContent = button.dataset.msgWait;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (cell) { cell.value = ""; }  // the server finds the cell from the point
        status.textContent = button.dataset.msgOk;
        status.dataset.located = "1";
        if (cell && button.dataset.placeUrl) {  // show the village or community the point falls in
          fetch(button.dataset.placeUrl + "?lat=" + lat.value + "&lng=" + lng.value, { headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (found) {
              if (!found || !found.cell) { return; }
              cell.value = String(found.cell);
              status.textContent = button.dataset.msgPlace.replace("{place}", found.name);
              status.dataset.place = found.name;
            })
            .catch(function () {});
        }
      }, function () {
        lat.value = ""; lng.value = "";
        status.textContent = button.dataset.msgFail;
        if (cell) { cell.focus(); }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    if (cell) {
      cell.addEventListener("change", function () {
        if (cell.value) { lat.value = ""; lng.value = ""; status.textContent = ""; delete status.dataset.located; delete status.dataset.place; }
      });
    }
  });
  // The receipt: copy the tracking code (a fallback where the clipboard API is not allowed), print the slip.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var status = document.querySelector("[data-copy-status]");
    function said(ok) { if (status) { status.textContent = ok ? button.dataset.msgDone : button.dataset.msgFail; } }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = button.dataset.copy; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area); area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area); said(ok);
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(button.dataset.copy).then(function () { said(true); }, fallback);
      } else { fallback(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A double tap sends the form once; the server is idempotent anyway (the hidden submission key).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();
