// Lianxin's service worker for the phone pages (hand-written, no framework). Version {{ version }}.
// It keeps the shell (style, scripts, icons), the form pages and their reference data, so that a page opens
// without a signal. It never touches a POST: the page's own queue (offline.js) keeps and sends the forms.
"use strict";
var VERSION = "{{ version }}";
var PREFIX = "{{ prefix|default:'lianxin-phone-'|escapejs }}";  // each worker clears only its own old caches
var CACHE = PREFIX + VERSION;
var SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// The pages kept for offline use: a town's form, the agent's and the observer's; and their reference data.
{% if page %}var PAGE = new RegExp("{{ page|escapejs }}");
var DATA = new RegExp("{{ data|escapejs }}");{% else %}var PAGE = /^\/m\/[^\/]+\/$/;
var DATA = /^\/m\/[^\/]+\/offline\.json$/;{% endif %}
var WAIT_MS = 6000;  // on a weak signal, a kept page is shown rather than waiting for ever

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

// The network first (fresh choices, a fresh form); the kept copy when there is no signal or it is too slow.
function networkFirst(request, ignoreSearch) {
  // Django varies its pages by Cookie and Accept-Language: the phone's copy is for this phone, match it all the same.
  return caches.match(request, { ignoreSearch: ignoreSearch, ignoreVary: true }).then(function (kept) {
    var network = fetch(request).then(function (response) { return keep(request, response); });
    if (!kept) { return network; }
    var slow = new Promise(function (resolve) { setTimeout(function () { resolve(kept); }, WAIT_MS); });
    return Promise.race([network.catch(function () { return kept; }), slow]);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(request, true));
  } else if (DATA.test(url.pathname)) {
    event.respondWith(networkFirst(request, false));
  } else if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || fetch(request).then(function (response) { return keep(request, response); });
    }));
  }
});

// The page asks to keep itself and its data right after the first visit (before the worker controlled it).
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  urls = urls.filter(function (u) {
    var path = new URL(u, self.location.origin).pathname;
    return PAGE.test(path) || DATA.test(path);
  });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(u, response); }
      }).catch(function () {});
    }));
  }));
});
