/* Runs in <head> before the first paint: marks that JS works and applies the reading aids the
   visitor chose earlier (font size, elder mode, article text size), kept in localStorage. */
(function () {
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  try {
    var font = localStorage.getItem("zx-font");
    if (font) root.setAttribute("data-font", font);
    if (localStorage.getItem("zx-elder") === "1") root.classList.add("elder");
    var size = localStorage.getItem("zx-article-size");
    if (size) root.setAttribute("data-article-size", size);
  } catch (e) {
    /* Storage may be blocked (private mode): the page simply keeps its defaults. */
  }
})();
