// Lianxin phone pages: record a voice note (MediaRecorder) into the form's own file input, name=voice.
// Progressive enhancement: without MediaRecorder, a microphone or DataTransfer the file input stays as it is
// and takes an audio file. The recording is an ordinary file of the form, so the form posts it (and a queue
// that keeps the form keeps it too). Opus in WebM or Ogg where the browser records it, AAC in MP4 on iPhones.
(function () {
  "use strict";
  var TYPES = [
    ["audio/webm;codecs=opus", "webm"],
    ["audio/ogg;codecs=opus", "ogg"],
    ["audio/mp4;codecs=mp4a.40.2", "m4a"],
    ["audio/mp4", "m4a"],
    ["audio/webm", "webm"]
  ];

  function pick() {
    for (var i = 0; i < TYPES.length; i++) {
      if (window.MediaRecorder.isTypeSupported && window.MediaRecorder.isTypeSupported(TYPES[i][0])) { return TYPES[i]; }
    }
    return null;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function canFill() {
    try { return typeof new window.DataTransfer().items.add === "function"; } catch (e) { return false; }
  }

  document.querySelectorAll("[data-recorder]").forEach(function (box) {
    var input = box.querySelector("input[type=file][name=voice]");
    var ui = box.querySelector("[data-recorder-ui]");
    if (!input || !ui) { return; }
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !canFill()) { return; }
    var type = pick();
    if (!type) { return; }
    var start = ui.querySelector("[data-rec-start]"), stop = ui.querySelector("[data-rec-stop]");
    var again = ui.querySelector("[data-rec-again]"), remove = ui.querySelector("[data-rec-remove]");
    var time = ui.querySelector("[data-rec-time]"), player = ui.querySelector("[data-rec-play]");
    var status = box.querySelector("[data-rec-status]");
    var max = parseInt(box.dataset.max, 10) || 120;
    var recorder = null, stream = null, chunks = [], began = 0, ticker = null, url = null, byLimit = false;

    ui.hidden = false;
    input.hidden = true;  // the recorder fills it; shown again if the microphone cannot be used
    time.textContent = clock(0) + " / " + clock(max);

    function show(state) {  // "idle", "recording" or "recorded"
      start.hidden = state !== "idle";
      stop.hidden = state !== "recording";
      again.hidden = remove.hidden = player.hidden = state !== "recorded";
      time.classList.toggle("recording", state === "recording");
      box.dataset.state = state;
    }

    function clear() {
      input.value = "";
      input.files = new window.DataTransfer().files;
      if (url) { URL.revokeObjectURL(url); url = null; }
      player.removeAttribute("src");
      time.textContent = clock(0) + " / " + clock(max);
    }

    function finish() {
      window.clearInterval(ticker);
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      var mime = (recorder && recorder.mimeType) || type[0];
      var blob = new Blob(chunks, { type: mime.split(";")[0] });
      recorder = null;
      if (!blob.size) { show("idle"); return; }
      var dt = new window.DataTransfer();
      dt.items.add(new File([blob], "voice." + type[1], { type: blob.type }));
      input.files = dt.files;
      url = URL.createObjectURL(blob);
      player.src = url;
      show("recorded");
      status.textContent = byLimit ? box.dataset.msgLimit : box.dataset.msgReady;
    }

    function begin() {
      clear();
      byLimit = false;
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        chunks = [];
        try {
          recorder = new window.MediaRecorder(s, { mimeType: type[0], audioBitsPerSecond: 32000 });
        } catch (e) {
          recorder = new window.MediaRecorder(s);
        }
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
        recorder.onstop = finish;
        recorder.start(1000);
        began = Date.now();
        show("recording");
        status.textContent = box.dataset.msgRecording;
        ticker = window.setInterval(function () {
          var elapsed = (Date.now() - began) / 1000;
          time.textContent = clock(Math.min(elapsed, max)) + " / " + clock(max);
          if (elapsed >= max && recorder && recorder.state === "recording") { byLimit = true; recorder.stop(); }
        }, 250);
      }).catch(function () {
        status.textContent = box.dataset.msgDenied;
        ui.hidden = true;
        input.hidden = false;
      });
    }

    start.addEventListener("click", begin);
    again.addEventListener("click", begin);
    stop.addEventListener("click", function () { if (recorder && recorder.state === "recording") { recorder.stop(); } });
    remove.addEventListener("click", function () { clear(); show("idle"); status.textContent = box.dataset.msgRemoved; });
    show("idle");
  });
})();
