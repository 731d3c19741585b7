// The documents list: "select all on this page" for batch printing. No inline script (CSP).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  all.addEventListener("change", function () {
    document.querySelectorAll("input.doc-select").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
