// Smooth LMS lesson page: plays the lesson's video (uploaded file, YouTube or Vimeo) and reports engagement.
// Every 10 s while the page is in view, and when the video pauses or ends or the page is left (sendBeacon), it
// posts the 10-second segments this page view has seen played through; the server credits them no faster than
// real time and decides completion (smooth_lms/video_evidence.py). With skip prevention the player refuses to
// seek past the furthest point watched.
(function () {
  "use strict";
  // SLACK: how far past the furthest point the play head may be between two looks at it (0.5 s apart at 2x)
  var SEGMENT = 10, BEAT_MS = 10000, MAX_RATE = 2, SLACK = 2, URL = "/api/method/smooth_lms.video_evidence.record_engagement";
  var box = document.getElementById("lesson-engagement");
  if (!box) { return; }
  var d = box.dataset;
  var enrolled = d.enrolled === "1";
  var preventSkip = d.preventSkip === "1";
  var view = window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  var played = new Set();  // segments played through in this page view
  var playedIn = {};  // seconds played inside each segment
  var furthest = Number(d.furthest) || 0;
  var known = Number(d.duration) || 0;
  var completed = !!document.getElementById("lesson-completed") && !document.getElementById("lesson-completed").hidden;
  var last = null, player = null, sentLength = false;

  function length() {
    if (known > 0) { return known; }
    var value = player ? player.duration() : 0;
    return isFinite(value) && value > 0 ? value : 0;
  }
  function segmentSeconds(i) { return Math.max(0, Math.min(SEGMENT, length() - i * SEGMENT)); }
  function show(id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } }

  // called as playback advances: time played in the segment it started in; a jump (a seek) counts nothing
  function advance(t, rate) {
    if (last !== null) {
      var delta = t - last;
      if (delta > 0 && delta <= 1.5 * Math.max(1, rate || 1)) {
        var i = Math.floor(last / SEGMENT);
        playedIn[i] = (playedIn[i] || 0) + delta;
        if (playedIn[i] >= segmentSeconds(i) - 1.5 && length()) { played.add(i); }
        if (last <= furthest + SLACK && t > furthest) { furthest = t; }
      }
    }
    last = t;
  }
  // skip prevention: a position past the furthest point watched goes back to it
  function allowed(t) {
    if (!preventSkip || t <= furthest + SLACK) { return true; }
    var note = document.getElementById("skip-refused");
    if (note) { note.hidden = false; window.setTimeout(function () { note.hidden = true; }, 4000); }
    return false;
  }

  function body() {
    var form = new FormData();
    form.append("lesson", d.lesson);
    form.append("view", view);
    form.append("segments", Array.from(played).sort(function (a, b) { return a - b; }).join(","));
    if (length()) { form.append("duration", String(length())); }
    form.append("visible", document.visibilityState === "visible" ? "1" : "0");
    form.append("csrf_token", d.csrf);
    return form;
  }
  function applied(message) {
    if (!message || !message.recorded) { return; }
    furthest = Math.max(furthest, Number(message.furthest) || 0);
    show("watch-status", window.__("Watched {0}%", [Math.round(Number(message.watched_percent) || 0)]));
    var bar = document.querySelector("#lesson-progress progress");
    if (bar) {
      bar.value = message.progress;
      var value = bar.parentNode.querySelector(".progress-value");
      if (value) { value.textContent = Math.round(message.progress) + "%"; }
    }
    if (message.completed && !completed) {
      completed = true;
      var badge = document.getElementById("lesson-completed");
      if (badge) { badge.hidden = false; }
      var why = document.getElementById("why-not");
      if (why) { why.hidden = true; }
      document.dispatchEvent(new CustomEvent("lms:lesson-completed"));
    }
  }
  function report() {
    if (!enrolled && (sentLength || d.lengthKnown === "1" || !length())) { return; }
    sentLength = sentLength || !enrolled;
    window.fetch(URL, {method: "POST", body: body(), credentials: "same-origin",
                       headers: {"Accept": "application/json", "X-Frappe-CSRF-Token": d.csrf}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { applied(data.message); } })
      .catch(function () { /* the next report sends the same segments again */ });
  }
  function leave() {
    if (enrolled && navigator.sendBeacon) { navigator.sendBeacon(URL, body()); }
  }

  function html5(video) {
    var probing = false;
    player = {duration: function () { return video.duration; }};
    video.addEventListener("loadedmetadata", function () {
      // a recording made in a browser may not state its length: play head to the end and back finds it
      if (video.duration === Infinity) { probing = true; video.currentTime = 1e9; }
    });
    video.addEventListener("durationchange", function () {
      if (probing && isFinite(video.duration)) { probing = false; video.currentTime = 0; last = 0; }
      if (!enrolled) { report(); }
    });
    video.addEventListener("ratechange", function () { if (video.playbackRate > MAX_RATE) { video.playbackRate = MAX_RATE; } });
    video.addEventListener("seeking", function () {
      if (probing) { return; }
      if (!allowed(video.currentTime)) { video.currentTime = furthest; }
      last = null;
    });
    video.addEventListener("timeupdate", function () {
      if (probing) { return; }
      if (!allowed(video.currentTime)) { video.currentTime = furthest; last = null; return; }
      if (!video.paused && !video.seeking) { advance(video.currentTime, video.playbackRate); } else { last = video.currentTime; }
    });
    video.addEventListener("play", function () { last = video.currentTime; });
    video.addEventListener("pause", report);
    video.addEventListener("ended", function () { advance(video.currentTime, video.playbackRate); report(); });
  }

  // YouTube and Vimeo: their iframe APIs, polled for the play head (the page's CSP allows their hosts)
  function polled(getTime, getDuration, seek, isPlaying) {
    player = {duration: getDuration};
    window.setInterval(function () {
      var t = getTime();
      if (t === null) { return; }
      if (!allowed(t)) { seek(furthest); last = null; return; }
      if (isPlaying()) { advance(t, 1); } else { last = t; }
    }, 500);
  }
  function youtube(id) {
    var state = -1, yt = null;
    window.onYouTubeIframeAPIReady = function () {
      yt = new window.YT.Player("lesson-embed", {videoId: id, host: "https://www.youtube-nocookie.com",
        playerVars: {rel: 0, playsinline: 1}, events: {
          onReady: function () { if (!enrolled) { report(); } },
          onStateChange: function (e) { state = e.data; if (state === 2 || state === 0) { report(); } }}});
      polled(function () { return yt && yt.getCurrentTime ? yt.getCurrentTime() : null; },
             function () { return yt && yt.getDuration ? yt.getDuration() : 0; },
             function (t) { yt.seekTo(t, true); }, function () { return state === 1; });
    };
    var tag = document.createElement("script");
    tag.src = "https://www.youtube.com/iframe_api";
    document.head.appendChild(tag);
  }
  function vimeo(id) {
    var tag = document.createElement("script");
    tag.src = "https://player.vimeo.com/api/player.js";
    tag.onload = function () {
      var vp = new window.Vimeo.Player("lesson-embed", {id: Number(id), responsive: true});
      var now = 0, total = 0, playing = false;
      vp.on("timeupdate", function (e) { now = e.seconds; total = e.duration; });
      vp.on("play", function () { playing = true; });
      vp.on("pause", function () { playing = false; report(); });
      vp.on("ended", function () { playing = false; report(); });
      vp.on("loaded", function () { vp.getDuration().then(function (v) { total = v; if (!enrolled) { report(); } }); });
      polled(function () { return now; }, function () { return total; }, function (t) { vp.setCurrentTime(t); },
             function () { return playing; });
    };
    document.head.appendChild(tag);
  }

  if (d.kind === "file") { html5(document.getElementById("lesson-video")); }
  else if (d.kind === "youtube") { youtube(d.source); }
  else if (d.kind === "vimeo") { vimeo(d.source); }
  if (!enrolled) { return; }
  report();
  window.setInterval(function () { if (document.visibilityState === "visible") { report(); } }, BEAT_MS);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { leave(); } });
  window.addEventListener("pagehide", leave);
})();
