// An import's report page: the import's progress live, and the report drawn
// by the server once the import has ended.

import { readConfig } from "./api.js";
import { TaskList } from "./tasks.js";

const config = readConfig();
const list = document.getElementById("task-list");
const tasks = new TaskList(config, list, {
  onFinished: (row) => {
    if (row.dataset.taskId === list.dataset.reloadOnFinish) {
      location.reload();
    }
  },
});
if (list.querySelector(".task[data-status=pending], .task[data-status=in_progress]")) {
  tasks.connect();
}
