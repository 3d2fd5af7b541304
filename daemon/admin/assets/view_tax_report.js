// Settlebridge admin page: the Tax report page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

async function taxReportView(from, to) {
  if (needCompany("Tax report")) return;
  const c = company();
  const q = "?from=" + encodeURIComponent(from || "") + "&to=" + encodeURIComponent(to || "");
  const r = await api("GET", "/api/companies/" + c.id + "/tax-report" + q);
  const fromInput = h("input", { type: "date", id: "tax-from", value: from || "" });
  const toInput = h("input", { type: "date", id: "tax-to", value: to || "" });
  const form = h("form", { class: "inline" },
    h("label", { for: "tax-from" }, "Documents dated from "), fromInput, h("label", { for: "tax-to" }, " to "), toInput, " ",
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => { event.preventDefault(); taxReportView(fromInput.value, toInput.value); });
  if (!r.ok) { show(h("h1", {}, "Tax report"), form, h("p", { class: "bad", role: "alert" }, r.data.error)); return; }
  const t = r.data;
  const money = (text) => cell(text, "num");
  const rows = t.settlements.map((x) => h("tr", {}, cell(x.settlement_id), cell(x.txn_date), cell(x.currency),
    money(x.collected), money(x.remitted_by_amazon), money(x.to_remit), money(x.fee_tax),
    cell(x.fee_tax_cents === 0 ? "\u2014" : x.tax_registered ? "recoverable" : "expense"), cell(x.posted ? "yes" : "not yet")));
  const months = t.months.map((m) => h("tr", {}, cell(m.month), cell(m.currency), money(m.collected),
    money(m.remitted_by_amazon), money(m.to_remit), money(m.fee_tax), money(m.fee_tax_recoverable),
    money(m.fee_tax_expensed)));
  show(h("h1", {}, "Tax report \u2014 " + c.name), form,
    h("p", {}, t.tax_registered ? "Registered for GST/HST or VAT: the tax Amazon charges on its fees is booked as recoverable."
                                : "Not registered: the tax Amazon charges on its fees is booked as an expense."),
    h("section", { class: "card" }, h("h2", {}, "Per month"),
      table(["Month", "Currency", "Collected", "Remitted by Amazon", "To remit", "Tax on fees", "Recoverable", "Expense"], months, { label: "Tax per month" })),
    h("section", { class: "card" }, h("h2", {}, "Per settlement"),
      table(["Settlement", "Date", "Currency", "Collected", "Remitted by Amazon", "To remit", "Tax on fees", "Booked as", "In QuickBooks"], rows, { label: "Tax per settlement" })),
    h("p", { class: "hint" }, "GST/HST return: \u201cTo remit\u201d goes with the tax you collected (line 105), \u201cRecoverable\u201d with your input tax credits (line 108). docs/ACCOUNTING.md section 15."));
}
