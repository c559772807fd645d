// The task list: rows drawn by the server, kept current by the WebSocket of
// the user's tasks (authenticated by the session cookie).

import { apiSend, withTaskId } from "./api.js";

const FINAL = new Set(["task_completed", "task_failed", "task_cancelled"]);
const STATUS_LABELS = {
  pending: "Pending",
  in_progress: "In progress",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};
const REFUSED = new Set([4401, 4403, 4404]);
const RECONNECT_MS = 2000;

export class TaskList {
  constructor(config, list, { onFinished } = {}) {
    this.config = config;
    this.list = list;
    this.onFinished = onFinished || (() => {});
    this.announcer = document.getElementById("task-announcer");
    this.connection = document.querySelector("[data-role=connection]");
    // Row fetches in flight per task: only the newest one is drawn.
    this.fetches = new Map();
    this.announced = new Map();
    // What to announce of a task whose row is still being fetched: its title
    // comes with the row.
    this.unannounced = new Map();
    list.addEventListener("click", (event) => this.onClick(event));
    for (const row of list.querySelectorAll(".task")) {
      this.formatEta(row);
    }
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.config.urls.socket}`);
    socket.addEventListener("open", () => {
      this.setConnection("Live progress on.");
      // Tasks that ended while no socket was open send nothing more.
      for (const row of this.list.querySelectorAll(".task")) {
        if (!isFinished(row.dataset.status)) {
          this.refreshRow(row.dataset.taskId);
        }
      }
    });
    socket.addEventListener("message", (event) => this.onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (REFUSED.has(event.code)) {
        this.setConnection(`Live progress refused: ${event.reason} Sign in again.`);
        return;
      }
      this.setConnection("Live progress lost; reconnecting…");
      setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  setConnection(text) {
    if (this.connection) {
      this.connection.textContent = text;
    }
  }

  // A task this page started: drawn at once, before its first event.
  add(taskId) {
    this.refreshRow(taskId);
  }

  onMessage(task) {
    if (task.project_id !== this.config.projectId) {
      return;
    }
    const row = this.row(task.task_id);
    if (FINAL.has(task.type)) {
      this.refreshRow(task.task_id);
      this.announce(task, STATUS_LABELS[task.status]);
      return;
    }
    if (!row) {
      if (!this.fetches.has(task.task_id)) {
        this.refreshRow(task.task_id);
      }
      return;
    }
    this.update(row, task);
  }

  update(row, task) {
    const bar = row.querySelector("[data-role=bar]");
    if (bar) {
      bar.value = task.progress;
      bar.textContent = `${task.progress} %`;
    }
    setText(row, "percent", `${task.progress} %`);
    setText(row, "step", task.current_step || "Waiting for a worker");
    const status = row.querySelector("[data-role=status]");
    if (status && row.dataset.status !== task.status) {
      status.textContent = STATUS_LABELS[task.status] || task.status;
      status.className = `status status-${task.status}`;
      row.dataset.status = task.status;
      this.announce(task, status.textContent);
    }
    const eta = row.querySelector("[data-role=eta]");
    if (eta && task.estimated_completion) {
      eta.setAttribute("datetime", task.estimated_completion);
      this.formatEta(row);
    }
    // Every quarter, not every event: a screen reader would read them all.
    const quarter = Math.floor(task.progress / 25);
    if (quarter > (this.announced.get(task.task_id) || 0) && task.progress < 100) {
      this.announced.set(task.task_id, quarter);
      this.announce(task, `${task.progress} %`);
    }
  }

  announce(task, text) {
    if (!this.announcer) {
      return;
    }
    const row = this.row(task.task_id);
    if (!row) {
      this.unannounced.set(task.task_id, text);
      return;
    }
    this.announcer.textContent = `${row.dataset.summary}: ${text}`;
  }

  formatEta(row) {
    const eta = row.querySelector("[data-role=eta]");
    const iso = eta && eta.getAttribute("datetime");
    if (!iso) {
      return;
    }
    const when = new Date(iso);
    const seconds = Math.round((when - Date.now()) / 1000);
    // An estimate already past (the last batch is being written) says so
    // rather than "in about 0 s".
    let ahead = "any moment now";
    if (seconds >= 60) {
      ahead = `in about ${Math.round(seconds / 60)} min`;
    } else if (seconds > 0) {
      ahead = `in about ${seconds} s`;
    }
    eta.textContent = `${utcTime(when)} (${ahead})`;
  }

  async refreshRow(taskId) {
    const ticket = (this.fetches.get(taskId) || 0) + 1;
    this.fetches.set(taskId, ticket);
    const url = withTaskId(this.config.urls.row, this.config.taskIdSlot, taskId);
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok || this.fetches.get(taskId) !== ticket) {
      return;
    }
    const holder = document.createElement("template");
    holder.innerHTML = (await response.text()).trim();
    const fresh = holder.content.firstElementChild;
    const old = this.row(taskId);
    const hadFocus = old && old.contains(document.activeElement);
    if (old) {
      old.replaceWith(fresh);
    } else {
      this.list.prepend(fresh);
      const empty = document.querySelector("[data-role=no-tasks]");
      if (empty) {
        empty.hidden = true;
      }
    }
    this.formatEta(fresh);
    if (this.unannounced.has(taskId)) {
      this.announce({ task_id: taskId }, this.unannounced.get(taskId));
      this.unannounced.delete(taskId);
    }
    if (hadFocus) {
      // The cancel button went away with the old row; keep the keyboard near.
      fresh.setAttribute("tabindex", "-1");
      fresh.focus();
    }
    if (isFinished(fresh.dataset.status) && !(old && isFinished(old.dataset.status))) {
      this.onFinished(fresh);
    }
  }

  row(taskId) {
    return document.getElementById(`task-${taskId}`);
  }

  async onClick(event) {
    const button = event.target.closest("[data-action=cancel]");
    if (!button) {
      return;
    }
    const row = button.closest(".task");
    button.disabled = true;
    const url = withTaskId(this.config.urls.cancel, this.config.taskIdSlot, row.dataset.taskId);
    const { ok, body } = await apiSend(url, { json: {} });
    setText(row, "message", body.message || "");
    if (!ok) {
      button.disabled = false;
      return;
    }
    if (isFinished(body.data.status)) {
      this.refreshRow(row.dataset.taskId);
    }
  }
}

// "18:25:22 UTC", as the server writes the times it draws: one format on the
// page, whoever drew the row and wherever the browser is.
function utcTime(when) {
  return `${when.toISOString().slice(11, 19)} UTC`;
}

function isFinished(status) {
  return status === "completed" || status === "failed" || status === "cancelled";
}

function setText(row, role, text) {
  const element = row.querySelector(`[data-role=${role}]`);
  if (element) {
    element.textContent = text;
  }
}
