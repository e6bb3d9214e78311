/* Khuyến công số: behaviour shared by every page. Loaded as a file so the CSP needs no 'unsafe-inline'. */
(function () {
  "use strict";

  // htmx requests carry the CSRF token the page was rendered with.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.dataset.csrfToken;
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });

  // <select data-autosubmit> submits its form on change (language switcher, filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) { target.form.submit(); }
  });

  // <form data-confirm="…"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
})();
