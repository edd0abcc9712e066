/* Zicht lessons: the chat comes alive, without changing what the page says.
 *
 * Without this script every message, choice and button is simply on the page.
 * With it: messages arrive one by one after a typing indicator, at the speed the
 * player chose (kept in sessionStorage for this tab only; "All at once" shows
 * everything, and it is the default for people who asked their system for reduced
 * motion); every message gets a "Read aloud" button that uses the browser's own
 * speech synthesis (nothing is sent anywhere); the number keys 1-9 pick a choice.
 * When the messages are in, focus moves to the question, so Tab reaches the
 * choices at once. Quick exit (Esc, Shift three times) is help/help.js.
 */
(function () {
  "use strict";

  var player = document.querySelector("[data-lesson-player]");
  if (!player) {
    return;
  }
  var lang = player.getAttribute("data-lang") === "en" ? "en" : "nl";
  var DELAYS = { slow: 2600, normal: 1300, fast: 500, instant: 0 };
  var STORE = "zicht-lesson-speed";
  var typingWords = { nl: " typt…", en: " is typing…" };

  function storedSpeed() {
    try {
      var value = window.sessionStorage.getItem(STORE);
      if (value && DELAYS.hasOwnProperty(value)) {
        return value;
      }
    } catch (ignored) {
      /* storage may be off; the default is fine */
    }
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return reduce ? "instant" : "normal";
  }

  var speed = storedSpeed();
  var messages = Array.prototype.slice.call(player.querySelectorAll("[data-message]"));
  var after = Array.prototype.slice.call(player.querySelectorAll("[data-after]"));
  var typing = player.querySelector("[data-typing]");
  var chat = player.querySelector("[data-chat]");
  var controls = player.querySelector("[data-controls]");
  var select = player.querySelector("[data-speed]");
  var showAll = player.querySelector("[data-show-all]");
  var timer = null;
  var next = 0;
  var finished = false;

  // ------------------------------------------------------------ read aloud
  var canSpeak = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
  function speak(text) {
    var synth = window.speechSynthesis;
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = lang === "en" ? "en-GB" : "nl-NL";
    var voices = synth.getVoices ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i += 1) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(lang) === 0) {
        utterance.voice = voices[i];
        break;
      }
    }
    synth.speak(utterance);
  }
  if (canSpeak) {
    messages.forEach(function (message) {
      var button = message.querySelector("[data-read-aloud]");
      var text = message.querySelector("[data-text]");
      if (!button || !text) {
        return;
      }
      var speaker = message.getAttribute("data-speaker");
      button.hidden = false;
      button.addEventListener("click", function () {
        speak((speaker ? speaker + ": " : "") + text.textContent);
      });
    });
  }

  // ------------------------------------------------------------ one by one
  function finish(moveFocus) {
    window.clearTimeout(timer);
    finished = true;
    messages.forEach(function (m) {
      m.classList.remove("js-hidden");
    });
    after.forEach(function (a) {
      a.classList.remove("js-hidden");
    });
    if (typing) {
      typing.hidden = true;
      typing.textContent = "";
    }
    if (showAll) {
      showAll.hidden = true;
    }
    if (moveFocus) {
      var focus = player.querySelector("[data-focus]");
      if (focus) {
        focus.focus();
      }
    }
  }

  function arrive() {
    if (next >= messages.length) {
      finish(true);
      return;
    }
    var message = messages[next];
    var speaker = message.getAttribute("data-speaker");
    if (typing && speaker) {
      typing.textContent = speaker + typingWords[lang];
      typing.hidden = false;
    }
    timer = window.setTimeout(function () {
      if (typing) {
        typing.hidden = true;
      }
      message.classList.remove("js-hidden");
      next += 1;
      arrive();
    }, next === 0 ? Math.min(DELAYS[speed], 600) : DELAYS[speed]);
  }

  if (controls) {
    controls.hidden = false;
  }
  if (select) {
    select.value = speed;
    select.addEventListener("change", function () {
      speed = DELAYS.hasOwnProperty(select.value) ? select.value : "normal";
      try {
        window.sessionStorage.setItem(STORE, speed);
      } catch (ignored) {
        /* not kept then; it still works on this page */
      }
      if (speed === "instant" && !finished) {
        finish(true);
      }
    });
  }
  if (showAll) {
    showAll.addEventListener("click", function () {
      finish(true);
    });
  }

  if (speed === "instant" || messages.length === 0) {
    finish(true);
  } else {
    messages.forEach(function (m) {
      m.classList.add("js-hidden");
    });
    after.forEach(function (a) {
      a.classList.add("js-hidden");
    });
    if (chat) {
      chat.setAttribute("aria-live", "polite");
    }
    arrive();
  }

  // ------------------------------------------------------------ number keys
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !finished) {
      return;
    }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      return;
    }
    var n = parseInt(event.key, 10);
    if (!(n >= 1 && n <= 9)) {
      return;
    }
    var choices = player.querySelectorAll("[data-choice]");
    if (choices[n - 1]) {
      event.preventDefault();
      choices[n - 1].click();
    }
  });
})();

/* The teacher's guide: a print button (the browser's own print dialog). */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button && window.print) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
