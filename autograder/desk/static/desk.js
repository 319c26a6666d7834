// Keyboard shortcuts of the review desk. Served from the package (the CSP allows scripts from 'self' only).
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function follow(key) {
    var link = document.querySelector('[data-key="' + key + '"]');
    if (link) { window.location.href = link.getAttribute("href"); return true; }
    return false;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-rows] tbody th a")); }
  function moveRow(step) {
    var list = rows();
    if (!list.length) return;
    var at = list.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + step));
    list[next].focus();
    list[next].closest("tr").scrollIntoView({block: "nearest"});
  }
  function openFirst(selector) {
    var box = document.querySelector(selector);
    if (!box) return;
    if (box.tagName === "DETAILS") box.open = true;
    var field = box.querySelector("input:not([type=hidden]), textarea");
    if (field) field.focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var handled = true;
    switch (event.key) {
      case "j": moveRow(1); break;
      case "k": moveRow(-1); break;
      case "/": var search = document.querySelector("[data-search]"); if (search) search.focus(); else handled = false; break;
      case "n": handled = follow("n"); break;
      case "]": handled = follow("]"); break;
      case "[": handled = follow("["); break;
      case "u": handled = follow("u"); break;
      case "o": openFirst(".check.fail details, .check.error details, .check details"); break;
      case "a": openFirst(".adjust-form"); break;
      case "c": openFirst(".comment-form"); break;
      case "?": var keys = document.getElementById("keys"); if (keys) keys.showModal(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var help = document.querySelector("[data-help]");
    if (help) help.addEventListener("click", function () { document.getElementById("keys").showModal(); });
    var notice = document.getElementById("notice");
    if (notice) notice.focus();
    document.querySelectorAll("form.danger").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm("Clear this review? Overrides, adjustments and comments go; the log keeps them.")) event.preventDefault();
      });
    });
  });
})();
