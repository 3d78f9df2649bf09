// vertaal's UI: inline glossary edits. Plain JavaScript, no libraries, nothing from the network.
"use strict";

function csrf() {
  return document.body.dataset.csrf;
}

async function post(url, fields) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  body.append("csrf", csrf());
  const response = await fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf() } });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).error; } catch (error) { /* a plain message */ }
    throw new Error(message);
  }
  return text;
}

function status(row, message, failed) {
  let cell = row.querySelector(".status");
  if (!cell) {
    cell = document.createElement("span");
    cell.className = "status";
    row.querySelector(".actions").append(cell);
  }
  cell.textContent = message;
  cell.classList.toggle("error", Boolean(failed));
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("#entries button[data-action]");
  if (!button) return;
  const row = button.closest("tr");
  const table = document.querySelector("#entries");
  const glossary = table.dataset.glossary;
  const pair = table.dataset.pair;
  const source = row.dataset.source;
  try {
    if (button.dataset.action === "save") {
      await post("/ui/glossary/update", {
        name: glossary,
        pair,
        source,
        target: row.querySelector("input[name=target]").value,
        note: row.querySelector("input[name=note]").value,
      });
      status(row, "saved", false);
    } else if (button.dataset.action === "delete") {
      await post("/ui/glossary/delete", { name: glossary, pair, source });
      row.remove();
    }
  } catch (error) {
    status(row, error.message, true);
  }
});
