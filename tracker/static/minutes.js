// The minutes editor (templates/meetings/minutes_edit.html): keeps a draft on the server a
// few seconds after each change, says so in the status line, and warns before leaving the
// page with text that is not saved. Without this script the page is a plain form.
(function () {
  "use strict";
  var form = document.getElementById("minutes-doc");
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-draft-url");
  var status = document.getElementById("draft-status");
  var unsaved = form.getAttribute("data-unsaved") === "1";
  var submitting = false;
  var timer = null;
  var busy = false;
  var again = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function keep() {
    timer = null;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          say(answer.message || form.getAttribute("data-msg-failed"));
        });
      })
      .catch(function () {
        say(form.getAttribute("data-msg-failed"));
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          keep();
        }
      });
  }

  function changed() {
    unsaved = true;
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(keep, 2000);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
