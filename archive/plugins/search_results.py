"""Readable results on datasette-search-all's "search all tables" page.

The plugin shows every column of each matching row, which for articles means whole texts
stretching each result over a screen. This script keeps the columns a reader scans (title,
site, section, published) and turns the id and the title into links to the article page. It
acts only on result tables that have a ``text`` column, builds DOM nodes (no HTML strings),
and the page works as the plugin made it when JavaScript is off.
"""

from __future__ import annotations

from datasette import hookimpl

SCRIPT = """
(function () {
  var results = document.getElementById("search-all-results");
  if (!results) { return; }
  var keep = ["id", "title", "site", "section", "published"];
  function trim(table) {
    var heads = Array.prototype.map.call(table.rows[0].cells, function (c) {
      return c.textContent.trim();
    });
    if (heads.indexOf("text") < 0 || table.dataset.trimmed) { return; }
    table.dataset.trimmed = "1";
    var base = table.parentNode.parentNode.querySelector("h2 a").getAttribute("href").split("?")[0];
    var idAt = heads.indexOf("id");
    Array.prototype.forEach.call(table.rows, function (row, r) {
      var id = r > 0 && idAt >= 0 ? row.cells[idAt].textContent.trim() : null;
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (keep.indexOf(heads[i]) < 0) { cell.style.display = "none"; }
        if (id && (heads[i] === "id" || heads[i] === "title")) {
          var link = document.createElement("a");
          link.href = base + "/" + encodeURIComponent(id);
          link.textContent = cell.textContent.trim();
          cell.textContent = "";
          cell.appendChild(link);
        }
      });
    });
  }
  new MutationObserver(function () {
    results.querySelectorAll("table").forEach(trim);
  }).observe(results, {childList: true, subtree: true});
})();
"""


@hookimpl
def extra_body_script(template: str) -> str | None:
    return SCRIPT if template == "search_all.html" else None
