/* Reading aids of the portal: font size A+/A-, elder mode (适老化), article text size, print
   and close. No third-party code; everything degrades to a plain page without JS. */
(function () {
  "use strict";
  var root = document.documentElement;
  var MIN_FONT = -1;
  var MAX_FONT = 4;

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch (e) {
      /* Not persisted when storage is blocked; the change still applies to this page. */
    }
  }

  function fontStep() {
    var step = parseInt(root.getAttribute("data-font") || "0", 10);
    return isNaN(step) ? 0 : step;
  }

  function setFont(step) {
    step = Math.max(MIN_FONT, Math.min(MAX_FONT, step));
    if (step === 0) {
      root.removeAttribute("data-font");
      store("zx-font", null);
    } else {
      root.setAttribute("data-font", String(step));
      store("zx-font", String(step));
    }
  }

  function setArticleSize(size) {
    root.setAttribute("data-article-size", size);
    store("zx-article-size", size === "medium" ? null : size);
    syncButtons();
  }

  function syncButtons() {
    var elder = root.classList.contains("elder");
    document.querySelectorAll('[data-action="elder"]').forEach(function (button) {
      button.setAttribute("aria-pressed", elder ? "true" : "false");
    });
    var size = root.getAttribute("data-article-size") || "medium";
    document.querySelectorAll("[data-article-size]").forEach(function (button) {
      if (button === root) return;
      button.setAttribute("aria-pressed", button.getAttribute("data-article-size") === size ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action], button[data-article-size]");
    if (!target) return;
    if (target.hasAttribute("data-article-size")) {
      setArticleSize(target.getAttribute("data-article-size"));
      return;
    }
    switch (target.getAttribute("data-action")) {
      case "elder":
        var on = !root.classList.contains("elder");
        root.classList.toggle("elder", on);
        store("zx-elder", on ? "1" : null);
        syncButtons();
        break;
      case "font-up":
        setFont(fontStep() + 1);
        break;
      case "font-down":
        setFont(fontStep() - 1);
        break;
      case "font-reset":
        setFont(0);
        break;
      case "print":
        window.print();
        break;
      case "close":
        window.close();
        break;
    }
  });

  /* Today's date in the top bar: the page may be a static copy published days ago (or a
     cached one from before midnight), so the server's date is only the no-JS fallback. */
  function showToday() {
    var line = document.querySelector(".topbar__date");
    if (!line || !window.Intl) return;
    try {
      var lang = root.getAttribute("lang") || "zh-hans";
      var now = new Date();
      var day = new Intl.DateTimeFormat(lang, {
        year: "numeric", month: "long", day: "numeric", timeZone: "Asia/Shanghai"
      }).format(now);
      var weekday = new Intl.DateTimeFormat(lang, {
        weekday: "long", timeZone: "Asia/Shanghai"
      }).format(now);
      line.textContent = day + " " + weekday;
    } catch (e) {
      /* An old browser without time zones keeps the server's date. */
    }
  }

  document.addEventListener("DOMContentLoaded", syncButtons);
  document.addEventListener("DOMContentLoaded", showToday);
})();
