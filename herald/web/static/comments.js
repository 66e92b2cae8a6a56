/* Herald's comments: the article and story pages are the same for every reader (so they can be cached and
   shared), and arrive with a link to the comments' own page. This fetches the thread as server-rendered HTML
   (through fragments.js, the loader the page's deferred parts share), which is about the reader (signed in or
   not, their own comments), and puts it in place of the link. Its forms are ordinary forms: posting one
   reloads the page at the new comment.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

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

  function load(section) {
    var url = section.getAttribute("data-comments");
    window.heraldFragments.load(section, {
      url: url,
      fallbackHref: url.replace(/\?.*$/, ""),
      prefix: "comments",
      loading: "Loading comments…",
      failed: "The comments could not be loaded.",
      fallbackText: "Read and write comments",
      retryClass: "comment-button",
      actionsClass: "comment-actions",
      heading: ".comments-title",
      focusAfterRetry: ".comments-title",
      loaded: showLinkedComment
    }, false);
  }

  /* Most readers never scroll down to the comments: the thread is asked for when the section comes near,
     or at once when the address points into it. */
  document.querySelectorAll("[data-comments]").forEach(function (section) {
    var linked = /^#comment/.test(window.location.hash);
    if (linked || !("IntersectionObserver" in window)) {
      load(section);
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          load(section);
        }
      },
      { rootMargin: "800px 0px" }
    );
    observer.observe(section);
  });
})();
