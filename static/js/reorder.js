// Drag-and-drop reordering of a list: <ol data-reorder-url=".." data-reorder-saved=".." data-reorder-failed="..">
// with <li data-question-id="..">. The arrow buttons in each item keep working without JavaScript and for
// keyboard users; this only adds dragging with a mouse or pen. The new order is POSTed as order=<id>&order=<id>...
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("ol[data-reorder-url]").forEach((list) => {
    const status = document.getElementById("reorder-status");
    const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    let dragged = null;
    let before = [];
    const ids = () => Array.from(list.querySelectorAll("li[data-question-id]")).map((li) => li.dataset.questionId);

    list.querySelectorAll("li[data-question-id]").forEach((item) => {
      item.draggable = true;
      item.classList.add("is-draggable");
      item.addEventListener("dragstart", (event) => {
        dragged = item;
        before = ids();
        item.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.questionId);
      });
      item.addEventListener("dragend", () => {
        item.classList.remove("is-dragging");
        dragged = null;
      });
      item.addEventListener("dragover", (event) => {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        const box = item.getBoundingClientRect();
        const after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
    });

    // Allow dropping anywhere on the list, also on the dragged item itself once it has moved under the pointer.
    list.addEventListener("dragover", (event) => {
      if (dragged) event.preventDefault();
    });

    list.addEventListener("drop", (event) => {
      event.preventDefault();
      const order = ids();
      if (order.join() === before.join()) return;
      const body = new URLSearchParams();
      order.forEach((id) => body.append("order", id));
      fetch(list.dataset.reorderUrl, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body,
        credentials: "same-origin",
      })
        .then((response) => {
          if (!response.ok) throw new Error(String(response.status));
          if (status) status.textContent = list.dataset.reorderSaved;
        })
        .catch(() => {
          if (status) {
            status.textContent = list.dataset.reorderFailed;
            status.classList.remove("kern-sr-only");
          }
        });
    });
  });
});
