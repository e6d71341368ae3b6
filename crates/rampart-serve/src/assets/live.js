// Live updates where JavaScript runs: the server sends an event when something changed (new
// rollups, a triage edit, a reload) and the page reloads itself, at most every five seconds and
// never while the user is typing in a form. Without JavaScript the pages are the same, just static.
(function () {
  if (!window.EventSource) return;
  var last = Date.now();
  var source = new EventSource("/events");
  source.onmessage = function () {
    var busy = document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (busy || Date.now() - last < 5000) return;
    last = Date.now();
    window.location.reload();
  };
})();
