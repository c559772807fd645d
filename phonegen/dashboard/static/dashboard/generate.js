// The generate form: carrier and line type chosen from what the area code
// holds (the API's carriers/ answer for this project: the numbers it can still
// be given, and those it holds), and the request sent to the API, whose
// refusal is shown as it words it.

import { apiGet, apiSend, clearErrors, showDone, showErrors } from "./api.js";

const LOOKUP_DELAY_MS = 250;
const UNKNOWN_CARRIER = "(carrier not known)";

export function setUpGenerateForm(form, config, tasks) {
  const areaCode = form.elements.area_code;
  const carrier = form.elements.carrier_filter;
  const lineType = form.elements.type_filter;
  const summary = form.querySelector("[data-role=area-summary]");
  const notes = {
    carrier: carrier.closest(".field").querySelector("[data-role=note]"),
    lineType: lineType.closest(".field").querySelector("[data-role=note]"),
  };
  // What the user chose, kept while the area code is being retyped; and a
  // choice the page had to drop, said until the user chooses again.
  const chosen = { carrier: "", lineType: "" };
  const dropped = { carrier: "", lineType: "" };
  let rows = [];
  let rowsOf = "";
  let lookup = 0;
  let timer = null;

  areaCode.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => lookUp(areaCode.value.trim()), LOOKUP_DELAY_MS);
  });
  for (const select of [carrier, lineType]) {
    select.addEventListener("change", () => {
      chosen.carrier = carrier.value;
      chosen.lineType = lineType.value;
      dropped.carrier = "";
      dropped.lineType = "";
      fill();
    });
  }

  async function lookUp(npa, { quiet = false } = {}) {
    const ticket = ++lookup;
    if (!/^[0-9]{3}$/.test(npa)) {
      rows = [];
      rowsOf = "";
      summary.textContent = "";
      fill();
      return;
    }
    if (!quiet) {
      summary.textContent = `Looking up what ${npa} holds…`;
    }
    const query = new URLSearchParams({ area_code: npa, project_id: config.projectId });
    const { ok, body } = await apiGet(`${config.urls.carriers}?${query}`);
    if (ticket !== lookup) {
      return;
    }
    if (!ok) {
      rows = [];
      rowsOf = "";
      summary.textContent = "";
      clearErrors(form);
      showErrors(form, body);
      fill();
      return;
    }
    if (!quiet) {
      clearErrors(form);
    }
    rows = body.data.carriers;
    rowsOf = npa;
    summary.textContent = rows.length ? describe(npa, body.data.totals, rows) : body.message;
    fill();
  }

  // Both lists from the rows, each narrowed by the other's choice: a carrier
  // never offers a line type it has not, nor the reverse. A choice that the
  // rows no longer allow (another area code, or all its numbers now in the
  // project) is set back to "Any", and the note beside the field says so.
  function fill() {
    if (rowsOf && chosen.lineType && available(null, chosen.lineType) === 0) {
      const held = rows.some((row) => row.line_type === chosen.lineType);
      dropped.lineType = droppedText(typeLabel(chosen.lineType), held ? "none left" : "absent");
      chosen.lineType = "";
    }
    if (rowsOf && chosen.carrier && available(chosen.carrier, chosen.lineType) === 0) {
      const type = chosen.lineType;
      const mine = rows.filter((row) => row.brand === chosen.carrier);
      const why = mine.some((row) => !type || row.line_type === type)
        ? "none left"
        : mine.length ? `no ${typeLabel(type)} lines` : "absent";
      dropped.carrier = droppedText(chosen.carrier, why);
      chosen.carrier = "";
    }
    const wantedType = chosen.lineType;
    const wantedCarrier = chosen.carrier;

    const brands = groups(rows.filter((row) => !wantedType || row.line_type === wantedType), "brand");
    carrier.replaceChildren(
      anyOption("Any carrier", brands),
      ...brands.map(([brand, counts]) => groupOption(brand, brand || UNKNOWN_CARRIER, counts, !brand)),
    );
    choose(carrier, wantedCarrier, wantedCarrier);

    const types = groups(rows.filter((row) => !wantedCarrier || row.brand === wantedCarrier), "line_type");
    lineType.replaceChildren(
      anyOption("Any line type", types),
      ...types.map(([type, counts]) => groupOption(type, typeLabel(type), counts, false)),
    );
    choose(lineType, wantedType, typeLabel(wantedType));

    setNote(notes.carrier, dropped.carrier || (wantedType && rows.length
      ? `Only carriers with ${typeLabel(wantedType)} lines are listed; choose “Any line type” to see all.`
      : ""));
    setNote(notes.lineType, dropped.lineType || (wantedCarrier && rows.length
      ? `Only the line types of ${wantedCarrier} are listed; choose “Any carrier” to see all.`
      : ""));
  }

  function available(brand, type) {
    return rows
      .filter((row) => (brand === null || row.brand === brand) && (!type || row.line_type === type))
      .reduce((sum, row) => sum + row.available_numbers, 0);
  }

  function droppedText(name, why) {
    const reasons = {
      absent: `${name} is not in ${rowsOf}`,
      "none left": `${name} has no numbers left in ${rowsOf} for this project`,
    };
    const said = reasons[why] || `${name} has ${why} in ${rowsOf}`;
    return `${said}, so the choice went back to “Any”.`;
  }

  function typeLabel(type) {
    return config.lineTypes[type] || type;
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
      if (body.errors && body.errors.area_code) {
        // The banner and the field now say what the hint under it said.
        summary.textContent = "";
      }
      showErrors(form, body);
      return;
    }
    const quantity = body.data.quantity;
    const noun = quantity === 1 ? "number" : "numbers";
    showDone(form, `${body.message}: ${number(quantity)} ${noun}, ${body.data.estimated_time}.`);
    tasks.add(body.data.task_id);
  });

  return {
    // After a task has ended: the counts again, keeping what is chosen.
    refresh() {
      if (rowsOf && rowsOf === areaCode.value.trim()) {
        lookUp(rowsOf, { quiet: true });
      }
    },
  };
}

