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
      }, function () {
        lat.value = ""; lng.value = "";
        status.textContent = button.dataset.msgFail;
        if (cell) { cell.focus(); }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    if (cell) {
      cell.addEventListener("change", function () {
        if (cell.value) { lat.value = ""; lng.value = ""; status.textContent = ""; delete status.dataset.located; }
      });
    }
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
