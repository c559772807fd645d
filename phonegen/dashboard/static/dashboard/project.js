// A project's page: generate, import, validate, and the live task list.

import { apiSend, clearErrors, readConfig, showDone, showErrors, withTaskId } from "./api.js";
import { setUpGenerateForm } from "./generate.js";
import { TaskList } from "./tasks.js";

const config = readConfig();
const counts = document.getElementById("project-counts");

const tasks = new TaskList(config, document.getElementById("task-list"), {
  onFinished: (row) => {
    if (row.dataset.status === "completed" && !document.getElementById("stale-note")) {
      // Counts and chart are drawn by the server; say they are behind.
      const note = document.createElement("span");
      note.id = "stale-note";
      note.append(" · Numbers changed: ");
      const link = document.createElement("a");
      link.href = location.pathname;
      link.textContent = "refresh counts and chart";
      note.append(link);
      counts.append(note);
    }
  },
});
tasks.connect();

setUpGenerateForm(document.getElementById("generate-form"), config, tasks);

const importForm = document.getElementById("import-form");
importForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(importForm);
  const formData = new FormData(importForm);
  formData.append("project_id", config.projectId);
  const { ok, body } = await apiSend(config.urls.import, { formData });
  if (!ok) {
    showErrors(importForm, body);
    return;
  }
  showDone(importForm, `${body.message}: ${body.data.total_lines} lines.`);
  location.assign(withTaskId(config.urls.importReport, config.taskIdSlot, body.data.task_id));
});

const validateForm = document.getElementById("validate-form");
validateForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(validateForm);
  const { ok, body } = await apiSend(config.urls.validate, {
    json: { project_id: config.projectId },
  });
  if (!ok) {
    showErrors(validateForm, body);
    return;
  }
  showDone(validateForm, `${body.message}: ${Number(body.data.total).toLocaleString("en-US")} numbers.`);
  tasks.add(body.data.task_id);
});
