// The mock interview page (templates/mock/session.html): a countdown for the question's time
// budget, and an optional recording of the spoken answer. Both are extras: without JavaScript
// the page says the budget and the start time, and the Reveal button is a plain form.
//
// A recording never leaves the browser: it is kept as an object URL for this page only, and
// nothing here sends it anywhere. The answer is revealed in place (htmx swaps it in), so the
// page, and the recording with it, stays; the recording is then shown beside the model answer.
(function () {
  function pad(number) { return number < 10 ? "0" + number : String(number); }
  function clock(seconds) { return Math.floor(seconds / 60) + ":" + pad(seconds % 60); }

  // The countdown: data-deadline is when the budget runs out, data-now the server's time when
  // it sent the page, so a wrong clock on this computer does not change the time left.
  var timer = null;
  function tick() {
    var countdown = document.querySelector(".mock-countdown[data-deadline]");
    if (!countdown) { clearInterval(timer); timer = null; return; }
    var deadline = Date.parse(countdown.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    if (countdown.skew === undefined) {
      var serverNow = Date.parse(countdown.getAttribute("data-now"));
      countdown.skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    }
    var left = Math.round((deadline - (Date.now() + countdown.skew)) / 1000);
    var text = left >= 0 ? clock(left) + " left" : "Time is up: " + clock(-left) + " over";
    if (countdown.textContent !== text) countdown.textContent = text;
    countdown.classList.toggle("is-over", left < 0);
    countdown.hidden = false;
  }
  function startCountdown() {
    if (timer || !document.querySelector(".mock-countdown[data-deadline]")) return;
    tick();
    timer = setInterval(tick, 1000);
  }

  // The recorder.
  var recorder = null;
  var player = null;  // the element holding the latest recording, once there is one
  var recordingUrl = null;

  function say(text) {
    var status = document.getElementById("record-status");
    if (status) status.textContent = text;
  }

  function place() {
    // Beside the model answer once it is shown, else under the buttons.
    var target = document.getElementById("recording-slot") || document.getElementById("recording");
    if (player && target && player.parentNode !== target) target.appendChild(player);
  }

  function showRecording(blob) {
    if (recordingUrl) URL.revokeObjectURL(recordingUrl);
    recordingUrl = URL.createObjectURL(blob);
    player = document.createElement("div");
    player.className = "mock-recording-player";
    var caption = document.createElement("p");
    caption.className = "muted";
    caption.textContent = "Your recording (kept in this browser only):";
    var audio = document.createElement("audio");
    audio.controls = true;
    audio.src = recordingUrl;
    audio.id = "recording-audio";
    var save = document.createElement("a");
    save.href = recordingUrl;
    save.download = "mock-interview-answer." + (blob.type.indexOf("ogg") >= 0 ? "ogg" : "webm");
    save.textContent = "Save it to this computer";
    player.appendChild(caption);
    player.appendChild(audio);
    player.appendChild(save);
    document.querySelectorAll(".mock-recording-player").forEach(function (old) { old.remove(); });
    place();
  }

  function setButtons(recording) {
    var start = document.getElementById("record-start");
    var stop = document.getElementById("record-stop");
    if (start) start.disabled = recording;
    if (stop) stop.disabled = !recording;
  }

  // Stop is offered at once; pressed while the microphone is still opening, it cancels.
  var opening = false;
  var cancelled = false;

  function startRecording() {
    setButtons(true);
    opening = true;
    cancelled = false;
    say("Waiting for the microphone…");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      opening = false;
      if (cancelled) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        setButtons(false);
        say("Not recorded: stopped before the microphone opened.");
        return;
      }
      var chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) chunks.push(event.data);
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        showRecording(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
        recorder = null;
        setButtons(false);
        say("Recorded. Play it back next to the model answer.");
      });
      recorder.start();
      say("Recording…");
    }).catch(function (error) {
      opening = false;
      setButtons(false);
      say("The microphone could not be used (" + (error && error.name ? error.name : "refused") +
        "). You can still answer aloud.");
    });
  }

  function stopRecording() {
    if (opening) cancelled = true;
    else if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  function setUpRecorder() {
    var section = document.getElementById("recorder");
    if (!section || !document.getElementById("reveal-form")) return;
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder)) return;
    section.hidden = false;
    document.getElementById("record-start").addEventListener("click", startRecording);
    document.getElementById("record-stop").addEventListener("click", stopRecording);
  }

  // After the answer is swapped in: the clock has stopped, recording ends, the recording goes
  // beside the answer, and focus moves to the answer for keyboard and screen reader users.
  document.addEventListener("htmx:afterSettle", function () {
    var heading = document.getElementById("answer-heading");
    if (!heading) return;
    stopRecording();  // its "stop" handler places the recording
    place();
    var section = document.getElementById("recorder");
    if (section) section.hidden = true;
    if (document.activeElement === document.body || !document.activeElement ||
        !document.contains(document.activeElement)) heading.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    startCountdown();
    setUpRecorder();
  });
})();
