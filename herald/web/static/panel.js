/* Herald's AI panel: the article page arrives without it (the page never waits on a summary), then this
   fetches the panel as server-rendered HTML and swaps it in (through fragments.js, the loader the page's
   deferred parts share). Its forms and links work without JavaScript (they lead to /article/{id}/tools);
   here they fetch a fragment into the panel instead of leaving the page.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  var fragments = window.heraldFragments;
  var LOADING = "Loading…";
  var RESULT_FAILED = "That did not work. Please try again.";
  var paragraph = fragments.paragraph;

  /* Puts a fragment into a result region; a slower earlier request never overwrites a later one. */
  function showIn(target, url) {
    var request = String(Number(target.getAttribute("data-ai-request") || "0") + 1);
    target.setAttribute("data-ai-request", request);
    target.setAttribute("aria-busy", "true");
    target.replaceChildren(paragraph("ai-status", LOADING));
    fragments.fetch(url)
      .then(function (html) {
        if (target.getAttribute("data-ai-request") === request) {
          target.innerHTML = html;
        }
      })
      .catch(function () {
        if (target.getAttribute("data-ai-request") === request) {
          target.replaceChildren(paragraph("ai-status ai-status-failed", RESULT_FAILED));
        }
      })
      .finally(function () {
        if (target.getAttribute("data-ai-request") === request) {
          target.removeAttribute("aria-busy");
        }
      });
  }

  function targetOf(element) {
    var id = element.getAttribute("data-ai-target");
    return id ? document.getElementById(id) : null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-ai-fragment")) {
      return;
    }
    var target = targetOf(form);
    if (!target) {
      return;
    }
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form)).toString();
    showIn(target, form.getAttribute("data-ai-fragment") + "?" + query);
  });

  document.addEventListener("click", function (event) {
    var start = event.target instanceof Element ? event.target : null;
    var link = start ? start.closest("a[data-ai-fragment]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // a new tab or window gets the full page
    }
    var target = targetOf(link);
    if (!target) {
      return;
    }
    event.preventDefault();
    showIn(target, link.getAttribute("data-ai-fragment"));
  });

  document.querySelectorAll("[data-ai-panel]").forEach(function (panel) {
    var url = panel.getAttribute("data-ai-panel");
    fragments.load(panel, {
      url: url,
      fallbackHref: url.replace(/\/ai$/, "/tools"),
      prefix: "ai",
      loading: LOADING,
      failed: "The AI tools could not be loaded.",
      fallbackText: "Open the AI tools",
      retryClass: "ai-button",
      actionsClass: "ai-actions",
      heading: ".ai-title",
      shell: "ai-shell",
      focusAfterRetry: ".ai-title"
    }, false);
  });
})();
