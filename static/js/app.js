// Make failures visible: when an HTMX request fails, nothing on the page changes, so say so.
(function () {
  function show(text) {
    var box = document.getElementById("messages");
    if (!box) return;
    var message = document.createElement("p");
    message.className = "message message-error";
    message.setAttribute("role", "alert");
    message.textContent = text;
    box.appendChild(message);
    setTimeout(function () { message.remove(); }, 15000);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    show("Something went wrong (" + status + "): your last change was not saved. Please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    show("The server could not be reached: your last change was not saved. Please try again.");
  });
})();

// A double click is one press. Its second click would land on whatever the first one's response
// put under the pointer: the same tick now saying "not studied", or the next card's rating. So the
// second and later clicks of a quick series on a button are dropped before htmx or the browser
// acts on them. Keyboard presses (detail 0) and separate clicks (detail 1) are untouched.
document.addEventListener("click", function (event) {
  if (event.detail < 2 || !event.target.closest) return;
  if (!event.target.closest("button, input[type=submit], [hx-post]")) return;
  event.preventDefault();
  event.stopPropagation();
}, true);

// A page restored from the back/forward cache shows what was true when it was left: counters
// from before a tick made elsewhere, or a user who has since logged out. Load it again instead.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) window.location.reload();
});

// Keep keyboard focus on a control that a swap replaced. The button is disabled while its
// request runs, which takes focus away, so remember it before and give it to the new button,
// which has the same id.
(function () {
  var focusedId = null;
  document.addEventListener("htmx:configRequest", function () {
    var active = document.activeElement;
    focusedId = active && active !== document.body && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId) return;
    var replacement = document.getElementById(focusedId);
    var lost = !document.activeElement || document.activeElement === document.body;
    if (replacement && lost) replacement.focus();
    focusedId = null;
  });
})();

// Links that log in and come back name the page they are on; after a filter changes the
// address in place, they name the new address, so the filter survives logging in.
document.addEventListener("htmx:pushedIntoHistory", function () {
  var here = window.location.pathname + window.location.search;
  document.querySelectorAll("a[href*='?next=']").forEach(function (link) {
    var url = new URL(link.href, window.location.origin);
    if (url.origin !== window.location.origin || url.searchParams.get("next") === null) return;
    url.searchParams.set("next", here);
    link.setAttribute("href", url.pathname + url.search);
  });
});

// Dates ("due today", the day a tick counts for) follow the browser's time zone: keep it in a
// cookie for the server (prepsite/time_zone.py), unless the visitor chose a zone themselves.
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone || !/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
  var cookies = {};
  document.cookie.split(";").forEach(function (pair) {
    var at = pair.indexOf("=");
    if (at > 0) cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim().replace(/^"|"$/g, "");
  });
  if (cookies.tz_chosen === "1" || cookies.tz === zone) return;
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" +
    (window.location.protocol === "https:" ? "; secure" : "");
})();

// A filter left at "all" stays out of the address: the list's URL reads ?difficulty=easy, not
// ?q=&difficulty=easy&status=&path=, like the one a plain form would give with those fields set.
document.addEventListener("htmx:configRequest", function (event) {
  if (event.detail.verb !== "get") return;
  var data = event.detail.formData;
  var empty = [];
  data.forEach(function (value, name) { if (value === "") empty.push(name); });
  empty.forEach(function (name) { data.delete(name); });
});

// A list swapped in after a search or filter change is announced to screen readers by its
// summary ("Showing 4 of 67 questions"), from a live region that stays in the page.
document.addEventListener("htmx:afterSettle", function () {
  var status = document.getElementById("results-status");
  var results = document.getElementById("results");
  if (!status || !results) return;
  var summary = results.querySelector("#filter-summary span, .empty");
  var text = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  if (text !== status.textContent) status.textContent = text;
});

