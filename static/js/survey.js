// The public survey: after a page of a long survey is sent (Next, Back or an error), move the keyboard and
// screen-reader focus to what changed: the error summary, else the heading of the new page. The form names
// the target in data-focus; without this file the page works the same, focus just starts at the top.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("survey-form");
  if (!form || !form.dataset.focus) return;
  const target = document.getElementById(form.dataset.focus);
  if (target) target.focus();
});
