/* liaison's static search. The index (search/meta.json, token shards t-N.json, document chunks
   d-N.json) is written by `liaison build`; this script splits the query with exactly the same
   rules as the Rust tokenizer (src/text.rs: tokenize, fnv1a), loads only the shards of the
   query's tokens and the chunks of the hits, and shows highlighted excerpts. No framework. */
(function (root) {
  "use strict";

  function charClass(u) {
    if ((u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xf900 && u <= 0xfaff) ||
        (u >= 0x3040 && u <= 0x30ff) || (u >= 0xac00 && u <= 0xd7af) || (u >= 0x20000 && u <= 0x2fa1f)) return 1;
    if ((u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x61 && u <= 0x7a)) return 2;
    if (u >= 0xc0 && u <= 0x24f && u !== 0xd7 && u !== 0xf7) return 2;
    if ((u >= 0x370 && u <= 0x3ff) || (u >= 0x400 && u <= 0x4ff)) return 2;
    return 0;
  }

  /* Same as src/text.rs `tokenize`: words of 2+ characters lower-cased; CJK runs as
     overlapping pairs, or the single character for a one-character run. */
  function tokenize(text) {
    var out = [], run = [], cls = 0;
    function flush() {
      if (cls === 2 && run.length >= 2) out.push(run.join("").toLowerCase());
      else if (cls === 1 && run.length === 1) out.push(run[0]);
      else if (cls === 1) for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    for (var ch of String(text)) {
      var k = charClass(ch.codePointAt(0));
      if (k !== cls) { flush(); cls = k; }
      if (k !== 0) run.push(ch);
    }
    flush();
    return out;
  }

  /* FNV-1a, 32 bit, over UTF-8 bytes (src/text.rs `fnv1a`). */
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { tokenize: tokenize, fnv1a: fnv1a };
  }
  if (typeof document === "undefined") return;

  var form = document.querySelector("[data-search]");
  if (!form) return;
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var kindInput = form.querySelector("[name=kind]");
  var results = document.querySelector("[data-search-results]");
  var status = document.querySelector("[data-search-status]");
  var labels = JSON.parse(form.getAttribute("data-labels") || "{}");
  var cache = {};
  var meta = null;

  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r.json();
      });
    }
    return cache[name];
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function excerpt(text, terms) {
    var lower = text.toLowerCase(), at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i]);
    var start = Math.max(0, at < 0 ? 0 : at - 30);
    var piece = text.slice(start, start + 120);
    var html = escapeHtml(piece);
    terms.forEach(function (t) {
      if (!t) return;
      var re = new RegExp(escapeHtml(t).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
      html = html.replace(re, function (m) { return "<mark>" + m + "</mark>"; });
    });
    return (start > 0 ? "…" : "") + html + (start + 120 < text.length ? "…" : "");
  }

  var seq = 0;
  function search() {
    var q = input.value.trim();
    var kind = kindInput ? kindInput.value : "";
    var mine = ++seq;
    var url = new URL(window.location.href);
    if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
    if (kind) url.searchParams.set("kind", kind); else url.searchParams.delete("kind");
    history.replaceState(null, "", url);
    var tokens = tokenize(q);
    if (!tokens.length) { results.innerHTML = ""; status.textContent = ""; return; }
    load("meta.json").then(function (m) {
      meta = m;
      var shards = {};
      tokens.forEach(function (t) { shards[fnv1a(t) % m.shards] = true; });
      return Promise.all(Object.keys(shards).map(function (s) { return load("t-" + s + ".json"); }));
    }).then(function (loaded) {
      var postings = tokens.map(function (t) {
        for (var i = 0; i < loaded.length; i++) if (loaded[i][t]) return loaded[i][t];
        return [];
      });
      postings.sort(function (a, b) { return a.length - b.length; });
      var hits = postings[0].filter(function (d) {
        return postings.every(function (p) { return p.indexOf(d) >= 0; });
      });
      var chunks = {};
      hits.slice(0, 200).forEach(function (d) { chunks[Math.floor(d / meta.chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) {
        return load("d-" + c + ".json").then(function (docs) { return [Number(c), docs]; });
      })).then(function (all) {
        var byChunk = {};
        all.forEach(function (p) { byChunk[p[0]] = p[1]; });
        return hits.slice(0, 200).map(function (d) {
          return byChunk[Math.floor(d / meta.chunk)][d % meta.chunk];
        });
      });
    }).then(function (docs) {
      if (mine !== seq) return;
      var terms = [q.toLowerCase()].concat(q.toLowerCase().split(/\s+/));
      docs = docs.filter(function (d) { return !kind || d[2] === kind; });
      docs.sort(function (a, b) {
        var ta = a[1].toLowerCase().indexOf(terms[0]) >= 0 ? 0 : 1;
        var tb = b[1].toLowerCase().indexOf(terms[0]) >= 0 ? 0 : 1;
        return ta - tb;
      });
      status.textContent = (labels.count || "{n}").replace("{n}", docs.length);
      results.innerHTML = docs.map(function (d) {
        return '<li class="search-hit" data-kind="' + escapeHtml(d[2]) + '">' +
          '<a href="' + escapeHtml(d[0]) + '">' + excerpt(d[1], terms) + "</a>" +
          '<span class="search-meta">' + escapeHtml(labels[d[2]] || d[2]) + (d[3] ? " · " + escapeHtml(d[3]) : "") + "</span>" +
          "<p>" + excerpt(d[5] || d[4], terms) + "</p></li>";
      }).join("");
    }).catch(function (e) {
      if (mine !== seq) return;
      status.textContent = (labels.error || "Search failed") + ": " + e.message;
    });
  }

  var params = new URL(window.location.href).searchParams;
  if (params.get("q")) input.value = params.get("q");
  if (kindInput && params.get("kind")) kindInput.value = params.get("kind");
  var timer;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
  if (kindInput) kindInput.addEventListener("change", search);
  form.addEventListener("submit", function (e) { e.preventDefault(); search(); });
  if (input.value) search();
})(this);
