// vertaal's UI: inline glossary edits, a busy state on every long action, documents downloaded
// with errors shown on the page. Plain JavaScript, no libraries, nothing from the network.
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
      if (!window.confirm(`Delete "${source}" from ${glossary}? Its history keeps it for a restore.`)) return;
      await post("/ui/glossary/delete", { name: glossary, pair, source });
      row.remove();
    }
  } catch (error) {
    status(row, error.message, true);
  }
});

// Enter in an inline edit saves the row, as its Save button does.
document.addEventListener("keydown", (event) => {
  const input = event.target.closest("#entries input");
  if (!input || event.key !== "Enter") return;
  event.preventDefault();
  input.closest("tr").querySelector("button[data-action=save]").click();
});

function busy(form, on) {
  form.setAttribute("aria-busy", on ? "true" : "false");
  for (const button of form.querySelectorAll("button")) {
    if (on) {
      button.dataset.label = button.textContent;
      button.textContent = "Working…";
    } else if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
    button.disabled = on;
  }
}

function fileName(response, fallback) {
  const header = response.headers.get("content-disposition") || "";
  const match = header.match(/filename\*=UTF-8''([^;]+)/);
  return match ? decodeURIComponent(match[1]) : fallback;
}

// Every form shows that it works and cannot be sent twice; a document comes back as a download
// and an error is said on the page, the chosen file and options kept.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  if (!("download" in form.dataset)) {
    busy(form, true);
    return;
  }
  event.preventDefault();
  const shown = document.querySelector("#error");
  shown.hidden = true;
  busy(form, true);
  try {
    const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-CSRF-Token": csrf() } });
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try { message = JSON.parse(text).error; } catch (error) { /* an HTML page */ }
      if (message.startsWith("<")) message = new DOMParser().parseFromString(message, "text/html").querySelector("main p")?.textContent || response.statusText;
      throw new Error(message);
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = fileName(response, "translation");
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    shown.textContent = error.message;
    shown.hidden = false;
  } finally {
    busy(form, false);
  }
});

// Back to a page from the browser's cache: its forms are not busy any more.
window.addEventListener("pageshow", () => document.querySelectorAll("form[aria-busy=true]").forEach((f) => busy(f, false)));
