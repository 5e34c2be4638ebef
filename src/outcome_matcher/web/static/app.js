// Keyboard shortcuts (a/p/r decide, j/k move, u undo), live ad-hoc search and the home page's
// index progress; no build step.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var el = document.querySelector('[data-key="' + event.key + '"]');
    if (!el || el.disabled || el.closest("fieldset[disabled]")) return;
    event.preventDefault();
    el.click();
  });

  // Enter in the reason field submits the verdict the server asked a reason for, if any.
  var decide = document.getElementById("decide-form");
  var reason = document.getElementById("reason");
  if (decide && reason) {
    reason.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var pending = decide.dataset.pending;
      var button = pending && decide.querySelector('button[value="' + pending + '"]');
      if (button) button.click();
    });
  }

  // The home page's notice of indexes being built: reloaded every few seconds until done.
  var indexStatus = document.getElementById("index-status");
  function building() {
    return indexStatus.querySelector('[data-state="queued"], [data-state="building"]');
  }
  function pollIndex() {
    if (!building()) return;
    fetch("/index-status", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { indexStatus.innerHTML = html; })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { if (building()) setTimeout(pollIndex, 3000); });
  }
  if (indexStatus) setTimeout(pollIndex, 3000);

  var form = document.getElementById("search-form");
  var results = document.getElementById("search-results");
  if (!form || !results) return;
  var timer = null;
  var latest = 0;
  function run() {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("text").trim()) return;
    params.set("fragment", "true");
    var ticket = ++latest;
    fetch("/search?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (ticket !== latest) return;
        results.innerHTML = html;
        params.delete("fragment");
        history.replaceState(null, "", "/search?" + params.toString());
      })
      .catch(function () { /* the submit button still works without script */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 500);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.submit(); }
  });
})();
