// A project's page: generate, import, validate, and the live task list.

import { apiSend, clearErrors, readConfig, showDone, showErrors, withTaskId } from "./api.js";
import { setUpGenerateForm } from "./generate.js";
import { TaskList } from "./tasks.js";

const config = readConfig();

const tasks = new TaskList(config, document.getElementById("task-list"), {
  onFinished: () => {
    refreshSummary();
    generate.refresh();
  },
});
tasks.connect();

const generate = setUpGenerateForm(document.getElementById("generate-form"), config, tasks);

// Counts and chart, drawn again by the server once a task has ended (it may
// have stored numbers), in place and without a reload.
let summaryFetch = 0;
async function refreshSummary() {
  const ticket = ++summaryFetch;
  let response;
  try {
    response = await fetch(config.urls.summary, { credentials: "same-origin" });
  } catch (error) {
    return;
  }
  if (!response.ok || ticket !== summaryFetch) {
    return;
  }
  const holder = document.createElement("template");
  holder.innerHTML = await response.text();
  for (const id of ["project-counts", "project-chart"]) {
    const fresh = holder.content.getElementById(id);
    const old = document.getElementById(id);
    if (!fresh || !old) {
      continue;
    }
    // A table the user opened stays open.
    const opened = old.querySelector("details[open]");
    const details = fresh.querySelector("details");
    if (opened && details) {
      details.open = true;
    }
    old.replaceWith(fresh);
  }
}

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
