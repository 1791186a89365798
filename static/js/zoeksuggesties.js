/* Search as you type: every search form with a data-suggest-url becomes a combobox
   (WAI-ARIA 1.2, list autocomplete with manual selection). Typing asks the server for
   suggestions (debounced; an outdated request is aborted), the arrow keys move
   through them, Enter opens the chosen one, Escape closes the list and then clears
   the box. A polite live region says how many suggestions there are. Without this
   script the form is a plain search form. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MIN_CHARACTERS = 2;
  var MAX_CHARACTERS = 100;  // as search/suggest.py: longer gets no suggestions

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest-url]");
    for (var i = 0; i < forms.length; i++) {
      enhance(forms[i]);
    }
  }

  function enhance(form) {
    var input = form.querySelector("input[name=q]");
    if (!input || !input.id || !window.fetch || !window.AbortController) {
      return;
    }
    var listId = input.id + "-suggesties";
    var wrapper = document.createElement("div");
    wrapper.className = "suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggesties");
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    wrapper.appendChild(status);

    // ARIA in HTML allows a combobox on a text input, not on a search input.
    input.type = "text";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var suggestions = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var shownFor = null;

    function normalised(text) {
      // Lower case, single spaces, none in front: one address (and one cached
      // answer) for what the server treats alike. A space at the end stays: it
      // says the last word is complete.
      return text.toLowerCase().replace(/\s+/g, " ").replace(/^ /, "");
    }

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      if (suggestions.length && normalised(input.value) === shownFor) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      activate(-1);
    }

    function activate(index) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
        options[active].classList.remove("suggest__option--active");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        options[active].classList.add("suggest__option--active");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function announce(text) {
      status.textContent = text;
    }

    function go(index) {
      window.location.assign(suggestions[index].url);
    }

    function render(data) {
      suggestions = data.suggestions;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.className = "suggest__option suggest__option--" + suggestion.type;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "suggest__label";
        suggestion.parts.forEach(function (part) {
          var piece = document.createElement(part.match ? "mark" : "span");
          piece.textContent = part.text;
          label.appendChild(piece);
        });
        var detail = document.createElement("span");
        detail.className = "suggest__detail";
        detail.textContent = suggestion.detail;
        option.appendChild(label);
        option.appendChild(detail);
        list.appendChild(option);
      });
      announce(data.message);
      if (suggestions.length) {
        open();
      } else {
        close();
      }
    }

    function request(text) {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = form.dataset.suggestUrl + "?" + new URLSearchParams({ q: text });
      fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "omit",
        signal: pending.signal
      }).then(function (response) {
        // A refused question (400) gets no suggestions rather than the old ones.
        return response.ok ? response.json() : { suggestions: [], message: "" };
      }).then(function (data) {
        if (normalised(input.value) === text && document.activeElement === input) {
          shownFor = text;
          render(data);
        }
      }).catch(function (error) {
        if (error.name !== "AbortError") {
          close();
        }
      });
    }

    function changed() {
      var text = normalised(input.value);
      window.clearTimeout(timer);
      if (text.trim().length < MIN_CHARACTERS || text.length > MAX_CHARACTERS) {
        if (pending) {
          pending.abort();
        }
        suggestions = [];
        shownFor = null;
        list.textContent = "";
        close();
        announce("");
        return;
      }
      if (text === shownFor) {
        return;
      }
      activate(-1);
      timer = window.setTimeout(function () { request(text); }, DEBOUNCE_MS);
    }

    input.addEventListener("input", changed);

    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key !== "ArrowDown") {
        return;
      }
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (!event.altKey && suggestions.length) {
              activate(0);
            }
          } else if (suggestions.length) {
            activate(active + 1 < suggestions.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) {
            open();
          }
          if (suggestions.length) {
            activate(active > 0 ? active - 1 : suggestions.length - 1);
          }
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          event.preventDefault();
          if (isOpen()) {
            close();
          } else if (input.value) {
            input.value = "";
            changed();
          }
          break;
        case "Tab":
          close();
          break;
        case "Home":
        case "End":
        case "ArrowLeft":
        case "ArrowRight":
          activate(-1);
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });

    input.addEventListener("focus", function () {
      open();
    });

    // A click keeps the focus in the box (mousedown), then opens the suggestion.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        go(Array.prototype.indexOf.call(list.children, option));
      }
    });
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest("[role=option]");
      var index = option ? Array.prototype.indexOf.call(list.children, option) : -1;
      if (index >= 0 && index !== active) {
        activate(index);
      }
    });
  }
})();
