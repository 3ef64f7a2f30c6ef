// Quick log: search-as-you-type for an existing fault, and possible duplicates while a new
// fault's title is typed. Without JavaScript the form works as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("quicklog");
  if (!form) { return; }
  var url = form.getAttribute("data-suggest");
  var refInput = document.getElementById("fault_ref");
  var titleInput = document.getElementById("new_title");
  var text = function (id) { var t = document.getElementById(id); return t ? t.content.textContent : ""; };
  var timer = null;

  function modeRadio(value) {
    return form.querySelector('input[name="mode"][value="' + value + '"]');
  }

  function render(box, items, headingId, onPick) {
    box.textContent = "";
    if (!items.length) { return; }
    var p = document.createElement("p");
    p.textContent = text(headingId);
    box.appendChild(p);
    var ul = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = it.ref + " " + it.title + " (" + it.authority + ")";
      b.addEventListener("click", function () { onPick(it); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function lookup(q, box, headingId, onPick) {
    clearTimeout(timer);
    if (q.trim().length < 2) { box.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { render(box, items, headingId, onPick); })
        .catch(function () { box.textContent = ""; });
    }, 200);
  }

  function pick(it) {
    var existing = modeRadio("existing");
    if (existing) { existing.checked = true; }
    showMode();
    refInput.value = it.ref;
    document.getElementById("fault-suggestions").textContent = "";
    document.getElementById("duplicate-suggestions").textContent = "";
    refInput.focus();
  }

  // Show only the part of the form that the chosen mode needs.
  function showMode() {
    var isNew = modeRadio("new") && modeRadio("new").checked;
    form.querySelector(".mode-existing").hidden = !!isNew;
    form.querySelector(".mode-new").hidden = !isNew;
  }
  form.querySelectorAll('input[name="mode"]').forEach(function (r) {
    r.addEventListener("change", showMode);
  });
  showMode();

  if (refInput) {
    refInput.addEventListener("input", function () {
      lookup(refInput.value, document.getElementById("fault-suggestions"), "t-suggest-heading-existing", pick);
    });
  }
  if (titleInput) {
    titleInput.addEventListener("input", function () {
      lookup(titleInput.value, document.getElementById("duplicate-suggestions"), "t-suggest-heading-new", pick);
    });
  }
}());