function describe(npa, totals, rows) {
  const held = rows.reduce((sum, row) => sum + (row.in_project || 0), 0);
  let text = `${npa}: ${number(totals.available_numbers)} numbers available in `;
  text += `${plural(totals.prefixes, "prefix", "prefixes")} of ${plural(totals.carriers, "carrier", "carriers")}`;
  if (held) {
    text += `; this project holds ${number(held)}`;
  }
  return `${text}.`;
}

// [key, {available, inProject}] per value of ``key``, most available first.
function groups(rows, key) {
  const totals = new Map();
  for (const row of rows) {
    const counts = totals.get(row[key]) || { available: 0, inProject: 0 };
    counts.available += row.available_numbers;
    counts.inProject += row.in_project || 0;
    totals.set(row[key], counts);
  }
  return [...totals.entries()].sort((a, b) => b[1].available - a[1].available);
}

function anyOption(label, groups) {
  if (!groups.length) {
    return option("", label);
  }
  const all = groups.reduce((sum, [, counts]) => sum + counts.available, 0);
  return option("", `${label} (${number(all)} available)`);
}

// A group with nothing left is shown, with what the project holds, but cannot
// be chosen; nor can the carrier without a name, which no filter can select.
function groupOption(value, name, counts, unnamed) {
  const parts = [`${number(counts.available)} available`];
  if (counts.inProject) {
    parts.push(`${number(counts.inProject)} in this project`);
  }
  if (unnamed) {
    parts.push("only with “Any carrier”");
  }
  const element = option(value, `${name} (${parts.join(", ")})`);
  element.disabled = unnamed || counts.available === 0;
  return element;
}

// Choose ``value``; while no area code has been looked up it has no option
// yet, and gets a bare one rather than being quietly dropped.
function choose(element, value, label) {
  element.value = value;
  if (element.value !== value) {
    element.append(option(value, label));
    element.value = value;
  }
}

function setNote(note, text) {
  if (note && note.textContent !== text) {
    note.textContent = text;
  }
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

function plural(n, one, many) {
  return `${number(n)} ${n === 1 ? one : many}`;
}

function number(n) {
  return Number(n).toLocaleString("en-US");
}
