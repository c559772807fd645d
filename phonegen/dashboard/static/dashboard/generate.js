// The generate form: carrier and line type chosen from what the area code
// holds (the API's carriers/ answer, with the numbers available), and the
// request sent to the API, whose refusal is shown as it words it.

import { apiGet, apiSend, clearErrors, showDone, showErrors } from "./api.js";

const LOOKUP_DELAY_MS = 250;

export function setUpGenerateForm(form, config, tasks) {
  const areaCode = form.elements.area_code;
  const carrier = form.elements.carrier_filter;
  const lineType = form.elements.type_filter;
  const summary = form.querySelector("[data-role=area-summary]");
  let rows = [];
  let lookup = 0;
  let timer = null;

  areaCode.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => lookUp(areaCode.value.trim()), LOOKUP_DELAY_MS);
  });
  carrier.addEventListener("change", () => fillLineTypes());

  async function lookUp(npa) {
    const ticket = ++lookup;
    rows = [];
    if (!/^[0-9]{3}$/.test(npa)) {
      summary.textContent = "";
      fillCarriers();
      return;
    }
    summary.textContent = `Looking up what ${npa} holds…`;
    const url = `${config.urls.carriers}?${new URLSearchParams({ area_code: npa })}`;
    const { ok, body } = await apiGet(url);
    if (ticket !== lookup) {
      return;
    }
    if (!ok) {
      summary.textContent = "";
      clearErrors(form);
      showErrors(form, body);
      fillCarriers();
      return;
    }
    clearErrors(form);
    rows = body.data.carriers;
    const totals = body.data.totals;
    summary.textContent = rows.length
      ? `${npa}: ${number(totals.available_numbers)} numbers in ${number(totals.prefixes)} prefixes of ${totals.carriers} carriers.`
      : body.message;
    fillCarriers();
  }

  function fillCarriers() {
    const totals = new Map();
    for (const row of rows) {
      totals.set(row.brand, (totals.get(row.brand) || 0) + row.available_numbers);
    }
    const all = [...totals.values()].reduce((sum, n) => sum + n, 0);
    const options = [option("", rows.length ? `Any carrier (${number(all)} available)` : "Any carrier")];
    const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]);
    for (const [brand, total] of ranked) {
      options.push(option(brand, `${brand} (${number(total)} available)`));
    }
    carrier.replaceChildren(...options);
    fillLineTypes();
  }

  function fillLineTypes() {
    const chosen = carrier.value;
    const totals = new Map();
    for (const row of rows) {
      if (!chosen || row.brand === chosen) {
        totals.set(row.line_type, (totals.get(row.line_type) || 0) + row.available_numbers);
      }
    }
    const previous = lineType.value;
    const options = [option("", "Any line type")];
    for (const [type, total] of [...totals.entries()].sort((a, b) => b[1] - a[1])) {
      const label = config.lineTypes[type] || type;
      options.push(option(type, `${label} (${number(total)} available)`));
    }
    lineType.replaceChildren(...options);
    if (totals.has(previous)) {
      lineType.value = previous;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const { ok, body } = await apiSend(config.urls.generate, {
      json: {
        project_id: config.projectId,
        area_code: areaCode.value.trim(),
        quantity: integer(form.elements.quantity.value),
        carrier_filter: carrier.value,
        type_filter: lineType.value,
        batch_size: integer(form.elements.batch_size.value),
      },
    });
    button.disabled = false;
    if (!ok) {
      showErrors(form, body);
      return;
    }
    showDone(form, `${body.message}: ${number(body.data.quantity)} numbers, ${body.data.estimated_time}.`);
    tasks.add(body.data.task_id);
  });
}

// A number when the field holds one; else the text as typed, so that the API
// refuses it in its own words.
function integer(text) {
  const trimmed = text.trim().replace(/[,_ ]/g, "");
  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : text;
}

function option(value, label) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  return element;
}

function number(n) {
  return Number(n).toLocaleString("en-US");
}
