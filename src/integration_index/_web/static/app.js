// integration-index serve: the one script. It asks the server for the score card of the answers
// on the page (not yet saved) and shows it; the page works without it (save, then the card).
"use strict";
(function () {
  var form = document.getElementById("answers");
  var card = document.getElementById("card");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!form || !card || !meta || !window.fetch) { return; }
  var timer = null;
  var dirty = false;
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    var body = new URLSearchParams(new FormData(form));
    fetch("/preview", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": meta.getAttribute("content") }
    }).then(function (response) {
      // 409: the file changed since the page was opened; the server says so in the card.
      return response.ok || response.status === 409 ? response.text() : null;
    }).then(function (html) {
      if (html === null || mine !== asked) { return; }
      var parsed = new DOMParser().parseFromString(html, "text/html");
      card.replaceChildren.apply(card, Array.prototype.slice.call(parsed.body.childNodes));
      card.setAttribute("data-live", String(mine));
    }).catch(function () { /* offline or stopped: the saved card stays */ });
  }
  function changed() {
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 250);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
