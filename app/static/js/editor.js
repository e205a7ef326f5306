/* The workshop's text box, made more comfortable (progressive enhancement: without this
   script the page has the numbered listing of the saved text and the pages with the text to
   copy). It adds line numbers beside the box, makes «línea N» links put the cursor on that
   line, and inserts a media file's Markdown at the cursor. */
(function () {
  "use strict";

  var box = document.getElementById("texto");
  if (!box || !box.classList.contains("code-editor")) {
    return;
  }

  // --- line numbers: a gutter that scrolls with the box (hidden from screen readers, which
  // have the numbered listing and the «línea N» links) ---------------------------------------
  var frame = document.createElement("div");
  frame.className = "editor-frame";
  var gutter = document.createElement("div");
  gutter.className = "editor-gutter";
  gutter.setAttribute("aria-hidden", "true");
  box.parentNode.insertBefore(frame, box);
  frame.appendChild(gutter);
  frame.appendChild(box);
  box.setAttribute("wrap", "off"); // one text line per gutter number
  box.classList.add("has-gutter");
  // The same metrics as the box, whatever text size the person chose in their preferences.
  var look = window.getComputedStyle(box);
  ["fontFamily", "fontSize", "lineHeight", "paddingTop", "paddingBottom"].forEach(function (key) {
    gutter.style[key] = look[key];
  });

  var shown = 0;
  function numberLines() {
    var count = box.value.split("\n").length;
    if (count === shown) {
      return;
    }
    var numbers = [];
    for (var i = 1; i <= count; i += 1) {
      numbers.push(String(i));
    }
    gutter.textContent = numbers.join("\n");
    shown = count;
    gutter.scrollTop = box.scrollTop;
  }
  box.addEventListener("input", numberLines);
  box.addEventListener("scroll", function () {
    gutter.scrollTop = box.scrollTop;
  });
  numberLines();

  function lineHeight() {
    var value = parseFloat(window.getComputedStyle(box).lineHeight);
    return isNaN(value) ? 24 : value;
  }

  // --- «línea N»: the cursor at the start of that line ----------------------------------------
  function goToLine(n) {
    var lines = box.value.split("\n");
    var line = Math.max(1, Math.min(n, lines.length));
    var offset = 0;
    for (var i = 0; i < line - 1; i += 1) {
      offset += lines[i].length + 1;
    }
    box.focus();
    box.setSelectionRange(offset, offset + lines[line - 1].length);
    box.scrollTop = Math.max(0, (line - 1) * lineHeight() - box.clientHeight / 3);
    gutter.scrollTop = box.scrollTop;
    box.scrollIntoView({ block: "nearest" });
  }

  function lineOf(href) {
    var match = /#linea-(\d+)$/.exec(href || "");
    return match ? parseInt(match[1], 10) : 0;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href*='#linea-']") : null;
    if (!link || link.pathname !== window.location.pathname) {
      return;
    }
    var n = lineOf(link.getAttribute("href"));
    if (n) {
      event.preventDefault();
      goToLine(n);
    }
  });
  // Arriving from the course page's list of problems («…md, línea 7»): once the page has
  // loaded, after the browser's own move to the numbered listing.
  var arrived = lineOf(window.location.hash);
  if (arrived) {
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        goToLine(arrived);
      }, 0);
    });
  }

  // --- insert a media file's Markdown at the cursor ------------------------------------------
  var status = document.getElementById("insertar-estado");
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.insert-snippet") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    var snippet = link.getAttribute("data-snippet");
    var text = box.value;
    var start = box.selectionStart;
    var end = box.selectionEnd;
    // A block of its own: blank lines around it, as the guide writes them.
    var before = text.slice(0, start);
    var after = text.slice(end);
    var lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var tail = /^\n/.test(after) ? "\n" : "\n\n";
    box.value = before + lead + snippet + tail + after;
    var cursor = (before + lead + snippet).length;
    box.focus();
    box.setSelectionRange(cursor, cursor);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    if (status) {
      var line = (before + lead).split("\n").length;
      status.textContent = link.getAttribute("data-inserted").replace("%(n)s", String(line));
    }
  });
})();
