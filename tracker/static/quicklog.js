// Quick log: the fault picker (a WAI-ARIA combobox with a listbox popup), possible duplicates
// while a new fault's title is typed, the error summary, and a fresh form after Back.
// Without JavaScript the form works as a plain form: the server offers ranked candidates.
(function () {
  "use strict";
  var form = document.getElementById("quicklog");
  if (!form) { return; }
  var SENT = "quicklog-sent";
  var url = form.getAttribute("data-suggest");
  var input = document.getElementById("fault_ref");
  var listbox = document.getElementById("fault-listbox");
  var status = document.getElementById("fault-status");
  var search = document.getElementById("fault-search");
  var chosen = document.getElementById("fault-chosen");
  var change = document.getElementById("fault-change");
  var titleInput = document.getElementById("new_title");
  var dupBox = document.getElementById("duplicate-suggestions");
  var text = function (id) { var t = document.getElementById(id); return t ? t.content.textContent : ""; };
  var items = [];      // the suggestions shown
  var active = -1;     // index of the highlighted option
  var lastQuery = "";  // what was typed before a fault was picked ("Byt" brings it back)
  var timer = null;
  var closing = null;
  var seq = 0;         // only the newest answer is shown

  function modeRadio(value) {
    return form.querySelector('input[name="mode"][value="' + value + '"]');
  }

  // Show only the part of the form that the chosen mode needs.
  function showMode() {
    var isNew = modeRadio("new") && modeRadio("new").checked;
    form.querySelector(".mode-existing").hidden = !!isNew;
    form.querySelector(".mode-new").hidden = !isNew;
  }

  function announce(message) {
    if (status) { status.textContent = message; }
  }

  function fetchFaults(q, done) {
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) { if (mine === seq) { done(found); } })
      .catch(function () { if (mine === seq) { done([]); } });
  }

  // ---- the combobox ------------------------------------------------------------------

  function setActive(index) {
    var options = listbox.querySelectorAll('[role="option"]');
    active = index;
    options.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === index ? "true" : "false");
      o.classList.toggle("active", i === index);
    });
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function open() {
    // only for someone in the field: a late answer does not open it behind their back
    if (!items.length || document.activeElement !== input) { return; }
    clearTimeout(closing);
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function option(it, i) {
    var li = document.createElement("li");
    li.id = "fault-option-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    var ref = document.createElement("span");
    ref.className = "ref";
    ref.textContent = it.ref;
    var title = document.createElement("span");
    title.className = "option-title";
    title.textContent = it.title;
    var meta = document.createElement("span");
    meta.className = "option-meta";
    meta.textContent = it.authority + " · " + it.count_text;
    var sep = document.createElement("span");
    sep.className = "sr-only";
    sep.textContent = " – ";
    li.append(ref, " ", title, sep, meta);
    li.addEventListener("click", function () { pick(it); });
    return li;
  }

  function sameAs(shown, found) {
    if (listbox.children.length !== found.length || shown.length !== found.length) { return false; }
    return found.every(function (it, i) {
      return it.ref === shown[i].ref && it.title === shown[i].title &&
        it.authority === shown[i].authority && it.count_text === shown[i].count_text;
    });
  }

  function show(found) {
    // a newer answer keeps the highlight on the same fault, if it is still there
    var was = active >= 0 && items[active] ? items[active].ref : null;
    // the same answer again leaves the list as it is: an option about to be tapped must
    // not be replaced under the finger
    var same = sameAs(items, found);
    if (!same) {
      items = found;
      listbox.textContent = "";
      found.forEach(function (it, i) { listbox.appendChild(option(it, i)); });
      setActive(-1);
    }
    if (found.length) {
      open();
      if (!same) { found.forEach(function (it, i) { if (it.ref === was) { setActive(i); } }); }
    } else { close(); }
    announce(found.length === 0 ? text("t-found-none")
      : found.length === 1 ? text("t-found-one")
        : text("t-found-many").replace("{n}", String(found.length)));
  }

  function lookup(now) {
    clearTimeout(timer);
    var q = input.value.trim().slice(0, 200);
    if (q.length < 2) { seq++; items = []; listbox.textContent = ""; close(); announce(""); return; }
    timer = setTimeout(function () { fetchFaults(q, show); }, now ? 0 : 200);
  }

  function pick(it) {
    var existing = modeRadio("existing");
    if (existing) { existing.checked = true; }
    showMode();
    if (input.value !== it.ref) { lastQuery = input.value; }
    input.value = it.ref;
    close();
    document.getElementById("fault-chosen-ref").textContent = it.ref;
    document.getElementById("fault-chosen-title").textContent = it.title;
    document.getElementById("fault-chosen-authority").textContent = it.authority;
    document.getElementById("fault-chosen-count").textContent = it.count_text;
    search.hidden = true;
    chosen.hidden = false;
    if (dupBox) { dupBox.textContent = ""; }
    announce(text("t-chosen").replace("{fault}", it.ref + " " + it.title));
    change.focus();
  }

  function changeFault(event) {
    event.preventDefault();
    chosen.hidden = true;
    search.hidden = false;
    input.value = lastQuery;
    input.focus();
    if (lastQuery.trim().length >= 2) { open(); lookup(true); }  // the list again, refreshed
  }

  function onKey(event) {
    var n = items.length;
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      if (listbox.hidden) { open(); setActive(n ? 0 : -1); return; }
      setActive(n ? (active + 1) % n : -1);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      event.preventDefault();
      if (listbox.hidden) { open(); setActive(n ? n - 1 : -1); return; }
      setActive(n ? (active <= 0 ? n - 1 : active - 1) : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();  // the search field never submits the form
      if (!listbox.hidden && active >= 0 && items[active]) { pick(items[active]); } else { lookup(true); }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (!listbox.hidden) { event.preventDefault(); close(); } else if (input.value) {
        event.preventDefault();
        input.value = "";
        lookup(true);
      }
    }
  }

  if (input && listbox && search && chosen && change) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.addEventListener("input", function () { lookup(false); });
    input.addEventListener("keydown", onKey);
    // closed a moment after the field loses focus (a tap on an option lands first); a
    // focus back in the field – "Byt" – cancels a close still pending from before
    input.addEventListener("blur", function () { closing = setTimeout(close, 150); });
    input.addEventListener("focus", function () { clearTimeout(closing); });
    // a press on an option must not take the focus from the field before the click
    listbox.addEventListener("mousedown", function (e) { e.preventDefault(); });
    change.addEventListener("click", changeFault);
  }

  // ---- possible duplicates of a new fault's title ------------------------------------

  function renderDuplicates(found) {
    dupBox.textContent = "";
    if (!found.length) { return; }
    var p = document.createElement("p");
    p.textContent = text("t-suggest-heading-new");
    var ul = document.createElement("ul");
    found.forEach(function (it) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.textContent = it.ref + " " + it.title + " (" + it.authority + ")";
      b.addEventListener("click", function () { pick(it); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    dupBox.append(p, ul);
  }

  var dupTimer = null;
  if (titleInput && dupBox) {
    titleInput.addEventListener("input", function () {
      clearTimeout(dupTimer);
      var q = titleInput.value.trim();
      if (q.length < 2) { dupBox.textContent = ""; return; }
      dupTimer = setTimeout(function () { fetchFaults(q, renderDuplicates); }, 200);
    });
  }

  form.querySelectorAll('input[name="mode"]').forEach(function (r) {
    r.addEventListener("change", showMode);
  });
  showMode();

  // ---- the error summary: focused on load, its links focus their field ----------------

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.querySelectorAll('a[href^="#"]').forEach(function (a) {
      a.addEventListener("click", function (event) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (!target) { return; }
        event.preventDefault();
        var label = target.closest("fieldset") ? target.closest("fieldset").querySelector("legend")
          : document.querySelector('label[for="' + target.id + '"]');
        (label || target).scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      });
    });
    summary.focus();
  }

  // ---- Back after saving shows a fresh form -------------------------------------------
  // The answer to a sending (errors, a candidate picked) turns its history entry into a
  // plain GET, so that Back or reload never offers to send the form again. The form marks
  // itself sent; a page that loads normally (the answer to that sending) clears the mark. A
  // page shown again by Back or Forward while the mark is set was saved: it is replaced by
  // an empty form.

  if (form.hasAttribute("data-posted") && window.history && history.replaceState) {
    history.replaceState(history.state, "", window.location.href);
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  var nav = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  var viaHistory = nav && nav.type === "back_forward";
  var store = storage();
  if (store && !viaHistory) { store.removeItem(SENT); }
  form.addEventListener("submit", function () { if (store) { store.setItem(SENT, "1"); } });
  window.addEventListener("pageshow", function (event) {
    if (!store || !(event.persisted || viaHistory) || store.getItem(SENT) !== "1") { return; }
    store.removeItem(SENT);
    if (form.hasAttribute("data-posted") || event.persisted) {
      // the answer to a sending (errors, a candidate picked), or a page kept in memory
      window.location.replace(form.hasAttribute("data-posted") ? form.getAttribute("data-fresh")
        : window.location.href);
      return;
    }
    form.reset();  // loaded anew: make sure nothing typed earlier is filled back in
  });
}());
