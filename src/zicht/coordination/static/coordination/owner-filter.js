// Progressive enhancement of the owner picker of a measure: a search box above the
// list that hides the organisations whose name does not contain what was typed. Without
// JavaScript the list still works (likely owners first, type-ahead of the browser).
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "_filter";
    input.className = "owner-filter";
    input.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = select.dataset.filterLabel;
    var wrap = document.createElement("div");
    wrap.className = "owner-filter-field";
    wrap.appendChild(label);
    wrap.appendChild(input);
    select.parentNode.insertBefore(wrap, select);
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !option.value || !query || fold(option.text).indexOf(query) !== -1;
        option.hidden = !match;
        if (match && option.value && first === null) first = option;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      // Choose the first match while nothing (or a hidden organisation) is chosen.
      var chosen = select.options[select.selectedIndex];
      if (query && first !== null && (!chosen || !chosen.value || chosen.hidden)) {
        select.value = first.value;
      }
    });
  }
  document.querySelectorAll("select[data-owner-filter]").forEach(enhance);
})();
