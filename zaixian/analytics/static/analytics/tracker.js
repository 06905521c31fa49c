/* Zaixian web analytics: one beacon per page view to /analytics/collect. No cookie, no
   storage; nothing is sent when the visitor asks not to be tracked (Do Not Track). */
(function () {
  "use strict";
  var nav = window.navigator;
  if (nav.doNotTrack === "1" || window.doNotTrack === "1") { return; }
  var referrer = document.referrer || "";
  var payload = JSON.stringify({
    site: window.location.hostname,
    path: window.location.pathname + window.location.search,
    title: (document.title || "").slice(0, 200),
    referrer: referrer.slice(0, 2000),
    screen: window.screen ? window.screen.width + "x" + window.screen.height : "",
    language: (nav.language || "").slice(0, 16)
  });
  var url = "/analytics/collect";
  if (nav.sendBeacon && nav.sendBeacon(url, new Blob([payload], {type: "application/json"}))) {
    return;
  }
  if (window.fetch) {
    window.fetch(url, {method: "POST", body: payload, keepalive: true,
      headers: {"Content-Type": "application/json"}, credentials: "omit"});
  }
})();
