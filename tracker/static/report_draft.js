// The report draft editor (templates/reports/_draft_editor.html): "Förhandsgranska" asks
// the server for the section's preview (rendered and sanitised there) and shows it without
// reloading the page; the error summary after a refused save takes focus. Without this
// script the buttons post the form and the page comes back with every preview updated.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var form = document.getElementById("draft-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-preview-url");
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.preview-button") : null;
    if (!button) {
      return;
    }
    var section = button.getAttribute("data-section");
    var box = document.getElementById("sec-preview-" + section);
    if (!box) {
      return;
    }
    event.preventDefault();
    fetch(url + "?only=" + encodeURIComponent(section), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html; // rendered and sanitised by the server (nh3)
      })
      .catch(function () {
        form.action = button.getAttribute("formaction");
        form.submit();
      });
  });
})();
