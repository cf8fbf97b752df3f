/* The wall screen reloads itself every data-every seconds (a script: a meta refresh is an accessibility
   fault, axe-core's "meta-refresh"). A failed load keeps the page as it was and tries again later. */
(function () {
  "use strict";
  var script = document.currentScript;
  var every = Number((script && script.getAttribute("data-every")) || 300) * 1000;
  function again() {
    fetch(window.location.href, { method: "HEAD", credentials: "same-origin" })
      .then(function (r) { if (r.ok) { window.location.reload(); } else { setTimeout(again, every); } })
      .catch(function () { setTimeout(again, every); });
  }
  setTimeout(again, every);
})();
