/* Herald's comments: the article and story pages are the same for every reader (so they can be cached and
   shared), and arrive with a link to the comments' own page. This fetches the thread as server-rendered HTML,
   which is about the reader (signed in or not, their own comments), and puts it in place of the link. Its forms
   are ordinary forms: posting one reloads the page at the new comment.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  var LOADING = "Loading comments…";
  var FAILED = "The comments could not be loaded.";

  function paragraph(className, text) {
    var element = document.createElement("p");
    element.className = className;
    element.textContent = text;
    return element;
  }

  /* A link to a comment (#comment-12) can only be followed once the thread is in the page. */
  function showLinkedComment(section) {
    var id = window.location.hash.slice(1);
    if (id.indexOf("comment-") !== 0) {
      return;
    }
    var target = document.getElementById(id);
    if (target && section.contains(target)) {
      target.tabIndex = -1;
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    }
  }

  function load(section, focusStatus) {
    var heading = section.querySelector(".comments-title");
    var url = section.getAttribute("data-comments");
    var status = paragraph("comments-status", LOADING);
    status.tabIndex = -1;
    section.replaceChildren.apply(section, heading ? [heading, status] : [status]);
    section.setAttribute("aria-busy", "true");
    section.classList.remove("is-failed");
    section.classList.add("is-loading");
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
        section.innerHTML = html;
        section.classList.remove("is-loading");
        section.classList.add("is-loaded");
        section.removeAttribute("aria-busy");
        var title = section.querySelector(".comments-title");
        if (focusStatus && title) {
          title.tabIndex = -1; // the retry button is gone: focus stays in the section
          title.focus();
        }
        showLinkedComment(section);
      })
      .catch(function () {
        var retry = document.createElement("button");
        var fallback = document.createElement("a");
        var actions = document.createElement("p");
        var failure = paragraph("comments-status comments-status-failed", FAILED);
        retry.type = "button";
        retry.className = "comment-button";
        retry.textContent = "Try again";
        retry.addEventListener("click", function () {
          load(section, true);
        });
        fallback.href = url.replace(/\?.*$/, "");
        fallback.textContent = "Read and write comments";
        actions.className = "comment-actions";
        actions.append(retry, " ", fallback);
        failure.setAttribute("role", "status");
        section.replaceChildren.apply(section, heading ? [heading, failure, actions] : [failure, actions]);
        section.classList.remove("is-loading");
        section.classList.add("is-failed");
        section.removeAttribute("aria-busy");
      });
  }

  /* Most readers never scroll down to the comments: the thread is asked for when the section comes near,
     or at once when the address points into it. */
  document.querySelectorAll("[data-comments]").forEach(function (section) {
    var linked = /^#comment/.test(window.location.hash);
    if (linked || !("IntersectionObserver" in window)) {
      load(section, false);
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          load(section, false);
        }
      },
      { rootMargin: "800px 0px" }
    );
    observer.observe(section);
  });
})();
