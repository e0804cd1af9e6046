/* carbonwall: the focus (URL, map click, breadcrumb, kiosk rotation) decided in the browser. */
(function () {
  "use strict";
  var CODE = /^\d{6}$/;
  /* what ?region= may hold: a region code, or a park's code (its card opens on its county) */
  var ADDRESS = /^[A-Za-z0-9_-]{1,32}$/;
  window.cwLastInteraction = 0;
  ["pointerdown", "keydown", "wheel", "touchstart"].forEach(function (type) {
    window.addEventListener(type, function () { window.cwLastInteraction = Date.now(); },
      { capture: true, passive: true });
  });

  function scale() {
    return Math.round(Math.min(window.innerWidth / 1920, window.innerHeight / 1080) * 100) / 100 || 1;
  }

  function regionFromSearch(search, root) {
    var params = new URLSearchParams(search || "");
    var code = params.get("region");
    return code && ADDRESS.test(code) ? code : root;
  }

  function searchFor(code, page, search) {
    var params = new URLSearchParams(search || "");
    if (code === page.root) { params.delete("region"); } else { params.set("region", code); }
    var text = params.toString();
    return text ? "?" + text : "";
  }

  /* A drill-down redraws the map under a still mouse: drop the hover box of the old region
     now and once the new figure is drawn, else it stays over the new map; not once the mouse
     has moved again (that hover is a new one, and the next click needs it). */
  window.cwLastPointer = 0;
  window.addEventListener("pointermove", function () { window.cwLastPointer = Date.now(); },
    { capture: true, passive: true });
  function unhoverMap() {
    var since = Date.now();
    function drop() {
      if (window.cwLastPointer > since) { return; }
      var graph = document.querySelector("#map-graph .js-plotly-plot");
      if (graph && window.Plotly && window.Plotly.Fx) { window.Plotly.Fx.unhover(graph); }
    }
    drop();
    setTimeout(drop, 300);
  }

  function focus(search, clickData, crumbClicks, kioskTicks, page, current) {
    var nu = window.dash_clientside.no_update;
    var ctx = window.dash_clientside.callback_context;
    var trig = ctx.triggered_id;
    var s = scale();
    var code = null;
    if (!current || trig === undefined || trig === null || trig === "url") {
      code = regionFromSearch(search, page.root);
      if (current && current.code === code) { return [nu, nu]; }
      return [{ code: code, s: s }, nu];
    }
    if (trig === "map-graph") {
      var pt = clickData && clickData.points && clickData.points[0];
      /* only the coloured regions (trace 0) drill down: not the grey ones without data */
      code = pt && !pt.curveNumber && typeof pt.location === "string" ? pt.location : null;
      if (!code || !CODE.test(code) || code === current.code) { return [nu, nu]; }
    } else if (typeof trig === "object" && trig.type === "crumb") {
      var clicked = (ctx.triggered || []).some(function (t) { return t.value; });
      if (!clicked) { return [nu, nu]; }
      code = trig.code;
    } else if (trig === "kiosk-interval") {
      if (Date.now() - window.cwLastInteraction < page.resume_ms) { return [nu, nu]; }
      var views = page.views || [page.root];
      var at = views.indexOf(current.code);
      code = views[(at + 1) % views.length];
      if (code === current.code) { return [nu, nu]; }
    } else {
      return [nu, nu];
    }
    unhoverMap();
    return [{ code: code, s: current.s || s }, searchFor(code, page, search)];
  }

  /* Fetch the layers a click on this map may need next, one at a time while the browser is
     idle, into plotly's own GeoJSON cache: the drill-down then draws without a round trip. */
  var queue = [];
  function pump() {
    var url = queue.shift();
    if (!url) { return; }
    var assets = window.PlotlyGeoAssets;
    if (!assets || assets[url]) { schedule(); return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) { if (doc && !assets[url]) { assets[url] = doc; } })
      .catch(function () { /* a missed prefetch only means a normal fetch later */ })
      .then(schedule);
  }
  function schedule() {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
    idle(pump, { timeout: 2000 });
  }
  function prefetch(figure) {
    unhoverMap();
    var urls = figure && figure.layout && figure.layout.meta && figure.layout.meta.prefetch;
    if (Array.isArray(urls)) {
      var idle = queue.length === 0;
      queue = urls.slice();
      if (idle) { setTimeout(schedule, 1500); }
    }
    return window.dash_clientside.no_update;
  }

  /* A click on a park marker picks the park (its card replaces the region's); a new focus
     drops the pick. Parks never drill further. */
  function pick(clickData, focusData, current, figure) {
    var nu = window.dash_clientside.no_update;
    var trig = window.dash_clientside.callback_context.triggered_id;
    if (trig === "focus-store") { return current ? null : nu; }
    var pt = clickData && clickData.points && clickData.points[0];
    var trace = pt && figure && figure.data && figure.data[pt.curveNumber];
    if (!trace || trace.meta !== "parks" || typeof pt.customdata !== "string") { return nu; }
    var at = focusData && focusData.code;
    if (current && current.park === pt.customdata && current.at === at) { return nu; }
    return { park: pt.customdata, at: at };
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.carbonwall = { focus: focus, prefetch: prefetch, pick: pick };
})();