// Keys, as flashcard tools have them. On the review page and a question page, Space shows the
// answer and 1 to 4 rate it (Again, Hard, Good, Easy); on a question page, s marks it studied
// or not, and n and p go to the next and previous question. Not while typing, and not with a
// modifier, so the browser's own shortcuts keep working. Single keys can clash with speech input
// and other assistive tools, so the pages offer to turn them off (kept in this browser).
document.documentElement.classList.add("js");
function keysOn() {
  try { return window.localStorage.getItem("keys") !== "off"; } catch (error) { return true; }
}
function showKeysSetting() {
  var on = keysOn();
  document.querySelectorAll(".keys-toggle").forEach(function (button) {
    button.textContent = on ? "Turn keys off" : "Keys are off: turn them on";
    button.setAttribute("aria-pressed", on ? "false" : "true");
  });
}
document.addEventListener("DOMContentLoaded", showKeysSetting);
document.addEventListener("htmx:afterSettle", showKeysSetting);
document.addEventListener("click", function (event) {
  if (!event.target.closest || !event.target.closest(".keys-toggle")) return;
  try { window.localStorage.setItem("keys", keysOn() ? "off" : "on"); } catch (error) { return; }
  showKeysSetting();
});
document.addEventListener("keydown", function (event) {
  if (!keysOn() || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  var target = event.target.closest ? event.target : document.body;
  if (target.closest("input, textarea, select, [contenteditable]")) return;  // typing
  if (event.key === " " && target.closest("button, a, summary")) return;  // Space presses what has focus
  var card = document.getElementById("review-card") || document.querySelector("article.question");
  if (!card) return;
  var answer = card.querySelector("details.answer");
  var press = function (selector) {
    var control = card.querySelector(selector) || document.querySelector(selector);
    if (!control || control.disabled) return false;
    control.click();
    return true;
  };
  var done = false;
  if (event.key === " " && answer && !answer.open) {
    answer.open = true;
    done = true;
  } else if (/^[1-4]$/.test(event.key) && answer && answer.open) {
    done = press(".rate-" + ["again", "hard", "good", "easy"][Number(event.key) - 1]);
  } else if (event.key === "u") {
    done = press(".undo-button");
  } else if (event.key === "s") {
    done = press(".question-panel .tick-button");
  } else if (event.key === "n") {
    done = press(".pager a[rel=next]");
  } else if (event.key === "p") {
    done = press(".pager a[rel=prev]");
  }
  if (done) event.preventDefault();
});

// The code editor: Tab indents by four spaces and Shift+Tab removes them, on every selected
// line; Escape then Tab leaves the editor, so keyboard users are never trapped in it.
(function () {
  var escaped = false;
  document.addEventListener("keydown", function (event) {
    var editor = event.target;
    if (!editor.classList || !editor.classList.contains("code-editor")) return;
    if (event.key === "Escape") { escaped = true; return; }
    if (event.key !== "Tab" || escaped) { escaped = false; return; }
    event.preventDefault();
    var text = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
    var lineStart = text.lastIndexOf("\n", start - 1) + 1;
    if (!event.shiftKey && start === end) {
      editor.setRangeText("    ", start, end, "end");
      return;
    }
    var block = text.slice(lineStart, end);
    var changed = event.shiftKey ? block.replace(/^ {1,4}/gm, "") : block.replace(/^/gm, "    ");
    editor.setRangeText(changed, lineStart, end, "select");
  });
})();

// Line numbers beside the code editor, kept in step with its lines and its scrolling.
(function () {
  function number(editor) {
    var gutter = editor.parentNode.querySelector(".code-lines");
    if (!gutter) return;
    var count = editor.value.split("\n").length, lines = [];
    for (var i = 1; i <= count; i++) lines.push(i);
    gutter.textContent = lines.join("\n");
    gutter.scrollTop = editor.scrollTop;
  }
  function all() { document.querySelectorAll(".code-editor").forEach(number); }
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("code-editor")) number(event.target);
  });
  document.addEventListener("scroll", function (event) {
    if (event.target.classList && event.target.classList.contains("code-editor")) number(event.target);
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.target.classList && event.target.classList.contains("code-editor")) number(event.target);
  });
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
})();

// On the review page, an opened answer starts at the top of the screen, so that on a phone the
// answer and its rating bar (sticky at the bottom) are in view at once.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.open || !details.matches || !details.matches("#review-card details.answer")) return;
  var top = details.getBoundingClientRect().top;
  if (top > window.innerHeight * 0.35) details.scrollIntoView({ block: "start" });
}, true);

// The skip link's target takes the focus, so that a screen reader goes on from there too (the
// browser alone only moves where the next Tab starts). Only once it is used: a focusable <main>
// would take the focus on every click in the page.
document.addEventListener("click", function (event) {
  if (!event.target.closest || !event.target.closest(".skip-link")) return;
  var main = document.getElementById("main");
  if (main) main.setAttribute("tabindex", "-1");
});

// The header menu is a <details> disclosure on phones. From 48rem on its links stand in the
// header row (site.css), so keep it open there; on a phone, Escape or a click elsewhere closes it.
(function () {
  var menu = document.querySelector(".site-menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48rem)");
  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || wide.matches || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    if (!wide.matches && menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
