/* Herald's deferred fragments: the article and story pages arrive without the parts that are about the reader
   or slow to make (the AI panel, the comments, the reader bar), each a placeholder holding a link to its own
   page. This is the one loader they share: it fetches a placeholder's fragment as server-rendered HTML and swaps
   it in, with a loading state, and on failure a retry button beside the link to the full page. What differs
   (texts, class names, when to load, what follows) is given by each widget's own script (panel.js,
   comments.js, reader.js), which runs after this one: all are deferred, in the page's order.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

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

  /* Options:
       url, fallbackHref   the fragment, and the full page offered when it cannot be had
       prefix              the widget's class prefix: "<prefix>-status", "<prefix>-status-failed"
       loading, failed, fallbackText   what the reader is told
       retryClass          the retry button's class
       actionsClass        the paragraph holding retry and link; without one they follow the failure's text
       heading             (optional) a selector for a heading that stays while loading or failed
       shell               (optional) the class of a box the status and failure are put in, under the heading
       focusAfterRetry     a selector for what takes the focus when a retry has worked (the retry button is gone)
       loaded              (optional) called with the placeholder once the fragment is in */
  function load(placeholder, options, focusStatus) {
    var heading = options.heading ? placeholder.querySelector(options.heading) : null;
    var status = paragraph(options.prefix + "-status", options.loading);
    var box = placeholder;
    status.tabIndex = -1;
    if (options.shell) {
      box = document.createElement("div");
      box.className = options.shell;
      box.appendChild(status);
      placeholder.replaceChildren.apply(placeholder, heading ? [heading, box] : [box]);
    } else {
      placeholder.replaceChildren.apply(placeholder, heading ? [heading, status] : [status]);
    }
    placeholder.setAttribute("aria-busy", "true");
    placeholder.classList.remove("is-failed");
    placeholder.classList.add("is-loading");
    if (focusStatus) {
      status.focus();
    }
    fetchFragment(options.url)
      .then(function (html) {
        placeholder.innerHTML = html;
        placeholder.classList.remove("is-loading");
        placeholder.classList.add("is-loaded");
        placeholder.removeAttribute("aria-busy");
        var focus = focusStatus ? placeholder.querySelector(options.focusAfterRetry) : null;
        if (focus) {
          if (focus.tabIndex < 0) {
            focus.tabIndex = -1; // a heading is made focusable; a control already is
          }
          focus.focus(); // the retry button is gone: focus stays in the placeholder
        }
        if (options.loaded) {
          options.loaded(placeholder);
        }
      })
      .catch(function () {
        var retry = document.createElement("button");
        var fallback = document.createElement("a");
        var failure = paragraph(
          options.prefix + "-status " + options.prefix + "-status-failed",
          options.actionsClass ? options.failed : options.failed + " "
        );
        var parts = [failure];
        retry.type = "button";
        retry.className = options.retryClass;
        retry.textContent = "Try again";
        retry.addEventListener("click", function () {
          load(placeholder, options, true);
        });
        fallback.href = options.fallbackHref;
        fallback.textContent = options.fallbackText;
        failure.setAttribute("role", "status");
        if (options.actionsClass) {
          var actions = document.createElement("p");
          actions.className = options.actionsClass;
          actions.append(retry, " ", fallback);
          parts.push(actions);
        } else {
          failure.append(retry, " ", fallback);
        }
        if (box !== placeholder) {
          box.replaceChildren.apply(box, parts);
        } else {
          placeholder.replaceChildren.apply(placeholder, heading ? [heading].concat(parts) : parts);
        }
        placeholder.classList.remove("is-loading");
        placeholder.classList.add("is-failed");
        placeholder.removeAttribute("aria-busy");
      });
  }

  window.heraldFragments = Object.freeze({ fetch: fetchFragment, load: load, paragraph: paragraph });
})();
