// Stadtlotse: small progressive enhancements. Pages work without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Really?"> or <button type="submit" data-confirm="Really?">
  document.body.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    const message =
      (submitter && submitter.dataset ? submitter.dataset.confirm : null) ||
      (event.target.dataset ? event.target.dataset.confirm : null);
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
});
