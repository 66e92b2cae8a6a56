/* Herald's service worker: the site as an app that keeps reading when the network goes.

   What it keeps, in three caches:
     shell   the stylesheet, the scripts, the logo and icons and the offline page, fetched when it installs;
             named by the version of those files, so a new worker starts a new one and the old is deleted.
     pages   the front page and its top stories' articles: refreshed from the network on each visit of the
             front page, and shown from here only when the network cannot be had.
     saved   the signed-in reader's saved articles: an article goes in when the reader bar says it is saved
             (or the reading list lists it), and out when it is removed; the whole cache goes when a session
             begins or ends on this browser, since what one reader saved is not the next one's.
   Nothing else is kept: not a form's answer, nor an account, admin or moderation page, nor the API, nor a
   response marked private or no-store. A page the network cannot give and no cache holds gets the offline
   page, which lists what can be read.

   It learns which articles to keep by reading the pages it passes on for marks of the templates' markup,
   which the site writes into CONFIG when it sends this file (herald/web/pages/app.py, where the tests check
   those marks against the rendered pages). Plain JavaScript, no libraries. */
"use strict";

var CONFIG = {"version": "development", "shell": ["/offline"], "offline": "/offline", "marks": {}}; // herald:config

var SHELL = "herald-shell-" + CONFIG.version;
var PAGES = "herald-pages-v1";
var SAVED = "herald-saved-v1";
var KEPT = [SHELL, PAGES, SAVED];
var MARKS = CONFIG.marks;
var FRONT = "/";
var SAVED_LIST = "/account/saved";
var TOP_STORIES_KEPT = 12;
var ARTICLE_ID = /^[0-9a-f]{32}$/;
var ARTICLE = /^\/article\/([0-9a-f]{32})$/;
var READER_BAR = /^\/article\/([0-9a-f]{32})\/you$/;
var UNSAVE = /^\/you\/unsave\/([0-9a-f]{32})$/;
var SHELL_FILES = /^\/(static|app\/icons|site\/logo)(\/|$)/;
/* Forms that may begin or end a session on this browser. */
var SESSION_FORMS = /^\/account\/(sign-in|sign-out|sign-up|welcome\/[^/]+|reset\/[^/]+)$/;

function articlePath(id) {
  return "/article/" + id;
}

function pathOf(request) {
  return new URL(request.url).pathname;
}

/* A response fit to keep: a whole, successful answer from this site that its headers do not keep private. */
function storable(response) {
  if (!response || !response.ok || response.type !== "basic") {
    return false;
  }
  return !/no-store|private/i.test(response.headers.get("Cache-Control") || "");
}

/* The article ids that follow each occurrence of ``mark`` in ``html``, once each, in order. */
function idsAfter(html, mark) {
  var ids = [];
  if (!mark) {
    return ids;
  }
  var at = html.indexOf(mark);
  while (at >= 0) {
    var id = html.slice(at + mark.length, at + mark.length + 32);
    if (ARTICLE_ID.test(id) && ids.indexOf(id) < 0) {
      ids.push(id);
    }
    at = html.indexOf(mark, at + mark.length);
  }
  return ids;
}

function topStoryIds(html) {
  var start = MARKS.topStories ? html.indexOf(MARKS.topStories) : -1;
  if (start < 0) {
    return [];
  }
  var end = html.indexOf(MARKS.topStoriesEnd, start);
  return idsAfter(html.slice(start, end < 0 ? html.length : end), MARKS.topStory).slice(0, TOP_STORIES_KEPT);
}

/* Fetch the articles' pages into a cache; with ``missingOnly``, only those it lacks. One failing is no
   reason to give up the others. */
function keepArticles(name, ids, missingOnly) {
  return caches.open(name).then(function (cache) {
    return Promise.all(ids.map(function (id) {
      var path = articlePath(id);
      var held = missingOnly ? cache.match(path) : Promise.resolve(undefined);
      return held.then(function (found) {
        if (found) {
          return undefined;
        }
        return fetch(path, { credentials: "same-origin" }).then(function (response) {
          return storable(response) ? cache.put(path, response) : undefined;
        });
      }).catch(function () {
        return undefined;
      });
    }));
  });
}

/* Delete the cache's articles but those in ``ids``. */
function keepOnly(name, ids) {
  return caches.open(name).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        var found = ARTICLE.exec(pathOf(request));
        return found && ids.indexOf(found[1]) < 0 ? cache.delete(request) : undefined;
      }));
    });
  });
}

function forget(name, path) {
  return caches.open(name).then(function (cache) {
    return cache.delete(path);
  });
}

/* The front page as it came, then its top stories' articles anew; articles that left the top go. */
function keepFrontPage(response) {
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) {
    return cache.put(FRONT, response);
  }).then(function () {
    return copy.text();
  }).then(function (html) {
    var ids = topStoryIds(html);
    return keepOnly(PAGES, ids).then(function () {
      return keepArticles(PAGES, ids, false);
    });
  });
}

