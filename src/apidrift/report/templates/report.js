(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=severity]"));
  var opInput = document.getElementById("operation-filter");
  var status = document.getElementById("filter-status");
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-section]"));

  function fromHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.has("severity")) {
      var wanted = params.get("severity").split(",");
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.has("operation")) { opInput.value = params.get("operation"); }
  }

  function toHash() {
    var params = new URLSearchParams();
    var sev = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (sev.length !== boxes.length) { params.set("severity", sev.join(",")); }
    if (opInput.value.trim()) { params.set("operation", opInput.value.trim()); }
    var hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file: URLs may refuse */ }
  }

  function apply() {
    var sev = {};
    boxes.forEach(function (b) { sev[b.value] = b.checked; });
    var op = opInput.value.trim().toLowerCase();
    var shown = 0, total = 0;
    sections.forEach(function (section) {
      var rows = section.querySelectorAll("tbody tr");
      var visible = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var s = row.getAttribute("data-severity");
        var o = (row.getAttribute("data-operation") || "").toLowerCase();
        var show = (!s || sev[s] !== false) && (!op || o.indexOf(op) >= 0);
        row.hidden = !show;
        if (show) { visible += 1; }
      });
      var count = section.querySelector("[data-count]");
      if (count) { count.textContent = visible === rows.length ? String(rows.length) : visible + " of " + rows.length; }
      var none = section.querySelector(".no-match");
      if (none) { none.hidden = visible > 0 || rows.length === 0; }
      shown += visible; total += rows.length;
    });
    status.textContent = shown === total ? "showing all " + total + " rows" : "showing " + shown + " of " + total + " rows";
    document.body.setAttribute("data-shown", String(shown));
  }

  function change() { apply(); toHash(); }
  boxes.forEach(function (b) { b.addEventListener("change", change); });
  opInput.addEventListener("input", change);
  document.getElementById("reset-filters").addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = true; });
    opInput.value = "";
    change();
  });
  var expand = document.getElementById("expand-all");
  expand.addEventListener("click", function () {
    var open = expand.textContent === "expand all";
    Array.prototype.forEach.call(document.querySelectorAll("main details"), function (d) { d.open = open; });
    expand.textContent = open ? "collapse all" : "expand all";
  });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });

  fromHash();
  apply();
  document.getElementById("filters").hidden = false;
  document.body.classList.add("js-ready");
})();
