/* Zicht help pages: quick exit, history without help pages, proof-of-work (whose
 * difficulty the server sets per challenge; it rises with load).
 *
 * Quick exit: the button, Esc, or Shift pressed three times (within 5 seconds, with
 * no other key in between, as in GOV.UK's "Exit this page") blanks the page at
 * once, ends the conversation session on the server (a beacon to the end-session
 * address, which also clears the session cookie) and replaces the current history
 * entry with the neutral page. Esc exits at once also while typing in a text field
 * (safety first: a draft is lost, see docs/help.md); only an Esc that belongs to an
 * input method's composition (Japanese, Chinese, ...) is left to that input method.
 * Links and forms between help pages also replace the current history entry
 * instead of adding one, so that after a quick exit the Back button does not lead
 * to a help page. Without JavaScript the button is a plain link and the pages work
 * as normal pages (with normal history).
 * Everything runs in an IIFE: after a form is sent the new page is written into
 * this same document and this file runs again.
 */
(function () {
  "use strict";

  var button = document.getElementById("quick-exit");
  var script = document.getElementById("help-script");
  var exitUrl =
    (button && button.getAttribute("data-exit-url")) ||
    (script && script.getAttribute("data-exit-url")) ||
    "about:blank";
  var endUrl = script && script.getAttribute("data-end-url");

  // Before leaving: end the conversation session on the server. sendBeacon is queued by
  // the browser and survives the navigation; fetch with keepalive where it is missing.
  function endSession() {
    if (!endUrl) {
      return;
    }
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(endUrl)) {
        return;
      }
    } catch (ignored) {
      /* fall back to fetch */
    }
    try {
      window.fetch(endUrl, { method: "POST", keepalive: true, credentials: "same-origin", cache: "no-store" });
    } catch (ignored) {
      /* leaving is what counts; the session still ends after 30 idle minutes */
    }
  }

  function quickExit(event) {
    if (event) {
      event.preventDefault();
    }
    try {
      document.documentElement.classList.add("help-exiting");
      document.title = "";
      if (document.body) {
        document.body.textContent = "";
      }
    } catch (ignored) {
      /* blanking is best effort; leaving is what counts */
    }
    endSession();
    window.location.replace(exitUrl);
  }

  if (button) {
    button.addEventListener("click", quickExit);
  }

  var shiftPresses = 0;
  var shiftTimer = null;
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        if (event.isComposing || event.keyCode === 229) {
          return; // the input method's own Esc: it cancels the composition
        }
        quickExit(event);
        return;
      }
      if (event.key === "Shift") {
        if (event.repeat) {
          return;
        }
        shiftPresses += 1;
        if (shiftPresses === 1) {
          shiftTimer = window.setTimeout(function () {
            shiftPresses = 0;
          }, 5000);
        }
        if (shiftPresses >= 3) {
          window.clearTimeout(shiftTimer);
          shiftPresses = 0;
          quickExit(event);
        }
        return;
      }
      shiftPresses = 0;
      window.clearTimeout(shiftTimer);
    },
    true
  );

  // Back to a page kept in the browser's memory after an exit: leave again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("help-exiting")) {
      window.location.replace(exitUrl);
    }
  });

  // ------------------------------------------------------------ history
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.id === "quick-exit" || link.target || link.hasAttribute("download")) {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) {
      return;
    }
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
      return; // a link within the page, such as "skip to main content"
    }
    event.preventDefault();
    window.location.replace(url.href);
  });

  function show(url, html, target) {
    try {
      window.history.replaceState(null, "", url);
    } catch (ignored) {
      /* a different origin cannot happen for same-origin fetches */
    }
    document.open();
    document.write(html);
    document.close();
    // Like a new page for keyboard and screen-reader users: focus the main content,
    // or the element the form asked for (such as the latest message).
    var focus = (target && document.getElementById(target)) || document.getElementById("main");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus();
      focus.scrollIntoView();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !window.fetch || !window.FormData) {
      return;
    }
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (form.classList.contains("language-switch") || form.dataset.sending === "1") {
      return;
    }
    event.preventDefault();
    form.dataset.sending = "1";
    var submitter = event.submitter;
    prepare(form)
      .then(function () {
        var data = new FormData(form);
        if (submitter && submitter.name) {
          data.append(submitter.name, submitter.value);
        }
        return window.fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          cache: "no-store",
        });
      })
      .then(function (response) {
        return response.text().then(function (html) {
          show(response.url, html, response.ok ? form.getAttribute("data-focus-after") : null);
        });
      })
      .catch(function () {
        form.dataset.sending = "";
        form.submit();
      });
  });

  // ------------------------------------------------------------ proof-of-work
  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i += 1) {
      if (bytes[i] === 0) {
        bits += 8;
        continue;
      }
      var b = bytes[i];
      while ((b & 0x80) === 0) {
        bits += 1;
        b <<= 1;
      }
      return bits;
    }
    return bits;
  }

  function solve(challenge, bits) {
    var encoder = new TextEncoder();
    var counter = 0;
    function batch() {
      var digests = [];
      for (var i = 0; i < 512; i += 1) {
        digests.push(window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + (counter + i))));
      }
      return Promise.all(digests).then(function (results) {
        for (var j = 0; j < results.length; j += 1) {
          if (leadingZeroBits(new Uint8Array(results[j])) >= bits) {
            return String(counter + j);
          }
        }
        counter += results.length;
        return batch();
      });
    }
    return batch();
  }

  var solutions = {};
  function startSolving(form) {
    var challenge = form.querySelector("input[name=challenge]");
    var bits = parseInt(form.getAttribute("data-pow-bits"), 10);
    if (!challenge || !bits || !(window.crypto && window.crypto.subtle && window.TextEncoder)) {
      return null;
    }
    if (!solutions[challenge.value]) {
      solutions[challenge.value] = solve(challenge.value, bits).then(function (solution) {
        var field = form.querySelector("input[name=solution]");
        if (field) {
          field.value = solution;
        }
        return solution;
      });
    }
    return solutions[challenge.value];
  }

  function prepare(form) {
    var pending = form.hasAttribute("data-pow-bits") ? startSolving(form) : null;
    if (!pending) {
      return Promise.resolve();
    }
    var status = form.querySelector("[data-pow-status]");
    if (status && status.getAttribute("data-wait")) {
      status.textContent = status.getAttribute("data-wait");
    }
    return pending;
  }

  function resend(form) {
    if (form.requestSubmit) {
      form.requestSubmit(); // through the submit handler above, like a click
    } else {
      form.submit();
    }
  }

  var powForms = document.querySelectorAll("form[data-pow-bits]");
  for (var k = 0; k < powForms.length; k += 1) {
    var solving = startSolving(powForms[k]);
    // The server asked for more work because it got busy while the person was typing:
    // solve the new challenge and send the same message again, without another click.
    if (solving && powForms[k].hasAttribute("data-pow-resend")) {
      solving.then(resend.bind(null, powForms[k]));
    }
  }
})();
