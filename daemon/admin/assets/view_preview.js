// Settlebridge admin page: the Order previewer page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

function isoDay(date) { return date.toISOString().slice(0, 10); }

function previewView() {
  if (needCompany("Order previewer")) return;
  const c = company();
  const today = new Date();
  const from = h("input", { type: "date", id: "preview-from", name: "from", required: true, value: sessionStorage.getItem("preview.from") || isoDay(new Date(today.getTime() - 14 * 86400000)) });
  const to = h("input", { type: "date", id: "preview-to", name: "to", required: true, value: sessionStorage.getItem("preview.to") || isoDay(today) });
  const result = h("div", { id: "preview-result", "aria-live": "polite" });
  const form = h("form", { class: "card row", "aria-label": "Date range" },
    h("div", {}, h("label", { for: "preview-from" }, "From"), " ", from),
    h("div", {}, h("label", { for: "preview-to" }, "To"), " ", to),
    h("button", { type: "submit", class: "primary" }, "Preview"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem("preview.from", from.value);
    sessionStorage.setItem("preview.to", to.value);
    const r = await api("GET", "/api/companies/" + c.id + "/preview?from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value));
    result.replaceChildren(r.ok ? previewResult(r.data) : h("p", { class: "bad", role: "alert" }, r.data.error));
  });
  show(h("h1", {}, "Order previewer \u2014 " + c.name),
    h("p", {}, "Pick a date range: the previewer takes the most recent settlement that ends on or before the range's last day (end dates count as calendar days in the company's time zone) and shows exactly what it posts to QuickBooks."),
    form, result);
}

function previewResult(p) {
  const parts = [h("p", { id: "preview-reason" }, p.reason.charAt(0).toUpperCase() + p.reason.slice(1) + ".")];
  if (p.also_ending_in_range.length) {
    parts.push(h("p", {}, "Other settlements ending in this range:"),
      h("ul", { id: "preview-others" }, p.also_ending_in_range.map((o) => h("li", {}, o.settlement_id + " (" + o.start_date + " to " + o.end_date + ")"))));
  }
  const s = p.selected;
  if (!s) {
    parts.unshift(h("h2", { id: "preview-none" }, "No settlement selected"));
    return h("div", {}, parts);
  }
  parts.unshift(h("h2", { id: "preview-selected", "data-settlement": s.settlement_id }, "Settlement " + s.settlement_id + ": " + s.start_date + " to " + s.end_date));
  parts.push(h("dl", { class: "kv card" },
    h("dt", {}, "Marketplace"), h("dd", {}, s.marketplace + " (" + s.currency + ")"),
    h("dt", {}, "Deposit date"), h("dd", {}, s.deposit_date),
    h("dt", {}, "Customer"), h("dd", {}, s.customer),
    h("dt", {}, "Time zone"), h("dd", {}, s.time_zone),
    h("dt", {}, "Mapping"), h("dd", {}, s.mapping_version),
    s.exchange_rate.foreign ? h("dt", {}, "Exchange rate") : null,
    s.exchange_rate.foreign ? h("dd", { id: "preview-rate" }, s.exchange_rate.text) : null));
  for (const d of s.documents) {
    const productRows = d.product_lines.map((l) => h("tr", {}, cell(l.sku), cell(l.item), cell(String(l.quantity), "num"), cell(l.amount, "num")));
    const otherRows = d.other_lines.map((l) => h("tr", {}, cell(l.label), cell(l.item), cell(l.description), cell(l.amount, "num")));
    parts.push(h("section", { class: "card doc", "data-doc": d.kind, "aria-label": d.title + " " + d.ref_number },
      h("h3", {}, d.title + " " + d.ref_number + " dated " + d.txn_date + (s.parts.length > 1 ? " (part " + (d.part + 1) + " of " + s.parts.length + ")" : "")),
      h("p", { class: "muted small" }, d.memo),
      productRows.length ? table(["SKU", "Item", "Quantity", "Amount"], productRows,
        { label: "Products", foot: h("tr", {}, h("td", { colspan: 3 }, "Products"), cell(d.products_total, "num")) }) : null,
      otherRows.length ? table(["Category", "Item", "Description", "Amount"], otherRows,
        { label: "Fees and other lines", foot: h("tr", {}, h("td", { colspan: 3 }, "Fees and other lines"), cell(d.others_total, "num")) }) : null,
      h("p", {}, h("strong", {}, "Total: "), h("span", { class: "doc-total" }, d.total))));
  }
  const rec = s.reconciliation;
  parts.push(h("section", { class: "card", "aria-labelledby": "rec-title" }, h("h3", { id: "rec-title" }, "Reconciliation"),
    h("dl", { class: "kv" },
      h("dt", {}, "Deposit"), h("dd", { id: "rec-deposit" }, rec.deposit),
      h("dt", {}, "Documents net (receipts minus credit memos)"), h("dd", { id: "rec-net" }, rec.documents_net),
      h("dt", {}, "Report rows total (" + rec.row_count + " rows)"), h("dd", {}, rec.rows_total),
      h("dt", {}, "Difference"), h("dd", {}, rec.difference)),
    h("p", { id: "rec-verdict", class: rec.reconciled ? "good" : "bad" },
      rec.reconciled ? "Reconciled: the documents add up to the deposit to the cent." : "Not reconciled: these documents are held and must not be posted as they are.")));
  if (s.unmapped.length) {
    parts.push(h("section", { class: "card" }, h("h3", {}, "Rows without a category"),
      table(["Transaction type", "Amount type", "Description", "Rows", "Amount"], s.unmapped.map((u) =>
        h("tr", {}, cell(u.transaction_type), cell(u.amount_type), cell(u.amount_description), cell(String(u.rows), "num"), cell(u.amount, "num"))))));
  }
  if (s.notes.length) parts.push(h("section", { class: "card" }, h("h3", {}, "Notes"), h("ul", {}, s.notes.map((n) => h("li", {}, n)))));
  if (s.queue.length) {
    parts.push(h("section", { class: "card" }, h("h3", {}, "In the posting queue"),
      table(["Document", "RefNumber", "Total", "State"], s.queue.map((d) => h("tr", {}, cell(d.kind), cell(d.ref_number), cell(d.total, "num"), h("td", {}, h("span", { class: "state state-" + d.state }, d.state)))))));
  }
  parts.push(h("details", { class: "card" }, h("summary", {}, "qbXML sent to QuickBooks"),
    s.qbxml_error ? h("p", { class: "bad" }, s.qbxml_error) : h("pre", { class: "xml", id: "preview-qbxml", tabindex: "0" }, s.qbxml)));
  return h("div", {}, parts);
}
