// Progress of a background job (a lead import, a print batch): polls the JSON status URL of each element
// marked data-job-progress and reloads the page once the job is finished, so the server renders the result.
//   data-status-url    the JSON to poll (same origin)
//   data-finished      "1" when the page was rendered for a finished job: nothing to poll
//   data-finished-key  the JSON key that is true once the job is finished ("done", "finished")
// Elements inside with data-field="key" show data[key]; a <progress> takes it as its value.
// No inline script: the CSP allows the portal's own scripts only.
(function () {
  "use strict";
  function show(box, data) {
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
  function watch(box) {
    var url = box.dataset.statusUrl;
    var finishedKey = box.dataset.finishedKey || "finished";
    if (!url || box.dataset.finished === "1") {
      return;
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
          show(box, data);
          if (data[finishedKey]) {
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
  }
  document.querySelectorAll("[data-job-progress]").forEach(watch);
})();
