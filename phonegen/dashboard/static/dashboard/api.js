// Calls to phonegen's API with the page's session, and its error envelope
// ({message, errors: {field: [...]}}) shown beside the form's fields.

export function readConfig() {
  return JSON.parse(document.getElementById("dashboard-config").textContent);
}

export function withTaskId(pattern, slot, taskId) {
  return pattern.replace(slot, encodeURIComponent(taskId));
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// Answers {ok, status, body}; a body that is not JSON becomes a message, so
// callers always have something to show.
export async function apiSend(url, { method = "POST", json, formData } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  let body = formData;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, {
      method, headers, body, credentials: "same-origin",
    });
  } catch (error) {
    return { ok: false, status: 0, body: { message: "The server could not be reached.", errors: {} } };
  }
  let payload;
  try {
    payload = await response.json();
  } catch (error) {
    payload = { message: `The server answered ${response.status}.`, errors: {} };
  }
  return { ok: response.ok, status: response.status, body: payload };
}

export async function apiGet(url) {
  return apiSend(url, { method: "GET" });
}

export function clearErrors(form) {
  const message = form.querySelector("[data-role=form-message]");
  if (message) {
    message.hidden = true;
    message.textContent = "";
    message.classList.remove("ok");
  }
  for (const error of form.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const field of form.querySelectorAll(".field")) {
    field.classList.remove("has-error");
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

// The API's message on top; each field's errors under the field of that
// name; errors of fields the form does not show stay with the message.
export function showErrors(form, body) {
  const message = form.querySelector("[data-role=form-message]");
  const elsewhere = [];
  let firstInvalid = null;
  for (const [name, errors] of Object.entries(body.errors || {})) {
    const field = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    if (!field) {
      elsewhere.push(`${name}: ${errors.join(" ")}`);
      continue;
    }
    field.classList.add("has-error");
    const error = field.querySelector(".field-error");
    error.textContent = errors.join(" ");
    error.hidden = false;
    const input = field.querySelector("input, select, textarea");
    if (input) {
      input.setAttribute("aria-invalid", "true");
      firstInvalid = firstInvalid || input;
    }
  }
  if (message) {
    message.textContent = "";
    const lead = document.createElement("p");
    // The API's generic "Invalid input: area_code." names fields as code does;
    // a person needs to be sent to the fields marked below instead.
    const generic = /^Invalid input: /.test(body.message || "") && firstInvalid;
    lead.textContent = generic
      ? "Please correct the fields marked below."
      : body.message || "The request was refused.";
    message.append(lead);
    for (const text of elsewhere) {
      const line = document.createElement("p");
      line.textContent = text;
      message.append(line);
    }
    message.hidden = false;
  }
  if (firstInvalid) {
    firstInvalid.focus();
  }
}

export function showDone(form, text) {
  const message = form.querySelector("[data-role=form-message]");
  if (!message) {
    return;
  }
  message.textContent = text;
  message.classList.add("ok");
  message.hidden = false;
}
