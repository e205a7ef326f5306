/* Autosave of the workshop's edit page (issue 21): progressive enhancement, loaded only there.
 *
 * While the text box changes, its text is sent to the form's data-autosave address at most every
 * 10 s; the server keeps it for this person and file without making a revision, and answers with
 * the message to show («Guardado automáticamente a las 10:42») and a fresh CSRF token. Before
 * leaving the page with text that is not in the draft, the browser asks to confirm (not after
 * the form is sent). Without this script the page works the same, without autosave.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 10000;
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var box = form.querySelector("textarea[name='text']");
  var status = document.getElementById("autoguardado");
  if (!box || !status) {
    return;
  }
  var loaded = box.value;
  var lastKept = box.value;
  var lastSentAt = 0;
  var timer = null;
  var sending = false;
  var submitting = false;

  function show(message) {
    status.textContent = message || "";
  }

  function schedule() {
    if (timer !== null || submitting) {
      return;
    }
    var wait = Math.max(0, lastSentAt + INTERVAL_MS - Date.now());
    timer = window.setTimeout(send, wait);
  }

  function send() {
    timer = null;
    if (sending || submitting || box.value === lastKept) {
      return;
    }
    var text = box.value;
    sending = true;
    lastSentAt = Date.now();
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.kept) {
          lastKept = text;
        }
        if (answer.csrf) {
          var token = form.querySelector("input[name='csrf_token']");
          if (token) {
            token.value = answer.csrf;
          }
        }
        show(answer.message);
      })
      .catch(function () {
        show(form.getAttribute("data-autosave-failed"));
      })
      .then(function () {
        sending = false;
        if (box.value !== lastKept) {
          schedule();
        }
      });
  }

  box.addEventListener("input", schedule);
  form.addEventListener("submit", function () {
    submitting = true;
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    var unsaved = box.value !== loaded || form.hasAttribute("data-unsaved");
    if (submitting || !unsaved) {
      return;
    }
    event.preventDefault();
    event.returnValue = "";
  });
})();
