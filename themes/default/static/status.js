/* Keeps recruitment pages true after the build: a page built before a round opened or closed
   would otherwise say "upcoming" or "open" forever. Everything it needs is in data attributes
   (instants in RFC 3339, labels from the theme's UI strings); without it the build-time status
   and the dates are shown, and nothing else on the page depends on it.
   - [data-status][data-opens][data-closes]: the status label, and its [data-round] container
     (its [data-round-apply] hidden once closed, or unless open when ="open"; [data-closed-note]);
   - [data-countdown][data-opens][data-closes]: "N days left" / "opens in N days", else hidden;
   - [data-step][data-at]: timeline steps marked done / next. */
(function () {
  "use strict";
  var now = Date.now(), DAY = 864e5, HOUR = 36e5;
  function each(sel, root, fn) {
    var l = (root || document).querySelectorAll(sel);
    for (var i = 0; i < l.length; i++) fn(l[i]);
  }
  function statusOf(el) {
    var o = Date.parse(el.getAttribute("data-opens")), c = Date.parse(el.getAttribute("data-closes"));
    if (isNaN(o) || isNaN(c)) return null;
    return { s: now < o ? "upcoming" : now < c ? "open" : "closed", o: o, c: c };
  }
  function label(el, key, n) {
    return (el.getAttribute("data-label-" + key) || "").replace("{n}", n);
  }

  each("[data-status][data-opens][data-closes]", null, function (el) {
    var st = statusOf(el);
    if (!st || st.s === el.getAttribute("data-status")) return;
    el.setAttribute("data-status", st.s);
    if (el.hasAttribute("data-label-" + st.s)) el.textContent = label(el, st.s);
    var round = el.closest("[data-round]");
    if (!round) return;
    round.setAttribute("data-round", st.s);
    each("[data-round-apply]", round, function (a) {
      a.hidden = st.s === "closed" || (a.getAttribute("data-round-apply") === "open" && st.s !== "open");
    });
    each("[data-closed-note]", round, function (n) { n.hidden = st.s !== "closed"; });
  });

  each("[data-countdown]", null, function (el) {
    var st = statusOf(el), text = "";
    if (st && st.s === "upcoming") text = label(el, "opens", Math.ceil((st.o - now) / DAY));
    else if (st && st.s === "open") {
      var left = st.c - now;
      text = left >= DAY ? label(el, "days", Math.floor(left / DAY)) : label(el, "hours", Math.ceil(left / HOUR));
    }
    el.textContent = text;
    el.hidden = !text;
  });

  var next = null;
  each("[data-step][data-at]", null, function (el) {
    var at = Date.parse(el.getAttribute("data-at"));
    if (isNaN(at)) return;
    var list = el.parentNode, step = at <= now ? "done" : "later";
    if (step === "later" && next !== list) { step = "next"; next = list; }
    el.setAttribute("data-step", step);
    var s = el.querySelector(".step-state");
    if (s) s.textContent = step === "later" ? "" : label(s, step);
  });
})();
