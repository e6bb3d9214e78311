/* Import pages: reload the batch page when its background job finishes (the job panel stops polling). */
(function () {
  "use strict";
  var holder = document.querySelector("[data-import-job]");
  if (!holder) { return; }
  document.body.addEventListener("htmx:afterSwap", function () {
    var panel = holder.querySelector(".job-status");
    if (panel && !panel.hasAttribute("hx-get")) { window.location.reload(); }
  });
})();
