/* Herald's reader bar: the article page is the same for every reader (so it can be cached and shared), and
   arrives with a link to the bar's own page. This fetches the bar as server-rendered HTML (through
   fragments.js, the loader the page's deferred parts share), which is about the reader (a sign-in prompt, or
   Save and Follow with their current state), and puts it in place of the link. Its forms are ordinary forms:
   sending one comes back to the article with the bar changed.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  /* The bar sits under the headline, in view from the start: it is asked for at once. */
  document.querySelectorAll("[data-reader-bar]").forEach(function (bar) {
    var url = bar.getAttribute("data-reader-bar");
    var link = bar.querySelector("a");
    window.heraldFragments.load(bar, {
      url: url,
      fallbackHref: link ? link.getAttribute("href") : url.replace(/\?.*$/, ""),
      prefix: "reader",
      loading: "Loading your options…",
      failed: "Save and follow could not be loaded.",
      fallbackText: "Open save and follow",
      retryClass: "reader-button reader-button-quiet",
      focusAfterRetry: "button, a, summary"
    }, false);
  });
})();
