// Small behaviours every page may use, without inline scripts (the portal's CSP forbids them).
// <select data-autosubmit>: choosing a value submits its form (the rows-per-page choice of a list).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

// <select data-typeahead="/lookup/url/">: a searchable picker (Tom Select) that asks the portal for matches as
// the user types; the select holds only the chosen options. Without JavaScript it stays a plain select.
function portalTypeAhead(select) {
  if (typeof TomSelect === "undefined" || select.tomselect) { return; }
  var url = select.getAttribute("data-typeahead");
  var language = document.documentElement.lang || "zh-hans";
  var zh = language.indexOf("zh") === 0;
  new TomSelect(select, {
    valueField: "value",
    labelField: "text",
    searchField: ["text"],
    maxOptions: 50,
    preload: "focus",
    loadThrottle: 250,
    plugins: select.multiple ? ["remove_button"] : [],
    load: function (query, callback) {
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (response) { return response.json(); })
        .then(function (data) { callback(data.results); })
        .catch(function () { callback(); });
    },
    render: {
      no_results: function () {
        return '<div class="no-results">' + (zh ? "没有匹配的结果" : "No matches") + "</div>";
      },
      loading: function () {
        return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>';
      }
    }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-typeahead]").forEach(portalTypeAhead);
});

// The bell's unread count (issue 16): read after the page has loaded, so no page pays a query for it.
document.addEventListener("DOMContentLoaded", function () {
  var bell = document.getElementById("nav-bell");
  if (!bell || !bell.dataset.unreadUrl) {
    return;
  }
  fetch(bell.dataset.unreadUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      var badge = document.getElementById("nav-bell-count");
      if (!data || !badge || !data.count) {
        return;
      }
      badge.textContent = data.count;
      badge.classList.remove("d-none");
    })
    .catch(function () {});
});
