// Polls a print batch's progress (enforcement:printbatch-status) and reloads the page once the batch is
// finished, so the server renders the download link. No inline script: the CSP allows the portal's own only.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var url = box.dataset.statusUrl;
  function show(data) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var key = el.dataset.field;
      if (!(key in data)) {
        return;
      }
      if (el.tagName === "PROGRESS") {
        el.value = data[key];
        el.textContent = data[key] + " %";
      } else {
        el.textContent = data[key];
      }
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 500);
})();
