/* The airspace page's map: the offline basemap (and a site's tile server, if it set one),
   the protected zones and authorised areas, the sensors where they said they stand (those
   gone quiet greyed), each drone with its pilot and a line between them, kept up to date
   from the server's event stream (the sensors, and the page's list of them, are asked for
   again every data-sensors-every seconds, and at once when a drone is heard by a sensor
   the page does not know yet). The table under the map is the
   same drones in words; it is updated with the map. Every text shown comes from the API and
   is set as text, never as markup. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  var replay = box.dataset.replay === "yes";
  var map = L.map(box, { keyboard: true, worldCopyJump: true }).setView([20, 0], 2);
  var tileUrl = box.dataset.tileUrl;
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19, attribution: "site tiles" }).addTo(map); }
  map.attributionControl.addAttribution("Basemap: Natural Earth (public domain)");
  var drawn = {};
  var fitted = false;
  var bounds = L.latLngBounds([]);

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { if (!answer.ok) { throw new Error(url + ": " + answer.status); } return answer.json(); });
  }

  function fit() {
    if (!fitted && bounds.isValid()) { map.fitBounds(bounds.pad(0.3), { maxZoom: 16 }); fitted = true; }
  }

  function lines(parts) {
    var node = document.createElement("div");
    parts.forEach(function (text, index) {
      var line = document.createElement(index === 0 ? "strong" : "p");
      line.textContent = text;
      node.appendChild(line);
    });
    return node;
  }

  function maker(t) {
    var name = (t.identity.manufacturer || {}).name || "unknown maker";
    return t.identity.product ? name + ", " + t.identity.product : name;
  }

  function standing(t) {
    if (t.ours) { return "ours"; }
    if (t.authorised === true) { return "authorised"; }
    if (t.authorised === null) { return "not ours, not authorised"; }
    return "outside its authorisation";
  }

  function where(point, alt) {
    if (!point) { return "not broadcast"; }
    var text = point.lat.toFixed(5) + ", " + point.lon.toFixed(5);
    if (alt && point.alt !== null && point.alt !== undefined) { text += ", " + point.alt + " m"; }
    return text;
  }

  function words(text) { return String(text || "").replace(/[-_]/g, " "); }

  var sensorLayers = [];
  var knownSensors = {};

  function sensorText(s) {
    var text = s.id + ": " + (s.health === "stale" ? "gone quiet" : "reporting") + ", ";
    text += s.position ? "at " + where(s.position, true) : "position not sent";
    return text + "; last heard " + s.last_heard.slice(0, 19).replace("T", " ") + " UTC";
  }

  function drawSensors(found) {
    sensorLayers.forEach(function (layer) { map.removeLayer(layer); });
    sensorLayers = [];
    knownSensors = {};
    found.forEach(function (s) {
      knownSensors[s.id] = true;
      if (!s.position) { return; }
      var stale = s.health === "stale";
      var marker = L.marker([s.position.lat, s.position.lon], {
        icon: L.divIcon({ className: "sensor-marker" + (stale ? " stale" : ""), iconSize: [14, 14],
          html: "<span></span>" }),
        title: "Sensor " + s.id + (stale ? " (gone quiet)" : ""), alt: "Sensor " + s.id,
        keyboard: true
      });
      marker.bindPopup(lines(["Sensor " + s.id, sensorText(s), "Hears " + (s.kinds.join(", ") || "nothing yet")]));
      marker.addTo(map);
      sensorLayers.push(marker);
      bounds.extend(marker.getLatLng());
    });
  }

  function listSensors(found) {
    var list = document.getElementById("sensor-list");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    found.forEach(function (s) {
      var item = document.createElement("li");
      item.dataset.sensor = s.id;
      item.className = s.health === "stale" ? "stale" : "reporting";
      var name = document.createElement("strong");
      name.textContent = s.id;
      item.appendChild(name);
      item.appendChild(document.createTextNode(sensorText(s).slice(s.id.length)));
      list.appendChild(item);
    });
    document.getElementById("no-sensors").hidden = found.length > 0;
  }

  function drawTrack(t) {
    var old = drawn[t.key];
    if (old) { old.forEach(function (layer) { map.removeLayer(layer); }); }
    var layers = [];
    var about = lines([t.key, maker(t), t.identity.basis || "",
      "Maker's covered status: " + words(t.covered_status),
      standing(t) + "; " + t.state, "Last heard " + t.last_seen.slice(0, 19).replace("T", " ") + " UTC",
      "Heard by " + t.sensors.join(", ")]);
    if (t.position) {
      var drone = L.circleMarker([t.position.lat, t.position.lon],
        { radius: 8, color: "#333", weight: 2, fillColor: "#c0392b", fillOpacity: 0.9 });
      layers.push(drone.bindPopup(about).bindTooltip(t.key));
      bounds.extend(drone.getLatLng());
    }
    if (t.pilot) {
      var pilot = L.circleMarker([t.pilot.lat, t.pilot.lon],
        { radius: 6, color: "#333", weight: 2, fillColor: "#1f5fa8", fillOpacity: 0.9 });
      layers.push(pilot.bindPopup(lines(["Pilot of " + t.key, where(t.pilot, false)])));
      bounds.extend(pilot.getLatLng());
      if (t.position) {
        layers.push(L.polyline([[t.pilot.lat, t.pilot.lon], [t.position.lat, t.position.lon]],
          { color: "#1f5fa8", weight: 2, dashArray: "4 4" }));
      }
    }
    layers.forEach(function (layer) { layer.addTo(map); });
    drawn[t.key] = layers;
  }

  function row(t) {
    var tr = document.createElement("tr");
    tr.dataset.key = t.key;
    var head = document.createElement("th");
    head.scope = "row";
    head.textContent = t.key;
    tr.appendChild(head);
    var about = document.createElement("td");
    about.textContent = maker(t);
    if (t.identity.basis) {
      var basis = document.createElement("span");
      basis.className = "muted";
      basis.textContent = t.identity.basis;
      about.appendChild(document.createElement("br"));
      about.appendChild(basis);
    }
    tr.appendChild(about);
    [words(t.covered_status), standing(t), t.state, where(t.position, true),
      where(t.pilot, false), t.last_seen.slice(0, 19).replace("T", " "), t.sensors.join(", ")]
      .forEach(function (text) {
        var cell = document.createElement("td");
        cell.textContent = text;
        tr.appendChild(cell);
      });
    return tr;
  }

  function listTrack(t) {
    var body = document.querySelector("#tracks tbody");
    var found = body.querySelector('tr[data-key="' + CSS.escape(t.key) + '"]');
    if (found) { body.removeChild(found); }
    body.insertBefore(row(t), body.firstChild);
    document.getElementById("no-tracks").hidden = true;
  }

  function acknowledged(item, a) {
    if (!a.acknowledged_by || item.classList.contains("done")) { return; }
    item.classList.add("done");
    var form = item.querySelector("form");
    if (form) { item.removeChild(form); }
    var note = document.createElement("p");
    note.className = "muted";
    note.textContent = "Acknowledged by " + a.acknowledged_by + " at " +
      a.acknowledged_at.slice(0, 19).replace("T", " ") + " UTC.";
    item.appendChild(note);
  }

  function listAlert(a) {
    var known = document.getElementById("alert-" + a.id);
    if (known) { acknowledged(known, a); return; }
    var item = document.createElement("li");
    item.id = "alert-" + a.id;
    item.className = "alert";
    var head = document.createElement("p");
    var rule = document.createElement("strong");
    rule.textContent = words(a.rule);
    head.appendChild(rule);
    if (a.zone) { head.appendChild(document.createTextNode(" in " + a.zone)); }
    var message = document.createElement("p");
    message.textContent = a.message;
    item.appendChild(head);
    item.appendChild(message);
    var list = document.getElementById("alert-list");
    list.insertBefore(item, list.firstChild);
    acknowledged(item, a);
    document.getElementById("no-alerts").hidden = true;
    if (!a.acknowledged_by) { document.getElementById("new-alerts").hidden = false; }
  }

  function area(geometry, style, about) {
    var layer = L.geoJSON(geometry, { style: style }).bindPopup(lines(about)).addTo(map);
    bounds.extend(layer.getBounds());
    return layer;
  }

  var query = [];
  if (box.dataset.from) { query.push("since=" + encodeURIComponent(box.dataset.from)); }
  if (box.dataset.to) { query.push("until=" + encodeURIComponent(box.dataset.to)); }

  fetch("/airspace/basemap.geojson").then(function (answer) { return answer.json(); })
    .then(function (land) {
      L.geoJSON(land, { interactive: false, style: { color: "#7a8b7a", weight: 1,
        fillColor: "#f3f1e8", fillOpacity: tileUrl ? 0 : 1 } }).addTo(map).bringToBack();
      box.dataset.basemap = "yes";
    });

  // live, the event stream's first events are the tracks; a replay asks for its window's
  var tracks = replay ? get(box.dataset.tracks + "?" + query.join("&")) : { tracks: [] };
  Promise.all([get("/api/v1/airspace/zones"), get("/api/v1/airspace/authorisations"), tracks,
    get("/api/v1/airspace/sensors")])
    .then(function (found) {
      found[0].zones.forEach(function (z) {
        area(z.geometry, { color: "#c0392b", weight: 2, fillOpacity: 0.15 },
          ["Protected zone " + z.name]);
      });
      found[1].authorisations.forEach(function (a) {
        area(a.area, { color: "#1e7e34", weight: 2, dashArray: "6 4", fillOpacity: 0.1 },
          ["Authorisation " + a.reference, "Aircraft " + a.serial,
            "From " + a.start + " to " + a.end]);
      });
      found[2].tracks.forEach(drawTrack);
      drawSensors(found[3].sensors);
      fit();
      box.dataset.loaded = "yes";
      if (!replay) { listen(); }
    });

  function sensors() {
    get("/api/v1/airspace/sensors").then(function (found) {
      drawSensors(found.sensors);
      listSensors(found.sensors);
      fit();
    });
  }

  function listen() {
    var stream = new EventSource("/api/v1/airspace/events");
    stream.addEventListener("track", function (event) {
      var t = JSON.parse(event.data);
      drawTrack(t);
      listTrack(t);
      fit();
      if (t.sensors.some(function (id) { return !knownSensors[id]; })) { sensors(); }
    });
    stream.addEventListener("alert", function (event) { listAlert(JSON.parse(event.data)); });
    window.setInterval(sensors, 1000 * Number(box.dataset.sensorsEvery || 30));
  }
}());
