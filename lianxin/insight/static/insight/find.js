/* The public "find my deputy" map: the town's villages and communities, each labelled with its name, over
   the town's own roads and landmarks when the office loaded them. A tap on a village opens its deputies
   (the page's ?cell= answer, which also works with no script through the list above the map). Nothing is
   fetched from anywhere: no tiles. */
(function () {
  "use strict";
  var source = document.getElementById("find-map-data");
  var el = document.getElementById("find-map");
  if (!source || !el || !window.L) return;
  var data = JSON.parse(source.textContent);
  var BASE = { road: { color: "#8c8c8c", weight: 3 }, water: { color: "#4a90d9", weight: 3 },
               area: { color: "#a0a0a0", weight: 1, fillOpacity: 0.1 } };
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  map.createPane("base").style.zIndex = 350;
  if (data.base) {
    L.geoJSON(data.base, {
      pane: "base",
      interactive: false,
      style: function (f) { return BASE[f.properties.kind] || BASE.road; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { pane: "base", radius: 3, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1 });
      },
    }).addTo(map);
  }
  function go(id) {
    var url = new URL(window.location.href);
    url.searchParams.set("cell", id);
    url.hash = "found";
    window.location.assign(url.toString());
  }
  var chosen = null;
  var labels = [];
  var cells = L.geoJSON(data.cells, {
    style: function (f) {
      var on = f.properties.id === data.chosen;
      return { color: on ? "#c8161d" : "#555", weight: on ? 3 : 1, fillColor: on ? "#fcd5ce" : "#eef3f8", fillOpacity: data.base ? 0.45 : 0.8 };
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "cell-label", opacity: 1 });
      layer.on("click", function () { go(f.properties.id); });
      labels.push(layer);
      if (f.properties.id === data.chosen) chosen = layer;
    },
  }).addTo(map);
  function declutter() {
    var shown = [];
    labels.forEach(function (layer) {
      var node = layer.getTooltip() && layer.getTooltip().getElement();
      if (!node) return;
      node.classList.remove("label-hidden");
      var r = node.getBoundingClientRect();
      var on = layer === chosen;
      var hit = !on && shown.some(function (s) { return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top; });
      if (hit) node.classList.add("label-hidden");
      else shown.push(r);
    });
  }
  map.on("zoomend moveend", declutter);
  if (data.cells.features.length) map.fitBounds(cells.getBounds(), { padding: [6, 6] });
  else map.setView([30, 115], 4);
  if (chosen) labels.unshift(labels.splice(labels.indexOf(chosen), 1)[0]);
  declutter();
  var select = document.querySelector("[data-find-cell]");
  if (select) select.addEventListener("change", function () { if (select.value) go(select.value); });
})();
