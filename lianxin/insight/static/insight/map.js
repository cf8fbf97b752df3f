/* The grid map: cells from their GeoJSON, coloured by the chosen figure; markers link to their pages.
   No base layer unless the server names one (settings MAP_TIANDITU_KEY or MAP_TILE_URL). */
(function () {
  "use strict";
  var source = document.getElementById("insight-map");
  var el = document.getElementById("grid-map");
  if (!source || !el || !window.L) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var values = data.cells.features.map(function (f) { return f.properties.value; }).sort(function (a, b) { return a - b; });
  var max = values.length ? values[values.length - 1] : 0;

  function colour(v) {
    if (!max) return colours[0];
    return colours[Math.min(colours.length - 1, Math.floor((v / max) * (colours.length - 1) + 0.0001))];
  }
  function esc(s) {
    var d = document.createElement("div");
    d.textContent = String(s);
    return d.innerHTML;
  }

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!data.tiles });
  if (data.tiles) {
    L.tileLayer(data.tiles.url, { subdomains: data.tiles.subdomains, attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
  }
  var cells = L.geoJSON(data.cells, {
    style: function (f) {
      var gap = f.properties.gaps.length > 0;
      return { color: gap ? "#d62728" : "#555", weight: gap ? 3 : 1, dashArray: gap ? "6 4" : null,
               fillColor: colour(f.properties.value), fillOpacity: 0.75 };
    },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindPopup(
        "<b>" + esc(p.name) + "</b><br>" +
        '<a href="' + esc(p.url) + '">' + esc(el.dataset.received || "") + p.received + "</a> · " +
        '<a href="' + esc(p.overdue_url) + '">' + esc(el.dataset.overdue || "") + p.overdue + "</a>" +
        (p.gaps.length ? "<br>" + p.gaps.map(function (g) { return esc(el.dataset["gap_" + g] || g); }).join(" · ") : "")
      );
      layer.bindTooltip(esc(p.name), { sticky: true });
    },
  }).addTo(map);
  var shapes = { deputy: "●", station: "■", collection_point: "▲" };
  data.markers.forEach(function (m) {
    var icon = L.divIcon({ className: "marker marker-" + m.kind, html: shapes[m.kind] || "●", iconSize: [16, 16] });
    L.marker([m.lat, m.lng], { icon: icon, title: m.name, alt: m.name })
      .bindPopup('<a href="' + esc(m.url) + '">' + esc(m.name) + "</a>").addTo(map);
  });
  if (data.cells.features.length) map.fitBounds(cells.getBounds(), { padding: [8, 8] });
  else map.setView([30, 115], 4);
})();
