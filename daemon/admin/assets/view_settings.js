// Settlebridge admin page: the Settings page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

async function settingsView() {
  if (needCompany("Settings")) return;
  const c = company();
  const r = await api("GET", "/api/companies/" + c.id + "/settings");
  if (!r.ok) { show(h("h1", {}, "Settings"), h("p", { class: "bad" }, r.data.error)); return; }
  const s = r.data;
  const inputs = {};
  const errorsBox = h("div", { id: "settings-errors", tabindex: "-1" });
  function field(name, label, input, hint) {
    input.id = "set-" + name;
    input.name = name;
    inputs[name] = input;
    const hintId = "hint-" + name;
    input.setAttribute("aria-describedby", hintId + " err-" + name);
    return h("div", { class: "field" }, h("label", { for: input.id }, label), input,
      hint ? h("p", { id: hintId, class: "hint" }, hint) : null,
      h("p", { id: "err-" + name, class: "error-text" }));
  }
  const num = (v) => h("input", { type: "number", inputmode: "numeric", value: v, class: "num-input" });
  const categoryRows = s.categories.map((cat) => {
    const item = h("input", { value: cat.item, placeholder: cat.default_item, "aria-label": "Item for " + cat.label, "data-key": cat.key, "data-kind": "item" });
    const account = h("input", { value: cat.account, placeholder: cat.default_account, "aria-label": "Account for " + cat.label, "data-key": cat.key, "data-kind": "account" });
    return h("tr", {}, h("th", { scope: "row" }, cat.label + (cat.carried_balance ? " \u2020" : ""), h("div", { class: "muted small" }, cat.key)), h("td", {}, item), h("td", {}, account), cell(cat.account_type));
  });
  const customerBody = h("tbody", {});
  function customerRow(match, customer) {
    const tr = h("tr", {},
      h("td", {}, h("input", { value: match, "aria-label": "Currency or marketplace", "data-kind": "match", placeholder: "CAD or Amazon.ca" })),
      h("td", {}, h("input", { value: customer, "aria-label": "QuickBooks customer", "data-kind": "customer" })),
      h("td", {}, h("button", { type: "button", onclick: () => tr.remove() }, "Remove")));
    customerBody.appendChild(tr);
  }
  s.customers.forEach((x) => customerRow(x.match, x.customer));
  const extra = h("textarea", { rows: 5, id: "set-mapping_extra", "aria-describedby": "hint-mapping_extra err-mapping_extra" });
  extra.value = s.mapping_extra;
  inputs.mapping_extra = extra;
  const split = h("input", { type: "checkbox", id: "set-split_months", checked: s.split_months });
  inputs.split_months = split;
  const registered = h("input", { type: "checkbox", id: "set-tax_registered", checked: s.tax_registered });
  inputs.tax_registered = registered;
  const transfer = h("input", { type: "checkbox", id: "set-post_transfer", checked: s.post_transfer });
  inputs.post_transfer = transfer;
  const form = h("form", { novalidate: true },
    errorsBox,
    h("section", { class: "card" }, h("h2", {}, "Schedules"), h("div", { class: "grid2" },
      field("download_window_days", "Download window (days)", num(s.download_window_days), "How far back each sync asks Amazon for settlement reports: 1 to 90 days (Amazon keeps 90). Default 30."),
      field("sync_every_hours", "Check Amazon every (hours)", num(s.sync_every_hours), "1 to 168; default 6."),
      field("run_every_minutes", "Web Connector runs every (minutes)", num(s.run_every_minutes), "Written into the .qwc file: download it again after a change."),
      field("auto_live_days", "Switch to Live after (days)", num(s.auto_live_days), "0 = only by hand. Needs one approved and posted settlement first."))),
    h("section", { class: "card" }, h("h2", {}, "QuickBooks"), h("div", { class: "grid2" },
      field("customer_name", "Customer", h("input", { value: s.customer_name }), "The QuickBooks customer the receipts and credit memos are made out to."),
      field("time_zone", "Time zone", h("input", { value: s.time_zone, placeholder: "the marketplace's" }), "IANA name, e.g. America/Los_Angeles. Empty: the marketplace's zone."),
      field("qbxml_version", "qbXML version", h("input", { value: s.qbxml_version, placeholder: "as QuickBooks reports" }),
        "13.0 (QuickBooks 2014) to 16.0. Each Web Connector session uses what QuickBooks reports" + (s.qb_product ? " (" + s.qb_product + ")" : "") + ".")),
      h("div", { class: "field" }, split, " ", h("label", { for: "set-split_months" }, "Split settlements at the month end"),
        h("p", { class: "hint" }, "Accrual books: each month's part is dated at its last day; the parts still net to the one deposit."),
        h("p", { id: "err-split_months", class: "error-text" })),
      h("div", { class: "field" }, registered, " ", h("label", { for: "set-tax_registered" }, "Registered for GST/HST (or VAT)"),
        h("p", { class: "hint" }, "On: the tax Amazon charges on its fees is an input tax credit (category fee-tax-recoverable) instead of an expense. Applies to settlements imported from now on. The Tax report shows the figures for the return."),
        h("p", { id: "err-tax_registered", class: "error-text" })),
      h("div", { class: "grid2" },
        field("bank_account", "Bank account", h("input", { value: s.bank_account, placeholder: "none" }), "The QuickBooks bank account Amazon pays into."),
        h("div", { class: "field" }, transfer, " ", h("label", { for: "set-post_transfer" }, "Transfer each deposit to the bank account"),
          h("p", { class: "hint" }, "On the deposit date, from Amazon Clearing; a payout the bank returned is transferred back to Amazon Reserved Balances."),
          h("p", { id: "err-post_transfer", class: "error-text" })))),
    h("section", { class: "card", id: "settings-edition" }, h("h2", {}, "Edition, sales tax and exchange rates"),
      h("p", { id: "set-edition" }, "QuickBooks edition: " + (s.qb_edition === "CA" ? "Canada" : s.qb_edition === "US" ? "US" : s.qb_edition || "not known yet (read at the next Web Connector run)") +
        ". Home currency: " + (s.home_currency || "not known") + (s.multicurrency === true ? " (multicurrency on)" : s.multicurrency === false ? " (multicurrency off)" : "") + "."),
      h("p", { id: "set-tax-code" }, s.sales_tax_on === true
        ? "Sales tax code on every line: " + (s.sales_tax_code || "(none)") + " (QuickBooks' default non-taxable code)." +
          (s.sales_tax_codes.length ? " The company file's codes: " + s.sales_tax_codes.map((x) => x.name + (x.taxable ? " (taxable)" : " (non-taxable)")).join(", ") + "." : "")
        : s.sales_tax_on === false ? "Sales tax is off in QuickBooks: lines carry no sales tax code." : "Sales tax: not known yet (read at the next Web Connector run)."),
      s.sales_tax_code_problem ? h("p", { class: "bad", id: "set-tax-code-problem" }, s.sales_tax_code_problem) : null,
      h("div", { class: "grid2" },
        field("exchange_rate_max_age_days", "Exchange rate may be older than the settlement end by (days)", num(s.exchange_rate_max_age_days),
          "A settlement in another currency than the home one carries QuickBooks' rate (Lists > Currency List) when it is at most this many days older than the settlement's end; otherwise it is held until the rate is updated or a rate is given at approval. 0 to 3650; default 7."))),
    h("section", { class: "card" }, h("h2", {}, "Customers per currency or marketplace"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Currency or marketplace"), h("th", {}, "Customer"), h("th", {}, ""))), customerBody),
      h("p", {}, h("button", { type: "button", onclick: () => customerRow("", "") }, "Add a customer")),
      h("p", { id: "err-customers", class: "error-text" })),
    h("section", { class: "card" }, h("h2", {}, "Categories: QuickBooks items and accounts"),
      h("p", { class: "hint" }, "Leave a box empty to keep the default shown in grey. Mapping version: " + s.mapping_version + ". " +
        "The categories marked \u2020 hold what Amazon carries between payouts and must share one account (Amazon Reserved Balances unless you rename it for all of them)."),
      h("p", { class: "hint" }, h("a", { href: "#", id: "tax-report-link", onclick: (e) => { e.preventDefault(); taxReportView(); } }, "Tax report for the GST/HST or VAT return")),
      h("p", { id: "err-categories", class: "error-text" }),
      table(["Category", "Item", "Account", "Account type"], categoryRows, { label: "Category mapping" }),
      h("h3", {}, h("label", { for: "set-mapping_extra" }, "More mapping rules")),
      h("p", { id: "hint-mapping_extra", class: "hint" }, "rule, sku and category lines in the mapping file format (docs/ACCOUNTING.md), fields separated by TAB."),
      extra, h("p", { id: "err-mapping_extra", class: "error-text" })),
    h("p", {}, h("button", { type: "submit", class: "primary", id: "settings-save" }, "Save settings")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      download_window_days: inputs.download_window_days.value,
      sync_every_hours: inputs.sync_every_hours.value,
      run_every_minutes: inputs.run_every_minutes.value,
      auto_live_days: inputs.auto_live_days.value,
      exchange_rate_max_age_days: inputs.exchange_rate_max_age_days.value,
      customer_name: inputs.customer_name.value,
      time_zone: inputs.time_zone.value,
      qbxml_version: inputs.qbxml_version.value,
      split_months: split.checked,
      tax_registered: registered.checked,
      post_transfer: transfer.checked,
      bank_account: inputs.bank_account.value.trim(),
      mapping_extra: extra.value,
      categories: s.categories.map((cat) => ({
        key: cat.key,
        item: form.querySelector('input[data-key="' + cat.key + '"][data-kind="item"]').value.trim(),
        account: form.querySelector('input[data-key="' + cat.key + '"][data-kind="account"]').value.trim(),
      })),
      customers: Array.from(customerBody.querySelectorAll("tr")).map((tr) => ({
        match: tr.querySelector('[data-kind="match"]').value.trim(),
        customer: tr.querySelector('[data-kind="customer"]').value.trim(),
      })),
    };
    form.querySelectorAll(".error-text").forEach((e) => { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    errorsBox.replaceChildren();
    errorsBox.className = "";
    const result = await api("PUT", "/api/companies/" + c.id + "/settings", body);
    if (result.ok) {
      flash("Settings saved.", "ok");
      settingsView();
      return;
    }
    const list = result.data.errors && result.data.errors.length ? result.data.errors : [{ field: result.data.field || "", message: result.data.error }];
    errorsBox.className = "errors";
    errorsBox.setAttribute("role", "alert");
    errorsBox.replaceChildren(h("strong", {}, "Nothing was saved: please correct " + (list.length === 1 ? "this" : "these") + "."),
      h("ul", {}, list.map((e) => h("li", {}, e.message))));
    for (const e of list) {
      const name = e.field.split(".")[0];
      const box = document.getElementById("err-" + name);
      if (box) box.textContent = box.textContent ? box.textContent + " " + e.message : e.message;
      if (inputs[name]) inputs[name].setAttribute("aria-invalid", "true");
    }
    errorsBox.focus();
  });
  const unmapped = await unmappedCard(c);
  show(h("h1", {}, "Settings \u2014 " + c.name), unmapped, form);
}

// The kinds of rows no rule maps yet, across every settlement of the company, each mapped with a click.
async function unmappedCard(c) {
  const section = h("section", { class: "card", id: "unmapped", "aria-labelledby": "unmapped-title" },
    h("h2", { id: "unmapped-title" }, "Row kinds no rule maps yet"), h("p", { class: "muted" }, "Loading\u2026"));
  const r = await api("GET", "/api/companies/" + c.id + "/unmapped");
  if (!r.ok) {
    fill(section, h("h2", { id: "unmapped-title" }, "Row kinds no rule maps yet"), h("p", { class: "bad" }, r.data.error));
    return section;
  }
  const d = r.data;
  const open = d.types.filter((t) => !t.mapped_to);
  const done = d.types.filter((t) => t.mapped_to);
  const totals = (t) => t.totals.map((x) => x.amount).join(", ");
  const where = (t) => t.settlements.map((s) => s.settlement_id + " (" + s.rows + (s.rows === 1 ? " row, " : " rows, ") + s.amount + ")").join("; ");
  const rows = open.map((t, i) => {
    const select = h("select", { id: "unmapped-category-" + i, "aria-label": "Category for " + t.transaction_type + " / " + t.amount_type + " / " + t.amount_description },
      h("option", { value: "" }, "Choose a category\u2026"),
      d.categories.map((cat) => h("option", { value: cat.key }, cat.label)));
    const error = h("p", { class: "error-text", id: "unmapped-error-" + i });
    const button = h("button", { type: "button", class: "primary", id: "unmapped-map-" + i, "data-map": "1" }, "Map");
    button.addEventListener("click", async () => {
      error.textContent = "";
      if (!select.value) { error.textContent = "Choose the category these rows belong to."; select.focus(); return; }
      button.disabled = true;
      const result = await api("POST", "/api/companies/" + c.id + "/unmapped/map", {
        transaction_type: t.transaction_type, amount_type: t.amount_type, amount_description: t.amount_description, category: select.value });
      button.disabled = false;
      if (!result.ok) { error.textContent = result.data.error; return; }
      flash(result.data.message, "ok");
      settingsView();
    });
    return h("tr", {}, cell(t.transaction_type), cell(t.amount_type), cell(t.amount_description),
      cell(String(t.rows), "num"), cell(totals(t), "num"), cell(where(t)), h("td", {}, select, " ", button, error));
  });
  const parts = [h("h2", { id: "unmapped-title" }, "Row kinds no rule maps yet")];
  if (!d.types.length) {
    parts.push(h("p", { id: "unmapped-none" }, "Every row of every imported settlement has a category."));
  } else {
    parts.push(h("p", { class: "hint" }, "Rows nothing maps go to \u201cAmazon Unmapped\u201d lines (the Amazon Suspense account). Mapping a kind adds one rule to this company's mapping (now " + d.mapping_version + "); settlements imported from then on use it, settlements already imported keep their documents."));
    if (open.length) {
      parts.push(table(["Transaction type", "Amount type", "Description", "Rows", "Amount", "Settlements", "Category"], rows, { label: "Unmapped row kinds" }));
    } else {
      parts.push(h("p", { id: "unmapped-none" }, "Every kind seen so far has a rule now."));
    }
    if (done.length) {
      parts.push(h("h3", {}, "Mapped since they were imported"),
        table(["Transaction type", "Amount type", "Description", "Rows", "Amount", "Settlements", "Now goes to"],
          done.map((t) => h("tr", {}, cell(t.transaction_type), cell(t.amount_type), cell(t.amount_description),
            cell(String(t.rows), "num"), cell(totals(t), "num"), cell(where(t)), cell(t.mapped_to_label))), { label: "Row kinds mapped since" }));
    }
  }
  fill(section, ...parts);
  return section;
}
