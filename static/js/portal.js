// Small behaviours every page may use, without inline scripts (the portal's CSP forbids them).
// <select data-autosubmit>: choosing a value submits its form (the rows-per-page choice of a list).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
