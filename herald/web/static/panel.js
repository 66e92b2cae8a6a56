/* Herald's AI panel: the article page arrives without it (the page never waits on a summary), then this
   fetches the panel as server-rendered HTML and swaps it in. Its forms and links work without JavaScript (they
   lead to /article/{id}/tools); here they fetch a fragment into the panel instead of leaving the page.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  var LOADING = "Loading…";
  var PANEL_FAILED = "The AI tools could not be loaded.";
  var RESULT_FAILED = "That did not work. Please try again.";

  function paragraph(className, text) {
    var element = document.createElement("p");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function fetchFragment(url) {
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    });
  }

  function loadPanel(panel, focusStatus) {
    var heading = panel.querySelector(".ai-title");
    var shell = document.createElement("div");
    var status = paragraph("ai-status", LOADING);
    status.tabIndex = -1;
    shell.className = "ai-shell";
    shell.appendChild(status);
    if (heading) {
      panel.replaceChildren(heading, shell);
    } else {
      panel.replaceChildren(shell);
    }
    panel.setAttribute("aria-busy", "true");
    panel.classList.remove("is-failed");
    panel.classList.add("is-loading");
    if (focusStatus) {
      status.focus();
    }
    fetchFragment(panel.getAttribute("data-ai-panel"))
      .then(function (html) {
        panel.innerHTML = html;
        panel.classList.remove("is-loading");
        panel.classList.add("is-loaded");
        panel.removeAttribute("aria-busy");
        var title = panel.querySelector(".ai-title");
        if (focusStatus && title) {
          title.tabIndex = -1; // the retry button is gone: focus stays in the panel
          title.focus();
        }
      })
      .catch(function () {
        var retry = document.createElement("button");
        var fallback = document.createElement("a");
        var actions = document.createElement("p");
        retry.type = "button";
        retry.className = "ai-button";
        retry.textContent = "Try again";
        retry.addEventListener("click", function () {
          loadPanel(panel, true);
        });
        fallback.href = panel.getAttribute("data-ai-panel").replace(/\/ai$/, "/tools");
        fallback.textContent = "Open the AI tools";
        actions.className = "ai-actions";
        actions.append(retry, " ", fallback);
        var failure = paragraph("ai-status ai-status-failed", PANEL_FAILED);
        failure.setAttribute("role", "status");
        shell.replaceChildren(failure, actions);
        panel.classList.remove("is-loading");
        panel.classList.add("is-failed");
        panel.removeAttribute("aria-busy");
      });
  }

  /* Puts a fragment into a result region; a slower earlier request never overwrites a later one. */
  function showIn(target, url) {
    var request = String(Number(target.getAttribute("data-ai-request") || "0") + 1);
    target.setAttribute("data-ai-request", request);
    target.setAttribute("aria-busy", "true");
    target.replaceChildren(paragraph("ai-status", LOADING));
    fetchFragment(url)
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
    loadPanel(panel, false);
  });
})();
