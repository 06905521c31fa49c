// The hotline desk: answer a consultation from the knowledge base and close it directly.
// Choosing an entry copies its answer into the text and records which entry was used.
(function () {
  "use strict";
  var form = document.getElementById("step-close-directly");
  if (!form) { return; }
  var query = document.getElementById("desk-knowledge-query");
  var list = document.getElementById("desk-knowledge");
  var timer = null;
  query.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetch(form.dataset.knowledgeUrl + "?q=" + encodeURIComponent(query.value), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button button-small button-secondary";
            button.textContent = item.question;
            button.addEventListener("click", function () {
              form.elements.namedItem("note").value = item.answer;
              form.elements.namedItem("knowledge_entry").value = String(item.id);
              form.elements.namedItem("note").focus();
            });
            li.appendChild(button);
            li.appendChild(document.createTextNode(" " + item.department));
            list.appendChild(li);
          });
        });
    }, 250);
  });
})();
