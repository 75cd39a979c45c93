// Browser behavior of the pems-sync admin pages. It is loaded as a file after htmx, so the pages
// need no inline script and work under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  "use strict";

  // Same output as formatDate, formatDateTime and formatTime in views/format.ts, in the browser's
  // time zone.
  var dateTimeFormat = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  var timeZone = dateTimeFormat.resolvedOptions().timeZone;

  function formatLocal(date, format) {
    var parts = {};
    dateTimeFormat.formatToParts(date).forEach(function (part) {
      parts[part.type] = part.value;
    });
    if (format === "time") return parts.hour + ":" + parts.minute + ":" + parts.second;
    var text = parts.month + " " + parts.day + ", " + parts.year;
    return format === "datetime" ? text + " " + parts.hour + ":" + parts.minute : text;
  }

  function localizeTimes(root) {
    var times = root.querySelectorAll("time[data-format]");
    for (var i = 0; i < times.length; i++) {
      var time = times[i];
      var date = new Date(time.getAttribute("datetime"));
      if (isNaN(date.getTime())) continue;
      time.textContent = formatLocal(date, time.getAttribute("data-format"));
      time.title = timeZone;
    }
  }

  function openDialogs(root) {
    var dialogs = root.matches && root.matches("dialog[data-auto-open]")
      ? [root]
      : root.querySelectorAll("dialog[data-auto-open]");
    for (var i = 0; i < dialogs.length; i++) {
      if (!dialogs[i].open) dialogs[i].showModal();
    }
  }

  function showError(message) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var paragraph = document.createElement("p");
    paragraph.className = "alert alert-error";
    paragraph.setAttribute("role", "alert");
    paragraph.textContent = message;
    flash.replaceChildren(paragraph);
  }

  // A failed progress stream may mean that the session ended. The session route then responds
  // with HX-Redirect, and the browser goes to the login page.
  function checkSession() {
    fetch("/admin/session", { headers: { "HX-Request": "true" } }).then(function (response) {
      var location = response.headers.get("HX-Redirect");
      if (location) window.location.href = location;
    }).catch(function () {});
  }

  htmx.onLoad(function (element) {
    localizeTimes(element);
    openDialogs(element);
  });

  // A button with data-add-row="LIST" and data-template="TEMPLATE" appends a copy of the
  // template's content to the element with id LIST, such as another header row, and focuses
  // its first field.
  function addRow(button) {
    var list = document.getElementById(button.getAttribute("data-add-row"));
    var template = document.getElementById(button.getAttribute("data-template"));
    if (!list || !(template instanceof HTMLTemplateElement)) return;
    var row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    var field = row.querySelector("input, select, textarea");
    if (field) field.focus();
  }

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-dialog]");
    if (closer && closer.closest("dialog")) closer.closest("dialog").close();
    var adder = event.target.closest("[data-add-row]");
    if (adder) addRow(adder);
  });

  // The close event does not bubble, so it is caught on the way down. data-return-focus lists
  // ids separated by spaces, and the first element still on the page gets the focus. A dialog
  // that deleted its row's button thus falls back to another one.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement)) return;
    var ids = (dialog.getAttribute("data-return-focus") || "").split(" ");
    for (var i = 0; i < ids.length; i++) {
      var target = ids[i] && document.getElementById(ids[i]);
      if (target) {
        target.focus();
        return;
      }
    }
  }, true);

  // A dialog form with data-close-on-success closes its dialog after a 2xx response. Error
  // responses (400, 409) are swapped like a 200 (views/layout.tsx), so the status decides.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-close-on-success")) return;
    var status = event.detail.xhr.status;
    var dialog = form.closest("dialog");
    if (status >= 200 && status < 300 && dialog && dialog.open) dialog.close();
  });

  document.body.addEventListener("htmx:sseError", function (event) {
    var source = event.detail && event.detail.source;
    if (source && source.readyState === EventSource.CLOSED) checkSession();
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    showError("The server failed to process the request (status " + status + "). Try again.");
  });

  document.body.addEventListener("htmx:sendError", function () {
    showError("The server did not respond. Check the connection and try again.");
  });
})();
