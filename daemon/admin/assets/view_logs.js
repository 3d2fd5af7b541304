// Settlebridge admin page: the Logs page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

async function logsView(before) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const companySel = h("select", { id: "log-company", name: "company" }, h("option", { value: "" }, "All companies"),
    state.companies.map((c) => h("option", { value: c.id, selected: params.get("company") === String(c.id) }, c.name)));
  const level = h("select", { id: "log-level", name: "level" }, ["", "info", "warning", "error"].map((l) =>
    h("option", { value: l, selected: (params.get("level") || "") === l }, l ? l + " and above" : "Everything")));
  const text = h("input", { id: "log-text", name: "q", type: "search", value: params.get("q") || "" });
  const from = h("input", { id: "log-from", name: "from", type: "date", value: params.get("from") || "" });
  const to = h("input", { id: "log-to", name: "to", type: "date", value: params.get("to") || "" });
  const form = h("form", { class: "card row", role: "search", "aria-label": "Filter the log" },
    h("div", {}, h("label", { for: "log-company" }, "Company"), " ", companySel),
    h("div", {}, h("label", { for: "log-level" }, "Level"), " ", level),
    h("div", {}, h("label", { for: "log-text" }, "Text"), " ", text),
    h("div", {}, h("label", { for: "log-from" }, "From"), " ", from),
    h("div", {}, h("label", { for: "log-to" }, "To"), " ", to),
    h("button", { type: "submit", class: "primary" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const p = new URLSearchParams();
    if (companySel.value) p.set("company", companySel.value);
    if (level.value) p.set("level", level.value);
    if (text.value) p.set("q", text.value);
    if (from.value) p.set("from", from.value);
    if (to.value) p.set("to", to.value);
    const hash = "#/logs?" + p.toString();
    if (location.hash === hash) logsView(); else location.hash = hash;
  });
  const query = new URLSearchParams();
  for (const k of ["company", "level", "q"]) if (params.get(k)) query.set(k, params.get(k));
  addDayRange(query, params.get("from"), params.get("to"));
  if (before) query.set("before", before);
  const r = await api("GET", "/api/events?" + query.toString());
  if (!r.ok) { show(h("h1", {}, "Logs"), form, h("p", { class: "bad", role: "alert" }, r.data.error)); return; }
  const rows = r.data.events.map((e) => h("tr", { class: "level-" + e.level }, cell(when(e.at)), cell(e.level), cell(e.company || "\u2014"), cell(e.message)));
  show(h("h1", {}, "Logs"), form,
    rows.length ? table(["When", "Level", "Company", "What happened"], rows, { label: "Event log" }) : h("p", {}, "Nothing matches."),
    h("p", { class: "row" },
      before ? h("button", { type: "button", onclick: () => logsView() }, "Newest events") : null,
      r.data.more ? h("button", { type: "button", onclick: () => logsView(r.data.next_before) }, "Older events") : null));
}
