// Live check: POST the draft to /v1/check/message a moment after the user stops typing,
// then highlight the findings' spans behind the textarea and list them beside it.
// Everything the user typed reaches the page through textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  if (!form || !window.fetch) return;
  var textarea = document.getElementById("text");
  var backdrop = document.getElementById("backdrop");
  var verdictEl = document.getElementById("verdict");
  var list = document.getElementById("findings");
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var DELAY_MS = 250;
  var timer = null;
  var latest = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function requestBody() {
    var body = { text: textarea.value, channel: document.getElementById("channel").value };
    var scope = document.getElementById("scope").value;
    var kind = scope.split(":")[0], value = scope.slice(kind.length + 1);
    if (kind === "jurisdiction") body.jurisdiction = value;
    if (kind === "pack") body.packs = [value];
    return body;
  }

  var RANK = { info: 0, warning: 1, error: 2 };

  // Spans are code-point offsets; JavaScript strings index UTF-16 code units, so cut
  // the text as an array of code points (an emoji is one element, not two).
  function renderBackdrop(text, findings) {
    var points = Array.from(text);
    var cuts = [0, points.length];
    findings.forEach(function (f) {
      if (f.span && f.span.start < f.span.end) cuts.push(f.span.start, f.span.end);
    });
    cuts = cuts.filter(function (c, i) { return c >= 0 && c <= points.length && cuts.indexOf(c) === i; })
               .sort(function (a, b) { return a - b; });
    backdrop.textContent = "";
    for (var k = 0; k + 1 < cuts.length; k++) {
      var start = cuts[k], end = cuts[k + 1];
      var piece = points.slice(start, end).join("");
      var covering = [];
      findings.forEach(function (f, i) {
        if (f.span && f.span.start < f.span.end && f.span.start <= start && end <= f.span.end) covering.push(i);
      });
      if (!covering.length) { backdrop.appendChild(document.createTextNode(piece)); continue; }
      var worst = covering.reduce(function (w, i) {
        return RANK[findings[i].severity] > RANK[w] ? findings[i].severity : w;
      }, "info");
      var mark = el("mark", "sev-" + worst, piece);
      mark.dataset.findings = covering.join(" ");
      backdrop.appendChild(mark);
    }
    backdrop.appendChild(document.createElement("br"));
    syncScroll();
  }

  function renderFindings(findings) {
    list.textContent = "";
    findings.forEach(function (f, i) {
      var item = el("li", "finding sev-" + f.severity);
      item.id = "finding-" + i;
      var head = el("div", "finding-head");
      head.appendChild(el("span", "badge", strings["severity_" + f.severity] || f.severity));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("code", null, f.rule));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("q", "matched", f.matched ? f.matched : strings.whole_message));
      item.appendChild(head);
      item.appendChild(el("p", "message", f.message));
      if (f.citation) item.appendChild(el("p", "citation", strings.citation + ": " + f.citation));
      if (f.suggestion) item.appendChild(el("p", "suggestion", strings.suggestion + ": " + f.suggestion));
      list.appendChild(item);
    });
  }

  function showVerdict(verdict, message) {
    verdictEl.className = "verdict verdict-" + (verdict || "none");
    verdictEl.textContent = message || strings["verdict_" + (verdict || "none")];
  }

  function check() {
    var body = requestBody();
    var sequence = ++latest;
    if (!body.text) {
      renderBackdrop("", []); renderFindings([]); showVerdict(null);
      return;
    }
    var headers = { "Content-Type": "application/json" };
    headers[form.dataset.uiTokenHeader] = form.dataset.uiToken;
    fetch(form.dataset.api, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        // Only the answer for what the textarea holds now may paint the highlights.
        if (sequence !== latest || textarea.value !== body.text) return;
        if (!answer.ok) {
          renderBackdrop(body.text, []); renderFindings([]);
          showVerdict(null, strings.request_failed + ": " + (answer.data.detail || answer.data.title || ""));
          return;
        }
        renderBackdrop(body.text, answer.data.findings);
        renderFindings(answer.data.findings);
        showVerdict(answer.data.verdict);
      })
      .catch(function () {
        if (sequence === latest) showVerdict(null, strings.request_failed);
      });
  }

  function schedule() {
    clearTimeout(timer);
    // Stale highlights would sit under the wrong characters while the user types.
    if (backdrop.querySelector("mark")) renderBackdrop(textarea.value, []);
    timer = setTimeout(check, DELAY_MS);
  }

  function syncScroll() {
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.style.height = textarea.offsetHeight + "px";
  }

  textarea.addEventListener("input", schedule);
  textarea.addEventListener("scroll", syncScroll);
  window.addEventListener("resize", syncScroll);
  if (window.ResizeObserver) new ResizeObserver(syncScroll).observe(textarea);
  document.getElementById("channel").addEventListener("change", check);
  document.getElementById("scope").addEventListener("change", check);
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); check(); });
  syncScroll();
})();
