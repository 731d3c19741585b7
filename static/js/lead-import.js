// Polls an import batch's progress (supervision:leadimport-progress) and reloads the page when it is done,
// so the server renders the report. No inline script: the CSP allows scripts from the portal only.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.done === "1") {
    return;
  }
  var url = box.dataset.progressUrl;
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
        if (data.done) {
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
