// Skill picker of the job form: suggestions from the catalogue as the employer types
// (names, aliases, pinyin), for the skill after the last comma. Picking one writes the
// catalogue's name; anything else typed is kept as it is (an officer classifies it).
// Loaded as a file (the CSP allows no inline script); fields carry data-skill-picker and
// the form data-skill-suggest (the JSON endpoint's URL).
(function () {
  "use strict";
  var SEPARATORS = /[,，、;；\n]/;
  var LEVEL = /([\s:：(（]*(?:[1-5]级?|初级|中级|高级技师|高级|技师|熟练|精通|入门|学徒)[)）]?)$/;

  function lastPart(value) {
    var cut = -1;
    for (var i = value.length - 1; i >= 0; i--) {
      if (SEPARATORS.test(value.charAt(i))) { cut = i; break; }
    }
    return { head: value.slice(0, cut + 1), part: value.slice(cut + 1) };
  }

  function setUp(input, url) {
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId;
    list.className = "list-group shadow-sm skill-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.style.position = "relative";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    var timer = null, active = -1, items = [], asked = "";

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
    }

    function pick(item) {
      var split = lastPart(input.value);
      var level = split.part.trim().match(LEVEL);
      var lead = split.head && !/\s$/.test(split.head) ? " " : "";
      input.value = split.head + lead + item.label + (level ? level[1] : "") + ", ";
      close();
      input.focus();
    }

    function mark(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, k) {
        o.classList.toggle("active", k === i);
        o.setAttribute("aria-selected", k === i ? "true" : "false");
      });
      active = i;
    }

    function show(found) {
      list.innerHTML = ""; items = found; active = -1;
      if (!found.length) { close(); return; }
      found.forEach(function (item, k) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action py-1";
        li.setAttribute("role", "option");
        li.id = listId + "-" + k;
        li.textContent = item.label;
        if (item.matched) {
          var small = document.createElement("small");
          small.className = "text-muted ms-2";
          small.textContent = item.matched;
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var q = lastPart(input.value).part.replace(LEVEL, "").trim();
      if (!q) { close(); return; }
      asked = q;
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (asked === q) { show(data.items || []); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form[data-skill-suggest]").forEach(function (form) {
    form.querySelectorAll("input[data-skill-picker]").forEach(function (input) {
      setUp(input, form.getAttribute("data-skill-suggest"));
    });
  });
})();
