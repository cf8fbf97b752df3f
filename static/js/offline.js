// Lianxin phone pages: keep a form on the phone when there is no signal, and send it when the signal returns.
//
// Every form sent from a page with <form data-offline> is first stored in the phone's IndexedDB, with all its
// fields and files (photos, a voice note: any <input type=file>) as Blobs, under a key made on the phone
// (the form's intake_key). Then the queue sends the stored forms in the order they were filled, each with
// its own key: the server makes one demand per key, so a form sent twice (a dropped answer, a reload, two
// tabs) is still one demand. A form the server refuses (4xx) stays on the phone with the reason, for the
// person to fix; one that met no network, a busy server or a rate limit waits and is tried again.
// Before sending, a fresh CSRF token is fetched: a form kept for hours must not fail on a stale one.
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline]");
  var box = document.querySelector("[data-queue]");
  if (!form || !box || !window.indexedDB || !window.fetch || !window.FormData) { return; }
  var msg = box.dataset;
  // the attribute, not form.action: a field named "action" (which button was pressed) hides the property
  var ACTION = new URL(form.getAttribute("action") || location.href, location.href).href;
  var PAGE = new URL(ACTION).pathname;
  var DB = "lianxin-offline", STORE = "forms";
  // a form with a prefix ("record-intake_key") is the same
  var keyInput = form.querySelector("input[name=intake_key], input[name$='-intake_key']");
  var filedInput = form.querySelector("input[name=filed_at], input[name$='-filed_at']");
  var reference = { categories: [], cells: [] };
  var lastToken = "";

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // A page opened from the phone's copy carries an old key: every fill gets its own, made here.
  if (keyInput) { keyInput.value = newKey(); }

  // --- IndexedDB ------------------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function run(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(out && "result" in out ? out.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }
  function put(item) { return run("readwrite", function (s) { s.put(item); }); }
  function drop(key) { return run("readwrite", function (s) { s.delete(key); }); }
  function mine() {
    return run("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (i) { return i.page === PAGE; }).sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  // --- the list on screen ---------------------------------------------------------------------------
  var list = box.querySelector("[data-queue-list]");
  var count = box.querySelector("[data-queue-count]");
  var notice = document.querySelector("[data-queue-notice]");
  function say(text) { if (notice) { notice.textContent = text || ""; notice.hidden = !text; } }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function nameOf(kind, id, fallback) {
    var found = (reference[kind] || []).filter(function (x) { return String(x.id) === String(id); })[0];
    return found ? found.name : fallback || "";
  }
  function stateText(item) {
    if (item.state === "sent") { return fill(msg.msgSent, { code: item.code }); }
    if (item.state === "sending") { return msg.msgSending; }
    if (item.state === "failed") { return fill(msg.msgFailed, { reason: item.message || "" }); }
    return msg.msgSaved + (item.message ? " · " + item.message : "");
  }
  function button(text, action, key) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "secondary"; b.textContent = text;
    b.dataset.action = action; b.dataset.key = key;
    return b;
  }
  function render() {
    return mine().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "saved" || i.state === "sending"; }).length;
      box.hidden = items.length === 0;
      count.textContent = fill(msg.msgCount, { n: waiting });
      count.dataset.waiting = String(waiting);
      if (!waiting) { say(""); }  // "saved on this phone" is no longer true
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.state = item.state; li.dataset.key = item.key;
        if (item.code) { li.dataset.code = item.code; }
        var what = document.createElement("b");
        what.textContent = [nameOf("categories", item.category, item.categoryText), item.summary].filter(Boolean).join(" · ");
        var when = document.createElement("small");
        when.textContent = " " + new Date(item.filedAt).toLocaleString();
        var state = document.createElement("p");
        state.className = "queue-state"; state.dataset.status = ""; state.textContent = stateText(item);
        li.append(what, when, state);
        if (item.state === "sent" && item.url) {
          var a = document.createElement("a"); a.href = item.url; a.textContent = msg.msgReceipt; li.append(a);
        }
        if (item.state === "failed") { li.append(button(msg.msgFix, "fix", item.key)); }
        if (item.state !== "sending") { li.append(button(msg.msgDelete, "delete", item.key)); }
        list.append(li);
      });
    });
  }
  list.addEventListener("click", function (event) {
    var b = event.target.closest("button[data-action]");
    if (!b) { return; }
    run("readonly", function (s) { return s.get(b.dataset.key); }).then(function (item) {
      if (!item) { return render(); }
      if (b.dataset.action === "delete") {
        if (item.state !== "sent" && !window.confirm(msg.msgConfirm)) { return; }
        return drop(item.key).then(render);
      }
      restore(item);
      return drop(item.key).then(render).then(function () { form.scrollIntoView(); });
    });
  });

  // Put a refused form back in the page for the person to fix (files too, through a DataTransfer).
  function restore(item) {
    form.reset();
    var files = {};
    item.fields.forEach(function (f) {
      if (f.file) { (files[f.name] = files[f.name] || []).push(new File([f.file], f.filename || "file", { type: f.type })); return; }
      var el = form.elements[f.name];
      if (!el) { return; }
      if (el.type === "checkbox") { el.checked = true; }
      else if (el instanceof RadioNodeList) { Array.prototype.forEach.call(el, function (r) { r.checked = r.value === f.value; }); }
      else if (el.type !== "file") { el.value = f.value; }
    });
    Object.keys(files).forEach(function (name) {
      var input = form.querySelector("input[type=file][name='" + name + "']");
      if (!input || !window.DataTransfer) { return; }
      var dt = new DataTransfer();
      files[name].forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.dataset.filedAt = item.filedAt;
    showErrors(item.errors, item.message);
  }
  function showErrors(errors, message) {
    var old = form.querySelector("[data-queue-errors]");
    if (old) { old.remove(); }
    if (!message && !errors) { return; }
    var div = document.createElement("div");
    div.className = "form-errors"; div.setAttribute("role", "alert"); div.dataset.queueErrors = "";
    var p = document.createElement("p"); p.className = "error"; p.textContent = message || ""; div.append(p);
    Object.keys(errors || {}).forEach(function (label) {
      var e = document.createElement("p"); e.className = "error"; e.textContent = label + "：" + errors[label].join(" "); div.append(e);
    });
    form.prepend(div);
  }

  // --- sending --------------------------------------------------------------------------------------
  function token() {
    return fetch(box.dataset.csrf, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error("csrf " + r.status); } return r.json(); })
      .then(function (d) { lastToken = d.token; return d.token; });
  }
  function body(item, csrf) {
    var data = new FormData();
    item.fields.forEach(function (f) {
      if (f.file) { data.append(f.name, f.file, f.filename || "file"); } else { data.append(f.name, f.value); }
    });
    data.set("csrfmiddlewaretoken", csrf);
    return data;
  }
  // The server's reasons, field by field ("Name of the person: write the name…"), else its message.
  function reasons(data) {
    if (!data) { return ""; }
    var errors = data.errors || {};
    var each = Object.keys(errors).map(function (label) { return label + "：" + errors[label].join(" "); });
    return each.join("；") || data.message || "";
  }
  // One pass over the waiting forms, oldest first. Stops at the first that meets no network or must wait.
  var WEEK = 7 * 24 * 3600 * 1000;
  function sendAll() {
    return mine().then(function (items) {
      // a sent one stays on the list a week (its code, its receipt), then goes
      return Promise.all(items.filter(function (i) { return i.state === "sent" && Date.now() - i.sentAt > WEEK; })
        .map(function (i) { return drop(i.key); })).then(function () { return items; });
    }).then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "saved" || i.state === "sending"; });
      if (!waiting.length) { return; }
      return token().then(function (csrf) {
        var stop = false;
        return waiting.reduce(function (chain, item) {
          return chain.then(function () {
            if (stop) { return; }
            item.state = "sending"; item.message = "";
            return put(item).then(render).then(function () {
              return fetch(item.action, {
                method: "POST", body: body(item, csrf), credentials: "same-origin", redirect: "manual",
                headers: { "X-Lianxin-Queue": "1", "X-CSRFToken": csrf, Accept: "application/json" },
              });
            }).then(function (r) {
              var json = (r.headers.get("Content-Type") || "").indexOf("json") !== -1;
              return (json ? r.json().catch(function () { return null; }) : Promise.resolve(null)).then(function (data) {
                if (r.ok && data && data.code) {
                  item.state = "sent"; item.code = data.code; item.url = data.url; item.fields = []; item.sentAt = Date.now();
                } else if (r.type === "opaqueredirect" || r.status === 401) {
                  item.state = "saved"; item.message = msg.msgSignIn; stop = true;
                } else if (r.status === 429 || r.status === 409 || r.status >= 500) {
                  item.state = "saved"; item.message = (data && data.message) || msg.msgLater; stop = true;
                } else {
                  item.state = "failed";
                  item.message = reasons(data) || fill(msg.msgRefused, { status: r.status });
                  item.errors = data && data.errors;
                }
                return put(item);
              });
            }, function () {  // no network: it waits on the phone
              item.state = "saved"; item.message = msg.msgNoSignal; stop = true;
              return put(item);
            });
          });
        }, Promise.resolve());
      }, function () {  // not even the token came: no network, every form waits
        return Promise.all(waiting.map(function (i) { i.state = "saved"; i.message = msg.msgNoSignal; return put(i); }));
      });
    }).then(render);
  }
  var running = null, again = false;
  function flush() {
    if (running) { again = true; return running; }
    function once() {
      again = false;
      var pass = navigator.locks ? navigator.locks.request("lianxin-queue", sendAll) : sendAll();
      return pass.then(function () { if (again) { return once(); } });
    }
    running = once().catch(function () {}).then(function () { running = null; });
    return running;
  }

  // --- the form -------------------------------------------------------------------------------------
  function snapshot() {
    // the time the person told it: now, or when a form put back to be fixed was first filled
    if (filedInput) { filedInput.value = form.dataset.filedAt || new Date().toISOString(); }
    delete form.dataset.filedAt;
    var data = new FormData(form), fields = [], reads = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (typeof value === "string") { fields.push({ name: name, value: value }); return; }
      if (!value.size && !value.name) { return; }  // a file input left empty
      var entry = { name: name, filename: value.name, type: value.type };
      fields.push(entry);
      reads.push(value.arrayBuffer().then(function (bytes) { entry.file = new Blob([bytes], { type: value.type }); }));
    });
    // what the list shows of a kept form: its category and first words, or the fields the page marks so
    var category = form.elements.category || form.querySelector("select[data-queue-title]");
    var description = form.elements.description || form.querySelector("[data-queue-summary]");
    return Promise.all(reads).then(function () {
      return {
        key: keyInput.value, seq: Date.now(), page: PAGE, action: ACTION, fields: fields,
        state: "saved", filedAt: filedInput ? filedInput.value : new Date().toISOString(),
        category: category ? category.value : "",
        categoryText: category && category.selectedIndex > 0 ? category.options[category.selectedIndex].text : "",
        summary: description ? description.value.trim().slice(0, 30) : "",
      };
    });
  }
  function ready() {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { window.setTimeout(function () { b.disabled = false; }, 0); });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    showErrors(null, "");
    snapshot().then(function (item) {
      return put(item).then(render).then(flush).then(function () {
        return run("readonly", function (s) { return s.get(item.key); });
      });
    }).then(function (item) {
      if (item && item.state === "sent" && item.url) { location.assign(item.url); return; }
      if (item && item.state === "failed") {
        // Refused at once: the form is still on screen. The browser sends it the ordinary way, so the server
        // marks each field to fix as it always does (the key made no demand).
        return drop(item.key).then(function () {
          var input = form.querySelector("input[name=csrfmiddlewaretoken]");
          if (input && lastToken) { input.value = lastToken; }
          form.submit();
        });
      }
      form.reset();
      keyInput.value = newKey();
      say(msg.msgKept);
      box.scrollIntoView();
      ready();
    }).catch(function () {  // the phone could not store it: let the browser send it the ordinary way
      form.submit();
    });
  });

  // Sent when the signal returns, when a page opens, and every half minute while something waits.
  window.addEventListener("online", flush);
  window.setInterval(function () { if (count.dataset.waiting !== "0") { flush(); } }, 30000);
  render().then(flush);

  // Install: the service worker keeps the page and its reference data for opening without a signal.
  if (box.dataset.reference) {
    fetch(box.dataset.reference, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d) { reference = d; render(); } }).catch(function () {});
  }
  if ("serviceWorker" in navigator && box.dataset.sw) {
    navigator.serviceWorker.register(box.dataset.sw).then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        if (reg.active) { reg.active.postMessage({ keep: [location.pathname + location.search, box.dataset.reference] }); }
      }).catch(function () {});
  }
})();
