/* The column editor in the admin: a live preview rendered by the site itself, a word
   count, and images picked from the library. Without this script the plain text field
   and the header image list work as they are. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  // The admin loads form media in <head>: start once the page is there.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var WORDS_PER_MINUTE = 200;
    var editor = document.querySelector("[data-newsroom-editor]");
    if (!editor) {
      return;
    }
    var textarea = editor.querySelector("textarea");
    var preview = editor.querySelector("[data-newsroom-preview]");
    var count = editor.querySelector("[data-newsroom-count]");
    var status = editor.querySelector("[data-newsroom-status]");
    var dialog = editor.querySelector("[data-newsroom-picker]");
    var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    var headerSelect = document.querySelector("select[data-newsroom-header-image]");
    var timer = null;
    var pending = null;
    var pickFor = "body";

    editor.querySelector("[data-newsroom-toolbar]").hidden = false;
    editor.querySelector("[data-newsroom-preview-pane]").hidden = false;
    editor.classList.add("newsroom-editor--live");

    function countWords(text) {
      var words = text.replace(/^[ \t]*\[\[beeld:\d+\]\][ \t]*\r?$/gm, " ").split(/\s+/);
      return words.filter(function (word) { return /[\p{L}\p{N}]/u.test(word); }).length;
    }

    function showCount() {
      var words = countWords(textarea.value);
      var minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      count.textContent = words + (words === 1 ? " woord" : " woorden") + " · " + minutes + " min lezen";
    }

    function refresh() {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      status.textContent = "Voorbeeld bijwerken…";
      fetch(editor.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "" },
        body: new URLSearchParams({ body: textarea.value }),
        signal: pending.signal
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || "Het voorbeeld lukte niet.");
          }
          preview.innerHTML = data.html;  // sanitised by the site's Markdown pipeline
          preview.dataset.state = "klaar";
          status.textContent = "";
        });
      }).catch(function (error) {
        if (error.name !== "AbortError") {
          status.textContent = error.message || "Het voorbeeld lukte niet.";
        }
      });
    }

    function changed() {
      showCount();
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    }

    function insertReference(reference) {
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var before = textarea.value.slice(0, start);
      var after = textarea.value.slice(end);
      var lead = before === "" ? "" : (/\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n"));
      var tail = /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
      var text = lead + reference + tail;
      textarea.value = before + text + after;
      var caret = before.length + text.length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      changed();
    }

    // --- The image picker ---------------------------------------------------------
    var searchTimer = null;

    function loadImages(query) {
      var list = dialog.querySelector("[data-newsroom-picker-list]");
      var say = dialog.querySelector("[data-newsroom-picker-status]");
      say.textContent = "Beelden laden…";
      var url = editor.dataset.pickerUrl + (query ? "?q=" + encodeURIComponent(query) : "");
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.json();
      }).then(function (data) {
        list.textContent = "";
        (data.images || []).forEach(function (item) {
          var entry = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "newsroom-picker__item";
          button.dataset.reference = item.reference;
          button.dataset.id = item.id;
          if (item.thumbnail) {
            var img = document.createElement("img");
            img.src = item.thumbnail;
            img.alt = "";
            img.width = 160;
            img.height = Math.max(1, Math.round(160 * item.height / item.width));
            button.appendChild(img);
          }
          var label = document.createElement("span");
          label.textContent = item.alt;
          button.appendChild(label);
          button.addEventListener("click", function () {
            pick(item);
          });
          entry.appendChild(button);
          list.appendChild(entry);
        });
        var total = (data.images || []).length;
        say.textContent = total === 0 ? "Geen beelden gevonden." :
          (total === 1 ? "1 beeld." : total + " beelden.");
      }).catch(function () {
        say.textContent = "De beeldbank kon niet worden geladen.";
      });
    }

    function openPicker(target) {
      pickFor = target;
      dialog.showModal();
      loadImages(dialog.querySelector("[data-newsroom-search]").value.trim());
      dialog.querySelector("[data-newsroom-search]").focus();
    }

    function pick(item) {
      dialog.close();
      if (pickFor === "header" && headerSelect) {
        var option = headerSelect.querySelector('option[value="' + item.id + '"]');
        if (!option) {
          option = new Option(item.label, String(item.id));
          headerSelect.appendChild(option);
        }
        headerSelect.value = String(item.id);
        headerSelect.dispatchEvent(new Event("change", { bubbles: true }));
        showHeaderThumbnail(item);
        headerSelect.focus();
      } else {
        insertReference(item.reference);
      }
    }

    if (dialog) {
      editor.querySelector("[data-newsroom-insert-image]").addEventListener("click", function () {
        openPicker("body");
      });
      dialog.querySelector("[data-newsroom-close]").addEventListener("click", function () {
        dialog.close();
      });
      dialog.querySelector("[data-newsroom-search]").addEventListener("input", function (event) {
        window.clearTimeout(searchTimer);
        searchTimer = window.setTimeout(function () {
          loadImages(event.target.value.trim());
        }, 300);
      });
    }

    // --- The header image -----------------------------------------------------------
    var headerThumbnail = null;

    function showHeaderThumbnail(item) {
      if (!headerThumbnail) {
        return;
      }
      headerThumbnail.textContent = "";
      if (item && item.thumbnail) {
        var img = document.createElement("img");
        img.src = item.thumbnail;
        img.alt = "";
        img.width = 160;
        img.height = Math.max(1, Math.round(160 * item.height / item.width));
        headerThumbnail.appendChild(img);
      }
    }

    if (headerSelect && dialog) {
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "button newsroom-header-image__choose";
      choose.textContent = "Kies uit de beeldbank";
      choose.addEventListener("click", function () {
        openPicker("header");
      });
      headerThumbnail = document.createElement("span");
      headerThumbnail.className = "newsroom-header-image__thumbnail";
      var wrapper = headerSelect.closest(".related-widget-wrapper") || headerSelect;
      wrapper.insertAdjacentElement("afterend", headerThumbnail);
      wrapper.insertAdjacentElement("afterend", choose);
      headerSelect.addEventListener("change", function () {
        if (!headerSelect.value) {
          showHeaderThumbnail(null);
        }
      });
      if (headerSelect.value) {
        fetch(editor.dataset.pickerUrl + "?id=" + encodeURIComponent(headerSelect.value), {
          credentials: "same-origin"
        }).then(function (response) {
          return response.json();
        }).then(function (data) {
          showHeaderThumbnail((data.images || [])[0]);
        }).catch(function () {});
      }
    }

    textarea.addEventListener("input", changed);
    showCount();
    refresh();
  }
})();
