// Import progress: poll the run's status and reload the page when it has finished.
// (A static file because the Content-Security-Policy forbids inline scripts.)
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector(".progress-bar");
  var text = document.getElementById("import-progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { setTimeout(poll, 5000); return; }
        if (s.finished) { window.location.reload(); return; }
        bar.style.width = s.percent + "%";
        bar.setAttribute("aria-valuenow", s.percent);
        bar.textContent = s.percent + "%";
        if (text) { text.textContent = s.phase + " · " + s.processed + " / " + s.total; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
}());