/* An article read online replaces its kept copy, wherever one is kept. */
function refreshKept(path, response) {
  return Promise.all([SAVED, PAGES].map(function (name) {
    return caches.open(name).then(function (cache) {
      return cache.match(path).then(function (found) {
        return found ? cache.put(path, response.clone()) : undefined;
      });
    });
  }));
}

/* The reader bar (the fragment in an article's page, or its own page) says whether the reader saved it. */
function noteReaderBar(id, response) {
  return response.text().then(function (html) {
    if (html.indexOf(MARKS.saved + id) >= 0) {
      return keepArticles(SAVED, [id], true);
    }
    if (html.indexOf(MARKS.notSaved + id) >= 0) {
      return forget(SAVED, articlePath(id));
    }
    return undefined; // signed out: the bar says nothing about a list
  });
}

/* The reading list: its articles are kept; its first page, when there is no older one, is the whole list,
   and what it lacks was removed elsewhere. */
function noteSavedList(url, response) {
  return response.text().then(function (html) {
    var ids = idsAfter(html, MARKS.saved);
    var page = url.searchParams.get("page") || "1";
    var whole = page === "1" && html.indexOf(MARKS.olderPage) < 0;
    return (whole ? keepOnly(SAVED, ids) : Promise.resolve()).then(function () {
      return keepArticles(SAVED, ids, true);
    });
  });
}

function offlinePage() {
  return caches.match(CONFIG.offline).then(function (page) {
    return page || Response.error();
  });
}

/* A page to show: from the network first, and on the way what it tells about what to keep; from a cache
   when the network fails, and the offline page when no cache holds it. */
function navigate(event, url) {
  var path = url.pathname;
  var bar = READER_BAR.exec(path);
  return fetch(event.request).then(function (response) {
    if (path === FRONT && storable(response)) {
      event.waitUntil(keepFrontPage(response.clone()).catch(function () {}));
    } else if (ARTICLE.test(path) && storable(response)) {
      event.waitUntil(refreshKept(path, response.clone()).catch(function () {}));
    } else if (path === SAVED_LIST && response.status === 200) {
      event.waitUntil(noteSavedList(url, response.clone()).catch(function () {}));
    } else if (bar && response.status === 200) {
      event.waitUntil(noteReaderBar(bar[1], response.clone()).catch(function () {}));
    }
    return response;
  }, function () {
    var keepable = path === FRONT || ARTICLE.test(path);
    return (keepable ? caches.match(path) : Promise.resolve(undefined)).then(function (kept) {
      return kept || offlinePage();
    });
  });
}

/* The shell's files carry their version in their address: a kept copy is the file. Offline, a page kept from
   before an update asks for an older version, and gets the current one. */
function shellFile(event) {
  var request = event.request;
  return caches.match(request).then(function (found) {
    if (found) {
      return found;
    }
    return fetch(request).then(function (response) {
      if (storable(response) && new URL(request.url).searchParams.has("v")) {
        var copy = response.clone();
        event.waitUntil(caches.open(SHELL).then(function (cache) {
          return cache.put(request, copy);
        }));
      }
      return response;
    }, function (error) {
      return caches.match(request, { ignoreSearch: true }).then(function (older) {
        if (older) {
          return older;
        }
        throw error;
      });
    });
  });
}

/* An answer passed on untouched, read on the side. */
function passOn(event, read) {
  var reading = Promise.resolve();
  var answer = fetch(event.request).then(function (response) {
    if (response.status === 200) {
      reading = read(response.clone()).catch(function () {});
    }
    return response;
  });
  event.respondWith(answer);
  event.waitUntil(answer.then(function () {
    return reading;
  }, function () {
    return undefined;
  }));
}

/* A form sent: never intercepted nor kept, but it may change what is kept. */
function noteForm(event, path) {
  var unsaved = UNSAVE.exec(path);
  if (unsaved) {
    event.waitUntil(forget(SAVED, articlePath(unsaved[1])));
  } else if (SESSION_FORMS.test(path)) {
    event.waitUntil(caches.delete(SAVED));
  }
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      return cache.addAll(CONFIG.shell.map(function (url) {
        return new Request(url, { cache: "reload", credentials: "same-origin" });
      }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("herald-") === 0 && KEPT.indexOf(name) < 0;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    }).then(function () {
      // The front page the reader arrived on came before this worker: keep it now, not on the next visit.
      return fetch(FRONT, { credentials: "same-origin" }).then(function (response) {
        return storable(response) ? keepFrontPage(response) : undefined;
      }).catch(function () {
        return undefined;
      });
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return; // publishers' pictures: the browser's own business
  }
  if (request.method !== "GET") {
    noteForm(event, url.pathname);
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (SHELL_FILES.test(url.pathname)) {
    event.respondWith(shellFile(event));
  } else {
    var bar = READER_BAR.exec(url.pathname);
    if (bar) {
      passOn(event, function (response) {
        return noteReaderBar(bar[1], response);
      });
    }
  }
});
