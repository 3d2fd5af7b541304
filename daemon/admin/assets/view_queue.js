// Settlebridge admin page: the Posting queue page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

async function queueView() {
  if (needCompany("Posting queue")) return;
  const c = company();
  const r = await api("GET", "/api/companies/" + c.id + "/queue");
  if (!r.ok) { show(h("h1", {}, "Posting queue"), h("p", { class: "bad" }, r.data.error)); return; }
  const q = r.data;
  const live = q.mode === "live";
  const modeBox = h("section", { class: "card", "aria-labelledby": "mode-title" },
    h("h2", { id: "mode-title" }, "Mode: ", h("span", { id: "mode", class: "badge " + q.mode }, live ? "Live" : "Testing")),
    h("p", {}, live ? "New documents go to QuickBooks at the next Web Connector run."
      : "New documents are held until you approve them. " +
        (q.auto_live_days > 0 ? "The company switches to Live by itself " + q.auto_live_days +
          " days after it was set up, once a settlement has been approved and posted." : "")),
    h("button", { type: "button", id: "switch-mode", class: live ? null : "primary", onclick: () => switchMode(c, live ? "testing" : "live") },
      live ? "Switch back to Testing" : "Switch to Live"));
  const bySettlement = new Map();
  for (const d of q.documents) {
    if (!bySettlement.has(d.settlement_id)) bySettlement.set(d.settlement_id, []);
    bySettlement.get(d.settlement_id).push(d);
  }
  const rows = [];
  for (const [settlement, docs] of bySettlement) {
    const held = docs.some((d) => d.can_approve);
    docs.forEach((d, i) => {
      rows.push(h("tr", { "data-document": d.id, "data-ref": d.ref_number },
        i === 0 ? h("th", { scope: "rowgroup", rowspan: docs.length }, settlement,
          held ? approveBox(c, settlement, docs, q) : null) : null,
        cell(d.kind_label + (d.part > 0 ? " (part " + (d.part + 1) + ")" : "")),
        cell(d.ref_number || "\u2014"), cell(d.txn_date, "nowrap"), cell(d.total, "num"),
        h("td", {}, d.needs_checking ? h("span", { class: "state state-checking" }, "needs checking")
          : h("span", { class: "state state-" + d.state }, d.state)),
        h("td", {}, d.qb_status_code !== null && d.qb_status_code !== 0 ? h("div", {}, h("strong", {}, "QuickBooks " + d.qb_status_code + ": "), d.qb_status_message) : null,
          h("div", { class: "small" }, d.explanation),
          d.add_answer ? h("div", { class: "small", "data-evidence": "add" }, h("strong", {}, "QuickBooks' answer to the add: "), d.add_answer) : null,
          d.lookup_answer && d.needs_checking ? h("div", { class: "small", "data-evidence": "lookup" }, h("strong", {}, "To the query: "), d.lookup_answer) : null),
        h("td", {}, d.can_retry ? h("button", { type: "button", "data-retry": d.id, onclick: () => retry(d) }, "Retry") : null)));
    });
  }
  const counts = q.counts;
  show(h("h1", {}, "Posting queue \u2014 " + q.company), modeBox,
    h("p", { id: "counts" }, counts.held + " held, " + counts.queued + " queued, " + counts.sent + " sent, " + counts.posted + " posted, " + counts.failed + " failed" +
      (counts.needs_checking ? " (" + counts.needs_checking + " of them need checking in QuickBooks)" : "") + "."),
    rows.length ? table(["Settlement", "Document", "RefNumber", "Date", "Total", "State", "QuickBooks says", ""], rows, { label: "Documents" })
      : h("p", {}, "Nothing in the queue yet: settlements appear here once they are imported or synced."));
}

// The Approve button; for a settlement in another currency than the home one (multicurrency on) also the exchange
// rate to state (empty = QuickBooks' own rate, read at the next Web Connector run).
function approveBox(c, settlement, docs, q) {
  const foreign = q.multicurrency && q.home_currency && docs.some((d) => d.currency && d.currency.toUpperCase() !== q.home_currency.toUpperCase());
  const rate = foreign ? h("input", { type: "text", inputmode: "decimal", class: "num-input", "data-rate": settlement,
    "aria-label": "Exchange rate for settlement " + settlement + " (" + q.home_currency + " per unit; empty: QuickBooks' rate)", placeholder: q.home_currency + " per unit" }) : null;
  return h("div", {}, rate, h("button", { type: "button", class: "primary", "data-approve": settlement,
    onclick: () => approve(c, settlement, docs, rate ? rate.value.trim() : "") }, "Approve"));
}

async function approve(c, settlement, docs, rate) {
  // Held for a reason of its own (it does not add up to its deposit, a closed period): say it before approving.
  const reason = docs.find((d) => d.can_approve && d.hold_reason && d.hold_reason !== "testing");
  if (reason && !rate && !window.confirm("Settlement " + settlement + ": " + reason.explanation + "\n\nApprove it anyway?")) return;
  const body = { settlement_id: settlement };
  if (rate) body.exchange_rate = rate;
  const r = await api("POST", "/api/companies/" + c.id + "/approve", body);
  flash(r.ok ? "Settlement " + settlement + " approved: " + r.data.queued + " document(s) queued for the next Web Connector run." +
    (r.data.exchange_rate ? " Exchange rate " + r.data.exchange_rate + "." : "") : r.data.error, r.ok ? "ok" : "bad");
  queueView();
}

async function retry(d) {
  const r = await api("POST", "/api/documents/" + d.id + "/retry");
  flash(r.ok ? "Document " + (d.ref_number || d.id) + " is " + r.data.state + " again." : r.data.error, r.ok ? "ok" : "bad");
  queueView();
}

async function switchMode(c, mode) {
  const text = mode === "live"
    ? "Switch " + c.name + " to Live? New documents will be posted without review."
    : "Switch " + c.name + " back to Testing? New documents will be held until approved.";
  if (!window.confirm(text)) return;
  const r = await api("POST", "/api/companies/" + c.id + "/mode", { mode });
  flash(r.ok ? c.name + " is now " + (r.data.mode === "live" ? "Live" : "in Testing") + "." : r.data.error, r.ok ? "ok" : "bad");
  queueView();
}
