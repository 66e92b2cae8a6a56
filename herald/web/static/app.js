/* Herald as an app: registers the service worker (/sw.js), which keeps the front page, its top stories and
   the reader's saved articles for reading offline; makes the footer's "Get the app" open the browser's own
   install prompt where there is one, and otherwise its short instructions for this kind of device; and on
   the offline page lists what can be read without a network.
   Plain JavaScript, no libraries, no inline code: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  /* After the page has loaded, so the worker's first downloads never compete with the page's own. */
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        /* No worker (a private window may refuse one): the site works as before, without offline reading. */
      });
    });
  }

  /* "Get the app" ----------------------------------------------------------------------------------- */

  var offers = Array.prototype.slice.call(document.querySelectorAll("[data-app-get]"));
  var standalone = window.matchMedia ? window.matchMedia("(display-mode: standalone)") : null;
  var kept = null; // the browser's install prompt, held for the button

  function installed() {
    return (standalone !== null && standalone.matches) || window.navigator.standalone === true;
  }

  function hideOffers() {
    offers.forEach(function (offer) {
      offer.hidden = true;
    });
  }

  function devicePlatform() {
    var agent = navigator.userAgent || "";
    var touchMac = /Macintosh/.test(agent) && navigator.maxTouchPoints > 1; // an iPad asks for desktop pages
    if (/iPhone|iPad|iPod/.test(agent) || touchMac) {
      return "ios";
    }
    return /Android/.test(agent) ? "android" : "computer";
  }

  /* Only this device's instructions, when it is one the instructions name. */
  function tailorInstructions(offer) {
    var platform = devicePlatform();
    var steps = offer.querySelectorAll("[data-app-platform]");
    var matching = Array.prototype.filter.call(steps, function (step) {
      return step.getAttribute("data-app-platform") === platform;
    });
    if (matching.length) {
      Array.prototype.forEach.call(steps, function (step) {
        step.hidden = matching.indexOf(step) < 0;
      });
    }
  }

  if (installed()) {
    hideOffers();
  } else {
    offers.forEach(function (offer) {
      tailorInstructions(offer);
      var summary = offer.querySelector("summary");
      if (!summary) {
        return;
      }
      summary.addEventListener("click", function (event) {
        if (!kept) {
          return; // no prompt in this browser: the instructions open instead
        }
        event.preventDefault();
        var prompt = kept;
        kept = null; // a prompt is shown once
        offers.forEach(function (each) {
          each.classList.remove("app-get-ready");
        });
        prompt.prompt();
        prompt.userChoice.then(function (choice) {
          if (choice && choice.outcome === "accepted") {
            hideOffers();
          }
        }, function () {});
      });
    });
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault(); // shown when the reader asks, from the button, not by the browser unasked
    kept = event;
    offers.forEach(function (offer) {
      offer.classList.add("app-get-ready");
    });
  });

  window.addEventListener("appinstalled", function () {
    kept = null;
    hideOffers();
  });

  if (standalone !== null && standalone.addEventListener) {
    standalone.addEventListener("change", function () {
      if (installed()) {
        hideOffers();
      }
    });
  }

  /* The offline page: what the worker kept --------------------------------------------------------------- */

  var offline = document.querySelector("[data-offline]");
  if (!offline || !("caches" in window)) {
    return;
  }

  function cacheNamed(names, prefix) {
    for (var i = 0; i < names.length; i += 1) {
      if (names[i].indexOf(prefix) === 0) {
        return names[i];
      }
    }
    return null;
  }

  /* Headline and publisher of a kept article page, read from its own markup as text, never as HTML. */
  function describe(response) {
    return response.text().then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var headline = page.querySelector("h1");
      var publisher = page.querySelector(".byline .publisher");
      return {
        title: headline ? headline.textContent.trim() : (page.title || "").trim(),
        publisher: publisher ? publisher.textContent.trim() : ""
      };
    });
  }

  function listItem(path, found) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = path;
    link.textContent = found.title || path;
    item.appendChild(link);
    if (found.publisher) {
      var from = document.createElement("span");
      from.className = "offline-from";
      from.textContent = found.publisher;
      item.appendChild(from);
    }
    return item;
  }

  /* Fill one group of the page from one cache; resolves to whether it held anything. */
  function showGroup(names, prefix, group) {
    var name = cacheNamed(names, prefix);
    var list = group ? group.querySelector("ul") : null;
    if (!name || !list) {
      return Promise.resolve(false);
    }
    return caches.open(name).then(function (cache) {
      return cache.keys().then(function (requests) {
        var articles = requests.filter(function (request) {
          return /^\/article\/[0-9a-f]{32}$/.test(new URL(request.url).pathname);
        });
        return Promise.all(articles.map(function (request) {
          return cache.match(request).then(function (response) {
            return response ? describe(response) : null;
          }).then(function (found) {
            return found ? listItem(new URL(request.url).pathname, found) : null;
          });
        }));
      });
    }).then(function (items) {
      items.forEach(function (item) {
        if (item) {
          list.appendChild(item);
        }
      });
      group.hidden = !list.children.length;
      return !group.hidden;
    });
  }

  caches.keys().then(function (names) {
    var pages = cacheNamed(names, "herald-pages-");
    var hasFront = pages
      ? caches.open(pages).then(function (cache) {
        return cache.match("/");
      }).then(Boolean)
      : Promise.resolve(false);
    return Promise.all([
      hasFront,
      showGroup(names, "herald-saved-", offline.querySelector("[data-offline-group=saved]")),
      showGroup(names, "herald-pages-", offline.querySelector("[data-offline-group=top]"))
    ]);
  }).then(function (shown) {
    var front = offline.querySelector("[data-offline-front]");
    if (front) {
      front.hidden = !shown[0];
    }
    var none = offline.querySelector("[data-offline-none]");
    if (none) {
      none.hidden = shown[0] || shown[1] || shown[2];
    }
  }).catch(function () {});
})();
