/* Herald's reader bar: the article page is the same for every reader (so it can be cached and shared), and
   arrives with a link to the bar's own page. This fetches the bar as server-rendered HTML, which is about the
   reader (a sign-in prompt, or Save and Follow with their current state), and puts it in place of the link.
   Its forms are ordinary forms: sending one comes back to the article with the bar changed.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  var LOADING = "Loading your options…";
  var FAILED = "Save and follow could not be loaded.";

  function paragraph(className, text) {
    var element = document.createElement("p");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function load(bar, fallbackHref, focusStatus) {
    var url = bar.getAttribute("data-reader-bar");
    var status = paragraph("reader-status", LOADING);
    status.tabIndex = -1;
    bar.replaceChildren(status);
    bar.setAttribute("aria-busy", "true");
    bar.classList.remove("is-failed");
    bar.classList.add("is-loading");
    if (focusStatus) {
      status.focus();
    }
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        bar.innerHTML = html;
        bar.classList.remove("is-loading");
        bar.classList.add("is-loaded");
        bar.removeAttribute("aria-busy");
        if (focusStatus) {
          var first = bar.querySelector("button, a, summary");
          if (first) {
            first.focus(); // the retry button is gone: focus stays in the bar
          }
        }
      })
      .catch(function () {
        var retry = document.createElement("button");
        var fallback = document.createElement("a");
        var failure = paragraph("reader-status reader-status-failed", FAILED + " ");
        retry.type = "button";
        retry.className = "reader-button reader-button-quiet";
        retry.textContent = "Try again";
        retry.addEventListener("click", function () {
          load(bar, fallbackHref, true);
        });
        fallback.href = fallbackHref;
        fallback.textContent = "Open save and follow";
        failure.setAttribute("role", "status");
        failure.append(retry, " ", fallback);
        bar.replaceChildren(failure);
        bar.classList.remove("is-loading");
        bar.classList.add("is-failed");
        bar.removeAttribute("aria-busy");
      });
  }

  /* The bar sits under the headline, in view from the start: it is asked for at once. */
  document.querySelectorAll("[data-reader-bar]").forEach(function (bar) {
    var link = bar.querySelector("a");
    var fallbackHref = link ? link.getAttribute("href") : bar.getAttribute("data-reader-bar").replace(/\?.*$/, "");
    load(bar, fallbackHref, false);
  });
})();
