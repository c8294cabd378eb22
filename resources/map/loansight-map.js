/*
 * LoanSight map page: the part of the folium-built page that draws the data.
 *
 * Python builds the base page once per tile provider and pushes the data in as JSON
 * (LS.setPoints, LS.setScene, LS.highlight, LS.replay…); clicks, tile failures and "drawn"
 * reports go back through the QWebChannel object "bridge". Every text the caller supplies
 * is put into the page as a DOM text node (textContent), never parsed as HTML.
 */
(function () {
  "use strict";

  var map = null;
  var bridge = null;
  var renderer = null;
  var pointsRenderer = null;
  var pointLayers = {};
  var legendControl = null;
  var tooltip = null;
  var scene = null;
  var highlightGroup = null;
  var highlighted = [];
  var tileStates = [];
  var GRID_STEPS = [20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];
  var COLOURS = {
    customer: "#1f4eb4",
    checkIn: "#1a9641",
    checkOut: "#7b3294",
    photo: "#f07d00",
    ghost: "#8a8f99",
    highlight: "#ffd400",
  };

  function report(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (bridge && typeof bridge[name] === "function") {
      bridge[name].apply(bridge, args);
    }
  }

  function textNode(text) {
    var el = document.createElement("div");
    el.className = "ls-text";
    el.textContent = String(text);
    return el;
  }

  // Call fn after the next paint: Leaflet's canvas renderer redraws in a requestAnimationFrame
  // queued before this one.
  function afterPaint(fn) {
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(fn);
    });
  }

  function gridStep(zoom) {
    var pixelsPerDegree = (256 * Math.pow(2, zoom)) / 360;
    for (var i = GRID_STEPS.length - 1; i >= 0; i--) {
      if (GRID_STEPS[i] * pixelsPerDegree >= 110) {
        return GRID_STEPS[i];
      }
    }
    return GRID_STEPS[0];
  }

  function degrees(value, step, positive, negative) {
    var decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    return Math.abs(value).toFixed(decimals) + "°" + (value >= 0 ? positive : negative);
  }

  // The offline base: a latitude/longitude grid, drawn under any tiles (so it shows when they fail).
  var OfflineGrid = L.GridLayer.extend({
    createTile: function (coords) {
      var size = this.getTileSize();
      var tile = document.createElement("canvas");
      tile.width = size.x;
      tile.height = size.y;
      var ctx = tile.getContext("2d");
      ctx.fillStyle = "#f3f1ec";
      ctx.fillRect(0, 0, size.x, size.y);
      var origin = coords.scaleBy(size);
      var nw = this._map.unproject(origin, coords.z);
      var se = this._map.unproject(origin.add(size), coords.z);
      var step = gridStep(coords.z);
      var self = this;
      ctx.strokeStyle = "rgba(70, 80, 100, 0.28)";
      ctx.fillStyle = "rgba(60, 70, 90, 0.75)";
      ctx.lineWidth = 1;
      ctx.font = "10px sans-serif";
      var k;
      for (k = Math.ceil(nw.lng / step); k * step <= se.lng; k++) {
        var lon = k * step;
        var x = Math.round(self._map.project([nw.lat, lon], coords.z).x - origin.x) + 0.5;
        ctx.beginPath();
        ctx.moveTo(x, 0);
        ctx.lineTo(x, size.y);
        ctx.stroke();
        var lonText = degrees(lon, step, "E", "W");
        if (coords.y % 3 === 0 && x + 3 + ctx.measureText(lonText).width < size.x) {
          ctx.fillText(lonText, x + 3, 12);
        }
      }
      for (k = Math.ceil(se.lat / step); k * step <= nw.lat; k++) {
        var lat = k * step;
        var y = Math.round(self._map.project([lat, nw.lng], coords.z).y - origin.y) + 0.5;
        ctx.beginPath();
        ctx.moveTo(0, y);
        ctx.lineTo(size.x, y);
        ctx.stroke();
        if (coords.x % 3 === 0 && y > 14) {
          ctx.fillText(degrees(lat, step, "N", "S"), 3, y - 3);
        }
      }
      return tile;
    },
  });

  // A canvas renderer for many circle markers: a path per 64 markers of one style instead of
  // a fill and a stroke per marker (Leaflet's way), about twice as fast to repaint 50,000.
  // Styles are painted in the order they first appear in the points, so the caller puts the
  // colour that must stay visible last. Hit-testing, events and culling stay Leaflet's own.
  var BATCH = 64; // circles a path: one huge path rasterises slower than many small ones
  var BatchedCanvas = L.Canvas.extend({
    _draw: function () {
      var bounds = this._redrawBounds;
      var ctx = this._ctx;
      var batches = {};
      var keys = [];
      ctx.save();
      if (bounds) {
        var size = bounds.getSize();
        ctx.beginPath();
        ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
        ctx.clip();
      }
      this._drawing = true;
      for (var order = this._drawFirst; order; order = order.next) {
        var layer = order.layer;
        if (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds))) {
          continue;
        }
        if (!(layer instanceof L.CircleMarker) || layer._empty()) {
          layer._updatePath();
          continue;
        }
        var o = layer.options;
        var key = [o.fillColor, o.color, o.weight, o.fillOpacity, o.opacity].join("|");
        if (!batches[key]) {
          batches[key] = [];
          keys.push(key);
        }
        batches[key].push(layer);
      }
      // zoomed out, dense points read better (and paint faster) smaller and without outlines
      var zoom = this._map.getZoom();
      var shrink = zoom < 8 ? 0.5 : zoom < 10 ? 0.7 : 1;
      keys.forEach(function (key) {
        var layers = batches[key];
        var o = layers[0].options;
        var outline = o.stroke && o.weight !== 0 && shrink === 1;
        ctx.fillStyle = o.fillColor || o.color;
        ctx.lineWidth = o.weight;
        ctx.strokeStyle = o.color;
        var batch = BATCH;
        for (var first = 0; first < layers.length; first += batch) {
          ctx.beginPath();
          for (var i = first; i < Math.min(first + batch, layers.length); i++) {
            var p = layers[i]._point;
            var r = Math.max(layers[i]._radius * shrink, 1.5);
            ctx.moveTo(p.x + r, p.y);
            ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
          }
          if (o.fill) {
            ctx.globalAlpha = o.fillOpacity;
            ctx.fill();
          }
          if (outline) {
            ctx.globalAlpha = o.opacity;
            ctx.stroke();
          }
        }
      });
      ctx.globalAlpha = 1;
      this._drawing = false;
      ctx.restore();
    },
  });

  function watchTiles(layer) {
    var state = { ok: 0, failed: 0, good: true };
    tileStates.push(state);
    layer.on("loading", function () {
      state.ok = 0;
      state.failed = 0;
    });
    layer.on("tileload", function () {
      state.ok++;
    });
    layer.on("tileerror", function () {
      state.failed++;
    });
    layer.on("load", function () {
      var wasGood = LS.tilesGood();
      state.good = state.ok > 0 || state.failed === 0;
      var good = LS.tilesGood();
      if (good !== wasGood || !good) {
        report("tilesChanged", good);
      }
    });
  }

  var LS = {};
  window.LS = LS;

  LS.start = function (leafletMap) {
    map = leafletMap;
    renderer = L.canvas({ padding: 0.5, tolerance: 4 });
    pointsRenderer = new BatchedCanvas({ padding: 0.3, tolerance: 3 });
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({ imperial: false, maxWidth: 140 }).addTo(map);
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        watchTiles(layer);
      }
    });
    new OfflineGrid({ zIndex: 0, maxZoom: 22 }).addTo(map);
    highlightGroup = L.featureGroup().addTo(map);
    if (typeof qt !== "undefined" && qt.webChannelTransport) {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        bridge = channel.objects.bridge;
        report("pageReady");
        if (!LS.tilesGood()) {
          report("tilesChanged", false); // tiles failed before the channel was up
        }
      });
    }
  };

  LS.tilesGood = function () {
    return tileStates.every(function (s) {
      return s.good;
    });
  };

  function showTip(latlng, text) {
    if (!tooltip) {
      tooltip = L.tooltip({ direction: "top", offset: [0, -6], opacity: 0.95, className: "ls-tip" });
    }
    tooltip.setLatLng(latlng).setContent(textNode(text));
    map.openTooltip(tooltip);
  }

  function hideTip() {
    if (tooltip) {
      map.closeTooltip(tooltip);
    }
  }

  function hoverable(layer, text) {
    layer.on("mouseover", function () {
      showTip(layer.getLatLng ? layer.getLatLng() : layer.getCenter(), text);
    });
    layer.on("mouseout", hideTip);
    return layer;
  }

  // -- points (the map screen): [id, lat, lon, colour, tooltip, kind] ----------------------

  function onPointClick(e) {
    var p = (e.propagatedFrom || e.layer)._ls;
    report("pointClicked", p[5], String(p[0]));
  }

  function onPointOver(e) {
    var marker = e.propagatedFrom || e.layer;
    showTip(marker.getLatLng(), marker._ls[4]);
  }

  LS.setPoints = function (name, points) {
    if (pointLayers[name]) {
      map.removeLayer(pointLayers[name]);
      delete pointLayers[name];
    }
    if (points.length) {
      var markers = new Array(points.length);
      for (var i = 0; i < points.length; i++) {
        var p = points[i];
        var marker = L.circleMarker([p[1], p[2]], {
          renderer: pointsRenderer,
          radius: 5,
          color: "#30343b",
          weight: 1,
          fillColor: p[3],
          fillOpacity: 0.85,
        });
        marker._ls = p;
        markers[i] = marker;
      }
      var group = L.featureGroup(markers);
      group.on("click", onPointClick).on("mouseover", onPointOver).on("mouseout", hideTip);
      pointLayers[name] = group.addTo(map);
    }
    afterPaint(function () {
      report("layerDrawn", "points:" + name, points.length);
    });
  };

  LS.pointCount = function (name) {
    return pointLayers[name] ? pointLayers[name].getLayers().length : 0;
  };

  function findPoint(name, id) {
    var found = null;
    if (pointLayers[name]) {
      pointLayers[name].eachLayer(function (m) {
        if (String(m._ls[0]) === String(id)) {
          found = m;
        }
      });
    }
    return found;
  }

  // The tests act as the user would: these fire the same Leaflet events a mouse does.
  LS.clickPoint = function (name, id) {
    var m = findPoint(name, id);
    if (m) {
      m.fire("click", { latlng: m.getLatLng() }, true);
    }
    return m !== null;
  };

  LS.hoverPoint = function (name, id) {
    var m = findPoint(name, id);
    if (m) {
      m.fire("mouseover", { latlng: m.getLatLng() }, true);
    }
    return m !== null;
  };

  // Milliseconds to repaint every canvas layer once (what a pan or zoom costs; benchmark).
  LS.redrawMs = function () {
    var started = performance.now();
    pointsRenderer._redrawBounds = null;
    pointsRenderer._clear();
    pointsRenderer._draw();
    pointsRenderer._ctx.getImageData(0, 0, 1, 1); // wait for the drawing to be done
    return performance.now() - started;
  };

  LS.pointLatLng = function (name, id) {
    var m = findPoint(name, id);
    return m ? [m.getLatLng().lat, m.getLatLng().lng] : null;
  };

  LS.clickElement = function (ref, eventName) {
    var m = scene && scene.markers[ref];
    if (m) {
      m.fire(eventName || "click", { latlng: m.getLatLng() }, true);
    }
    return Boolean(m);
  };

  function dataBounds() {
    var bounds = L.latLngBounds([]);
    Object.keys(pointLayers).forEach(function (name) {
      bounds.extend(pointLayers[name].getBounds());
    });
    if (scene && scene.bounds.isValid()) {
      bounds.extend(scene.bounds);
    }
    return bounds;
  }

  LS.fit = function () {
    var bounds = dataBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17, animate: false });
    }
  };

  LS.setLegend = function (title, entries) {
    if (legendControl) {
      map.removeControl(legendControl);
      legendControl = null;
    }
    if (!entries || !entries.length) {
      return;
    }
    legendControl = L.control({ position: "bottomright" });
    legendControl.onAdd = function () {
      var box = L.DomUtil.create("div", "ls-legend");
      if (title) {
        var head = L.DomUtil.create("div", "ls-legend-title", box);
        head.textContent = title;
      }
      entries.forEach(function (entry) {
        var row = L.DomUtil.create("div", "ls-legend-row", box);
        var swatch = L.DomUtil.create("span", "ls-swatch", row);
        swatch.style.background = entry[1];
        var label = L.DomUtil.create("span", "", row);
        label.textContent = entry[0];
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legendControl.addTo(map);
  };

  // -- the inspection scene ---------------------------------------------------------------

  function gradient(f) {
    // blue → magenta → red: visible on light and dark tiles, never green or yellow
    var hue = (225 + 135 * Math.min(1, Math.max(0, f))) % 360;
    return "hsl(" + hue.toFixed(0) + ", 85%, 45%)";
  }

  function label(group, latlng, text) {
    group.addLayer(
      L.tooltip({ permanent: true, direction: "right", offset: [6, 0], className: "ls-label", interactive: false })
        .setLatLng(latlng)
        .setContent(textNode(text))
    );
  }

  function clickable(layer, kind, id) {
    layer.on("click", function () {
      report("pointClicked", kind, String(id));
    });
    return layer;
  }

  function drawPlace(group, place, colour, ref) {
    var latlng = L.latLng(place.lat, place.lon);
    if (place.acc) {
      group.addLayer(
        L.circle(latlng, {
          renderer: renderer,
          radius: place.acc,
          color: colour,
          weight: 1,
          fillOpacity: 0.1,
          interactive: false,
        })
      );
    }
    var marker = L.circleMarker(latlng, {
      renderer: renderer,
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 1,
    });
    group.addLayer(clickable(hoverable(marker, place.tip), "element", ref));
    scene.refs[ref] = [latlng];
    scene.markers[ref] = marker;
    return latlng;
  }

  function joinLine(group, from, to, colour, text) {
    group.addLayer(
      L.polyline([from, to], { renderer: renderer, color: colour, weight: 2, dashArray: "6 5", interactive: false })
    );
    if (text) {
      label(group, L.latLng((from.lat + to.lat) / 2, (from.lng + to.lng) / 2), text);
    }
  }

  function drawTrack(group, track) {
    var n = track.lat.length;
    scene.track = { latlngs: new Array(n), t: track.t, bands: [], drawnTo: null, cursor: null };
    for (var i = 0; i < n; i++) {
      scene.track.latlngs[i] = L.latLng(track.lat[i], track.lon[i]);
    }
    scene.refs.track = scene.track.latlngs;
    if (n < 2) {
      return;
    }
    group.addLayer(
      L.polyline(scene.track.latlngs, { renderer: renderer, color: COLOURS.ghost, weight: 2, opacity: 0.5, interactive: false })
    );
    var count = Math.min(64, n - 1);
    for (var b = 0; b < count; b++) {
      var first = Math.floor((b * (n - 1)) / count);
      var last = Math.floor(((b + 1) * (n - 1)) / count);
      var line = L.polyline(scene.track.latlngs.slice(first, last + 1), {
        renderer: renderer,
        color: gradient((b + 0.5) / count),
        weight: 4,
        opacity: 0.9,
        interactive: false,
      });
      scene.track.bands.push({ first: first, last: last, line: line });
      group.addLayer(line);
    }
    scene.track.cursor = L.circleMarker(scene.track.latlngs[n - 1], {
      renderer: renderer,
      radius: 7,
      color: "#ffffff",
      weight: 3,
      fillColor: "#111111",
      fillOpacity: 1,
      interactive: false,
    });
  }

  LS.setScene = function (s) {
    LS.clearScene();
    var group = L.featureGroup();
    scene = { group: group, refs: {}, markers: {}, track: null, bounds: L.latLngBounds([]) };
    var home = null;
    if (s.customer) {
      home = L.latLng(s.customer.lat, s.customer.lon);
      if (s.customer.radius) {
        group.addLayer(
          L.circle(home, {
            renderer: renderer,
            radius: s.customer.radius,
            color: COLOURS.customer,
            weight: 2,
            dashArray: "8 6",
            fillOpacity: 0.04,
            interactive: false,
          })
        );
      }
      var house = L.circleMarker(home, {
        renderer: renderer,
        radius: 9,
        color: COLOURS.customer,
        weight: 4,
        fillColor: "#ffffff",
        fillOpacity: 1,
      });
      group.addLayer(clickable(hoverable(house, s.customer.tip), "element", "customer"));
      scene.markers.customer = house;
      scene.refs.customer = [home];
    }
    drawTrack(group, s.track);
    [
      ["checkIn", "check_in", COLOURS.checkIn],
      ["checkOut", "check_out", COLOURS.checkOut],
    ].forEach(function (spec) {
      var place = s[spec[0]];
      if (place) {
        var at = drawPlace(group, place, spec[2], spec[1]);
        if (home && place.label) {
          joinLine(group, home, at, spec[2], place.label);
        }
      }
    });
    s.photos.forEach(function (photo) {
      var at = L.latLng(photo.lat, photo.lon);
      var ref = "photo:" + photo.id;
      scene.refs[ref] = [at];
      if (photo.exif) {
        var exif = L.latLng(photo.exif.lat, photo.exif.lon);
        joinLine(group, at, exif, COLOURS.photo, photo.exif.label);
        var hollow = L.circleMarker(exif, {
          renderer: renderer,
          radius: 6,
          color: COLOURS.photo,
          weight: 3,
          fillColor: "#ffffff",
          fillOpacity: 1,
        });
        group.addLayer(clickable(hoverable(hollow, photo.exif.tip), "photo", photo.id));
        scene.markers["exif:" + photo.id] = hollow;
        scene.refs[ref].push(exif);
      }
      var dot = L.circleMarker(at, {
        renderer: renderer,
        radius: 6,
        color: "#ffffff",
        weight: 2,
        fillColor: COLOURS.photo,
        fillOpacity: 1,
      });
      group.addLayer(clickable(hoverable(dot, photo.tip), "photo", photo.id));
      scene.markers[ref] = dot;
    });
    // open on the site (customer, check-in and -out, photos): the drive there is context,
    // one zoom-out away, and would otherwise shrink the visit itself to a dot
    var site = L.latLngBounds([]);
    Object.keys(scene.refs).forEach(function (ref) {
      var onTrack = ref === "track" || ref.indexOf("track:") === 0;
      scene.refs[ref].forEach(function (latlng) {
        scene.bounds.extend(latlng);
        if (!onTrack) {
          site.extend(latlng);
        }
      });
    });
    group.addTo(map);
    var view = site.isValid() ? site : scene.bounds;
    if (view.isValid()) {
      map.fitBounds(view, { padding: [60, 60], maxZoom: 17, animate: false });
    }
    afterPaint(function () {
      report("layerDrawn", "scene", s.track.lat.length);
    });
  };

  LS.clearScene = function () {
    LS.highlight([]);
    if (scene) {
      map.removeLayer(scene.group);
      if (scene.track && scene.track.cursor) {
        scene.track.cursor.remove();
      }
    }
    scene = null;
  };

  // Draw the track up to `seconds` after its first point, with a cursor there; null draws it all.
  LS.replay = function (seconds) {
    if (!scene || !scene.track || scene.track.bands.length === 0) {
      return;
    }
    var track = scene.track;
    var n = track.latlngs.length;
    if (seconds === null) {
      track.bands.forEach(function (band) {
        band.line.setLatLngs(track.latlngs.slice(band.first, band.last + 1));
      });
      track.cursor.remove();
      track.drawnTo = null;
      return;
    }
    var k = 0;
    while (k < n - 1 && track.t[k + 1] <= seconds) {
      k++;
    }
    var at = track.latlngs[k];
    if (k < n - 1 && seconds > track.t[k]) {
      var span = track.t[k + 1] - track.t[k];
      var f = span > 0 ? (seconds - track.t[k]) / span : 0;
      var next = track.latlngs[k + 1];
      at = L.latLng(at.lat + (next.lat - at.lat) * f, at.lng + (next.lng - at.lng) * f);
    }
    track.bands.forEach(function (band) {
      if (band.last <= k) {
        band.line.setLatLngs(track.latlngs.slice(band.first, band.last + 1));
      } else if (band.first > k) {
        band.line.setLatLngs([]);
      } else {
        band.line.setLatLngs(track.latlngs.slice(band.first, k + 1).concat([at]));
      }
    });
    track.cursor.setLatLng(at);
    if (!map.hasLayer(track.cursor)) {
      track.cursor.addTo(map);
    }
    track.drawnTo = k;
  };

  LS.replayState = function () {
    if (!scene || !scene.track) {
      return null;
    }
    var track = scene.track;
    var cursor = track.cursor && map.hasLayer(track.cursor) ? track.cursor.getLatLng() : null;
    return {
      drawnTo: track.drawnTo,
      points: track.latlngs.length,
      cursor: cursor ? [cursor.lat, cursor.lng] : null,
    };
  };

  // Mark the scene elements a flag is about: "check_in", "check_out", "customer", "track",
  // "photo:<id>" or "track:<first>-<last>" (indexes into the track, inclusive).
  LS.highlight = function (refs) {
    highlightGroup.clearLayers();
    highlighted = [];
    if (!scene) {
      return [];
    }
    var bounds = L.latLngBounds([]);
    refs.forEach(function (ref) {
      var latlngs = scene.refs[ref];
      var line = ref === "track";
      var m = /^track:(\d+)-(\d+)$/.exec(ref);
      if (m && scene.track) {
        latlngs = scene.track.latlngs.slice(Number(m[1]), Number(m[2]) + 1);
        line = true;
      }
      if (!latlngs || !latlngs.length) {
        return;
      }
      highlighted.push(ref);
      if (line && latlngs.length > 1) {
        [
          ["#222222", 11, 0.55],
          [COLOURS.highlight, 6, 1],
        ].forEach(function (style) {
          highlightGroup.addLayer(
            L.polyline(latlngs, { renderer: renderer, color: style[0], weight: style[1], opacity: style[2], interactive: false })
          );
        });
      } else {
        latlngs.forEach(function (latlng) {
          [
            ["#222222", 7],
            [COLOURS.highlight, 4],
          ].forEach(function (style) {
            highlightGroup.addLayer(
              L.circleMarker(latlng, { renderer: renderer, radius: 17, color: style[0], weight: style[1], fill: false, interactive: false })
            );
          });
        });
      }
      latlngs.forEach(function (latlng) {
        bounds.extend(latlng);
      });
    });
    highlightGroup.bringToFront();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.3), { padding: [60, 60], maxZoom: 17, animate: false });
    }
    return highlighted;
  };

  LS.highlightedRefs = function () {
    return highlighted.slice();
  };

  LS.sceneMarkerAt = function (ref) {
    if (!scene || !scene.refs[ref]) {
      return null;
    }
    var at = scene.refs[ref][0];
    return [at.lat, at.lng];
  };
})();
