// The operator's console: as the operator types, show the caller's earlier cases, likely
// duplicates and suggested departments; search the knowledge base; Ctrl+Enter registers.
(function () {
  "use strict";
  var form = document.getElementById("hotline-console");
  if (!form) { return; }
  var timer = null;

  function field(name) { return form.elements.namedItem(name); }

  function fill(listId, items, render) {
    var list = document.getElementById(listId);
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.textContent = "—";
      list.appendChild(empty);
      return;
    }
    items.forEach(function (item) { list.appendChild(render(item)); });
  }

  function link(item, text) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = item.url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = item.tracking_number;
    li.appendChild(a);
    li.appendChild(document.createTextNode(" " + text));
    return li;
  }

  function lookup() {
    var params = new URLSearchParams({
      phone: field("caller_phone").value,
      content: field("content").value,
      address: field("caller_address").value,
      area: field("area").value,
      category: field("category").value
    });
    fetch(form.dataset.lookupUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        fill("console-history", data.history, function (item) {
          return link(item, item.received + " " + item.kind + " · " + item.category + " · " + item.state + " — " + item.summary);
        });
        fill("console-duplicates", data.duplicates, function (item) {
          return link(item, item.state + " — " + item.summary);
        });
        fill("console-suggestions", data.suggestions, function (item) {
          var li = document.createElement("li");
          li.textContent = item.name;
          return li;
        });
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 250);
  }

  ["caller_phone", "content", "caller_address", "area", "category"].forEach(function (name) {
    var element = field(name);
    if (element) {
      element.addEventListener("input", schedule);
      element.addEventListener("change", schedule);
    }
  });

  var query = document.getElementById("knowledge-query");
  var knowledgeTimer = null;
  query.addEventListener("input", function () {
    window.clearTimeout(knowledgeTimer);
    knowledgeTimer = window.setTimeout(function () {
      fetch(form.dataset.knowledgeUrl + "?q=" + encodeURIComponent(query.value), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          fill("console-knowledge", data.results, function (item) {
            var li = document.createElement("li");
            var strong = document.createElement("strong");
            strong.textContent = item.question;
            li.appendChild(strong);
            li.appendChild(document.createTextNode(" (" + item.department + ") " + item.answer));
            return li;
          });
        });
    }, 250);
  });

  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  if (field("caller_phone")) { field("caller_phone").focus(); }
})();
