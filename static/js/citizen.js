/* Small helps on the citizen's pages; every page works without them.
   - [data-copy]: copies the text of the element it names, says so in [data-copy-status].
   - [data-print]: prints the page (the print stylesheet keeps the tracking code).
   - [data-max-total]: a file input whose files together must not pass that many bytes;
     the form is not sent and the error shows next to the field (the server checks too).
   - [data-error-summary]: gets the focus after a form came back with errors. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) summary.focus();
  }

  function setUp(root) {
    root.querySelectorAll("[data-copy], [data-print]").forEach(function (button) {
      button.hidden = false;
    });
    focusSummary(root);
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      var status = document.querySelector("[data-copy-status]");
      var text = source ? source.textContent.trim() : "";
      if (navigator.clipboard && text) {
        navigator.clipboard.writeText(text).then(function () {
          if (status) status.textContent = copy.getAttribute("data-copied");
        }, function () {
          if (status) status.textContent = copy.getAttribute("data-copy-failed");
        });
      } else if (status) {
        status.textContent = copy.getAttribute("data-copy-failed");
      }
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    form.querySelectorAll("input[type=file][data-max-total]").forEach(function (input) {
      var limit = parseInt(input.getAttribute("data-max-total"), 10);
      var total = 0;
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
      var error = document.getElementById(input.id + "-size-error");
      if (limit && total > limit) {
        event.preventDefault();
        if (error) {
          error.hidden = false;
          input.setAttribute("aria-invalid", "true");
          input.focus();
        }
      } else if (error) {
        error.hidden = true;
      }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target); });
})();
