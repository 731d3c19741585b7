// 询问笔录: "Add a question" appends a blank question/answer row from the formset's empty form.
(function () {
  "use strict";
  var button = document.getElementById("qa-add");
  var template = document.getElementById("qa-empty");
  if (!button || !template) return;
  button.addEventListener("click", function () {
    var prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.querySelector("#qa-rows tbody").insertAdjacentHTML("beforeend", html);
    var order = document.getElementById("id_" + prefix + "-" + index + "-ORDER");
    if (order) order.value = index + 1;
    total.value = index + 1;
  });
})();
