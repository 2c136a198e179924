// crossfoot HTML report: inlined into the page by src/report/html.rs. The marks are in the HTML;
// this only opens a marked cell's findings in a panel and outlines the cells they name.
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  var body = panel.querySelector(".body");

  function clearFocus() {
    document.querySelectorAll(".focus").forEach(function (e) {
      e.classList.remove("focus");
    });
  }

  function show(cell) {
    clearFocus();
    body.textContent = "";
    var where = document.createElement("p");
    where.className = "where";
    where.textContent = [cell.dataset.table, cell.dataset.row, cell.dataset.column]
      .filter(function (part) { return part; })
      .join(" · ");
    body.appendChild(where);
    var list = document.createElement("ol");
    list.className = "findings";
    body.appendChild(list);
    cell.dataset.finding.split(" ").forEach(function (index) {
      var item = document.getElementById("f-" + index);
      if (!item) { return; }
      item.classList.add("focus");
      var copy = item.cloneNode(true);
      copy.removeAttribute("id");
      copy.classList.remove("focus");
      list.appendChild(copy);
      document.querySelectorAll('[data-finding~="' + index + '"]').forEach(function (e) {
        e.classList.add("focus");
      });
    });
    panel.hidden = false;
  }

  function hide() {
    panel.hidden = true;
    clearFocus();
  }

  document.addEventListener("click", function (event) {
    var cell = event.target.closest("[data-finding]");
    if (cell) { show(cell); return; }
    if (event.target.closest("#panel .close")) { hide(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); return; }
    var cell = event.target.closest && event.target.closest("[data-finding]");
    if (cell && event.key === "Enter") { show(cell); }
  });
  // A link of the list of findings leads to a cell: open the cell's findings there.
  function follow() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.dataset.finding) {
      var details = target.closest("details");
      if (details) { details.open = true; }
      show(target);
    }
  }
  window.addEventListener("hashchange", follow);
  follow();
  document.documentElement.setAttribute("data-ready", "");
})();
