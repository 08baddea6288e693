// The inspector's only script: keeps the journal live by polling for rows newer than the newest shown.
// Everything else works without it (the journal then updates on reload).
(function () {
  "use strict";
  var table = document.getElementById("journal-table");
  if (!table || table.dataset.live !== "1") return;
  var body = table.tBodies[0];
  var toggle = document.getElementById("live-toggle");
  var status = document.getElementById("live-status");
  var after = parseInt(table.dataset.after || "0", 10);
  var fresh = 0, timer = null, MAX_ROWS = 200, PERIOD = 1500;

  function poll() {
    var url = table.dataset.rowsUrl + (table.dataset.rowsUrl.indexOf("?") < 0 ? "?" : "&") + "after=" + after;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        var last = parseInt(response.headers.get("X-Last-Seq") || "0", 10);
        return response.text().then(function (html) { return {html: html, last: last}; });
      })
      .then(function (result) {
        if (result.html.trim()) {
          var holder = document.createElement("tbody");
          holder.innerHTML = result.html;
          var rows = Array.prototype.slice.call(holder.rows);
          rows.reverse().forEach(function (row) {
            row.classList.add("fresh");
            body.insertBefore(row, body.firstChild);
          });
          fresh += rows.length;
          while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
          var empty = document.getElementById("journal-empty");
          if (empty) empty.remove();
          if (status) status.textContent = fresh + " new since the page loaded";
        }
        if (result.last > after) after = result.last;
      })
      .catch(function (error) { if (status) status.textContent = "Live updates paused: " + error.message; })
      .then(schedule);
  }
  function schedule() {
    timer = null;
    if (!toggle || toggle.checked) timer = window.setTimeout(poll, PERIOD);
  }
  if (toggle) toggle.addEventListener("change", function () {
    if (toggle.checked && timer === null) poll();
    if (status) status.textContent = toggle.checked ? "" : "Paused";
  });
  schedule();
})();
