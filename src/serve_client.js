/* liaison serve: live reload. Injected into HTML by the dev server only, never written to disk. */
(function () {
  "use strict";
  var KEY = "liaison-scroll";
  try {
    var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && saved.path === location.pathname) {
      sessionStorage.removeItem(KEY);
      window.addEventListener("load", function () { window.scrollTo(saved.x, saved.y); });
    }
  } catch (e) { /* private mode: no scroll restore */ }

  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "liaison-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);" +
        "color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    // The text comes from liaison in the site's language, headline included.
    overlay.textContent = text;
  }
  function hideError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var source = new EventSource("/__liaison/events");
  source.addEventListener("reload", function () {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  });
  source.addEventListener("css", function () {
    hideError();
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("liaison-reload", String(Date.now()));
      links[i].href = url.toString();
    }
    window.__liaisonCssSwaps = (window.__liaisonCssSwaps || 0) + 1;
  });
  source.addEventListener("build-error", function (e) { showError(e.data); });
})();
