/* The grid map: cells from their GeoJSON, coloured by the chosen figure and labelled with their names;
   markers link to their pages. Under the cells: a tile layer when the server names one (settings
   MAP_TIANDITU_KEY or MAP_TILE_URL), else the town's own base map (roads, rivers, landmarks) when the
   office has loaded one. Nothing is fetched from anywhere else. The legend (map.html) draws the same
   symbols: the swatches' colours, the markers' glyphs and the base map's lines come from one place each
   (this file's STYLE, insight.css). */
(function () {
  "use strict";
  var source = document.getElementById("insight-map");
  var el = document.getElementById("grid-map");
  if (!source || !el || !window.L) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var BASE = { road: { color: "#8c8c8c", weight: 3 }, water: { color: "#4a90d9", weight: 3 },
               area: { color: "#a0a0a0", weight: 1, fillOpacity: 0.1 } };
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
  function link(url, text) {
    return url ? '<a href="' + esc(url) + '">' + esc(text) + "</a>" : esc(text);
  }

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!data.tiles });
  map.createPane("base").style.zIndex = 350; // under the cells (overlayPane is 400)
  if (data.tiles) {
    L.tileLayer(data.tiles.url, { subdomains: data.tiles.subdomains, attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
  } else if (data.base) {
    el.classList.add("has-base");
    L.geoJSON(data.base, {
      pane: "base",
      interactive: true,
      style: function (f) { return BASE[f.properties.kind] || BASE.road; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { pane: "base", radius: 4, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1 });
      },
      onEachFeature: function (f, layer) {
        if (f.properties.name) layer.bindTooltip(esc(f.properties.name), { sticky: f.geometry.type !== "Point", className: "base-name" });
      },
    }).addTo(map);
  }
  var withBase = !!(data.tiles || data.base);
  var labels = [];
  var cells = L.geoJSON(data.cells, {
    style: function (f) {
      var gap = f.properties.gaps.length > 0;
      return { color: gap ? "#d62728" : "#555", weight: gap ? 3 : 1, dashArray: gap ? "6 4" : null,
               fillColor: colour(f.properties.value), fillOpacity: withBase ? 0.5 : 0.75 };
    },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindPopup(
        "<b>" + esc(p.name) + "</b><br>" +
        link(p.url, (el.dataset.received || "") + p.received) + " · " +
        link(p.overdue_url, (el.dataset.overdue || "") + p.overdue) +
        (p.gaps.length ? "<br>" + p.gaps.map(function (g) { return esc(el.dataset["gap_" + g] || g); }).join(" · ") : "")
      );
      // the cell's name, always shown at its centre (labels that would overlap another are hidden, below)
      layer.bindTooltip(esc(p.name), { permanent: true, direction: "center", className: "cell-label", opacity: 1 });
      labels.push(layer);
    },
  }).addTo(map);
  var shapes = { deputy: "●", station: "■", collection_point: "▲" };
  data.markers.forEach(function (m) {
    var icon = L.divIcon({ className: "marker marker-" + m.kind, html: shapes[m.kind] || "●", iconSize: [16, 16] });
    L.marker([m.lat, m.lng], { icon: icon, title: m.name, alt: m.name })
      .bindPopup('<a href="' + esc(m.url) + '">' + esc(m.name) + "</a>").addTo(map);
  });

  // Labels must not cover one another at the town's zoom: show them in order, hiding one that overlaps a
  // label already shown (its cell's popup still names it); the largest cells first.
  function declutter() {
    var shown = [];
    labels
      .map(function (layer) { return { layer: layer, size: layer.getBounds().getNorthEast().distanceTo(layer.getBounds().getSouthWest()) }; })
      .sort(function (a, b) { return b.size - a.size; })
      .forEach(function (item) {
        var tip = item.layer.getTooltip();
        var node = tip && tip.getElement();
        if (!node) return;
        node.classList.remove("label-hidden");
        var r = node.getBoundingClientRect();
        var hit = shown.some(function (s) { return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top; });
        if (hit) node.classList.add("label-hidden");
        else shown.push(r);
      });
  }
  map.on("zoomend moveend", declutter);

  var focus = data.focus && labels.filter(function (layer) { return layer.feature.properties.id === data.focus; })[0];
  if (focus) map.fitBounds(focus.getBounds(), { padding: [24, 24] });
  else if (data.cells.features.length) map.fitBounds(cells.getBounds(), { padding: [8, 8] });
  else map.setView([30, 115], 4);
  declutter();
})();
