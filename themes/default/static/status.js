/* Keeps recruitment statuses true after the build: a page built before a round opened or closed
   would otherwise say "upcoming" or "open" forever. Each [data-opens][data-closes] element carries
   the round's instants (RFC 3339) and its labels; nothing else on the page depends on this script. */
(function () {
  "use strict";
  var now = Date.now();
  var els = document.querySelectorAll("[data-opens][data-closes][data-status]");
  for (var i = 0; i < els.length; i++) {
    var el = els[i];
    var opens = Date.parse(el.getAttribute("data-opens"));
    var closes = Date.parse(el.getAttribute("data-closes"));
    if (isNaN(opens) || isNaN(closes)) continue;
    var status = now < opens ? "upcoming" : now < closes ? "open" : "closed";
    if (status === el.getAttribute("data-status")) continue;
    el.setAttribute("data-status", status);
    var label = el.getAttribute("data-label-" + status);
    if (label) el.textContent = label;
    var round = el.closest("[data-round]");
    if (round) {
      round.setAttribute("data-round", status);
      hide(round.querySelectorAll("[data-round-apply]"), status === "closed");
      hide(round.querySelectorAll("[data-closed-note]"), status !== "closed");
    }
  }
  function hide(list, hidden) {
    for (var j = 0; j < list.length; j++) list[j].hidden = hidden;
  }
})();
