// Settlebridge admin page: the Sellercloud page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

async function sellercloudView() {
  if (state.timer) { clearTimeout(state.timer); state.timer = null; }
  if (needCompany("Sellercloud")) return;
  const c = company();
  const r = await api("GET", "/api/companies/" + c.id + "/sellercloud");
  if (!r.ok) { show(h("h1", {}, "Sellercloud"), h("p", { class: "bad" }, r.data.error)); return; }
  const conn = r.data.connection;
  const parts = [h("h1", {}, "Sellercloud \u2014 " + c.name), scConnectionCard(c, conn)];
  if (!conn) { show(...parts); return; }
  const mapping = h("section", { class: "card", id: "sc-mapping", "aria-labelledby": "sc-mapping-title" },
    h("h2", { id: "sc-mapping-title" }, "Ads profiles \u2192 Sellercloud companies"), h("p", { class: "muted" }, "Loading Sellercloud's companies\u2026"));
  const links = h("section", { class: "card", id: "sc-links", "aria-labelledby": "sc-links-title" });
  const log = h("section", { class: "card", id: "sc-log", "aria-labelledby": "sc-log-title" });
  const sc = { c, conn, log, waiting: h("p", { id: "sc-waiting", class: "muted", "aria-live": "polite" }, scWaiting(r.data)) };
  show(...parts, mapping, scSendCard(sc, r.data.profiles, r.data.max_send_days), scSettingsCard(conn, r.data.link_rule_names), links, log);
  scLogCard(log, conn, null);
  if (sc.waiting.textContent) scWatch(sc);
  const companies = await api("GET", "/api/sellercloud/" + conn.id + "/companies");
  scMappingCard(mapping, conn, r.data.profiles, companies);
  scLinksCard(links, conn, companies);
}

// What the daemon has yet to send for this connection, for people ("" = nothing).
function scWaiting(data) {
  const conn = data.connection;
  const pending = data.profiles.filter((p) => p.mapping && p.mapping.this_connection && p.mapping.requested_days > 0)
    .map((p) => p.label + " (the last " + p.mapping.requested_days + " days)");
  if (conn.sync.requested) pending.push("the daily send");
  if (!pending.length) return "";
  return "Waiting for the daemon to send: " + pending.join(", ") + ". This page shows the result in the log below." +
    (conn.sync.state === "error" && conn.sync.message ? " The last try failed (" + conn.sync.message + "); the daemon tries again." : "");
}

// While a send waits for the daemon, look every 3 s; when it is done, the log shows it.
function scWatch(sc) {
  if (state.timer) clearTimeout(state.timer);
  state.timer = setTimeout(async () => {
    state.timer = null;
    if (currentPage() !== "sellercloud" || !document.body.contains(sc.waiting)) return;
    const r = await api("GET", "/api/companies/" + sc.c.id + "/sellercloud");
    if (!r.ok || !r.data.connection || !document.body.contains(sc.waiting)) return;
    const text = scWaiting(r.data);
    if (text) {
      // A failed try is in the log: show it once.
      if (text !== sc.waiting.textContent && r.data.connection.sync.state === "error") scLogCard(sc.log, sc.conn, null);
      sc.waiting.textContent = text;
      scWatch(sc);
      return;
    }
    sc.waiting.textContent = "Sent: see the log below.";
    scLogCard(sc.log, sc.conn, null);
  }, 3000);
}

function scVerdict(test) {
  if (!test.verdict) return h("p", { id: "sc-verdict", class: "muted" }, "Not tested yet.");
  return h("p", { id: "sc-verdict", "data-verdict": test.verdict, class: "msg " + (test.ok ? "ok" : "bad") },
    h("strong", {}, test.verdict_label + ". "), test.message, test.tested_at ? " (" + when(test.tested_at) + ")" : "");
}

function scConnectionCard(c, conn) {
  const way = !conn ? "team" : conn.team_name ? "team" : conn.base_url ? "url" : "server";
  const how = h("select", { id: "sc-how" }, h("option", { value: "team", selected: way === "team" }, "Team name"),
    h("option", { value: "server", selected: way === "server" }, "Server id"),
    h("option", { value: "url", selected: way === "url" }, "REST address (advanced)"));
  const where = h("input", { id: "sc-where", value: conn ? (way === "team" ? conn.team_name : way === "url" ? conn.base_url : conn.server_id) : "", autocomplete: "off" });
  const username = h("input", { id: "sc-username", value: conn ? conn.username : "", autocomplete: "off" });
  const password = h("input", { id: "sc-password", type: "password", autocomplete: "new-password",
    placeholder: conn && conn.has_password ? "stored \u2014 leave empty to keep it" : "" });
  const errors = h("div", { id: "sc-errors" });
  const inputs = { team_name: where, server_id: where, base_url: where, username, password };
  const verdictBox = h("div", { "aria-live": "polite" }, conn ? scVerdict(conn.test) : null);
  const form = h("form", { id: "sc-connection-form" },
    errors,
    h("div", { class: "grid2" },
      field("sc-how", "Sellercloud is found by", how),
      field("sc-where", "Team name, server id or address", where, "The team name you type on Sellercloud's login page, or the server id (xx in xx.cwa.sellercloud.com)."),
      field("sc-username", "User name", username, "A Sellercloud user for this integration (client admin)."),
      field("sc-password", "Password", password, conn && conn.has_password ? "A password is stored (encrypted); it is never shown." : "Stored encrypted.")),
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary", id: "sc-save" }, "Save"),
      conn ? h("button", { type: "button", id: "sc-test", onclick: async (event) => {
        event.target.disabled = true;
        verdictBox.replaceChildren(h("p", { class: "muted" }, "Testing\u2026"));
        const t = await api("POST", "/api/sellercloud/" + conn.id + "/test");
        event.target.disabled = false;
        if (!t.ok) { verdictBox.replaceChildren(h("p", { class: "msg bad", id: "sc-verdict" }, t.data.error)); return; }
        verdictBox.replaceChildren(scVerdict(t.data));
      } }, "Test Connection") : null));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(errors, inputs);
    const body = { username: username.value.trim(), password: password.value };
    body[{ team: "team_name", server: "server_id", url: "base_url" }[how.value]] = where.value.trim();
    const s = await api("PUT", "/api/companies/" + c.id + "/sellercloud", body);
    if (!s.ok) { showErrors(errors, s, inputs); return; }
    flash(s.data.message, "ok");
    sellercloudView();
  });
  return h("section", { class: "card", "aria-labelledby": "sc-conn-title" },
    h("h2", { id: "sc-conn-title" }, "Connection"), form, verdictBox);
}

const scProducts = ["SP", "SD", "SB", "WALMART"];
const scChannels = ["amazon", "walmart"];

function scMappingCard(section, conn, profiles, list) {
  const companies = list.ok ? list.data.companies : [];
  const notice = h("div", { id: "sc-map-notice", "aria-live": "polite" });
  const problem = (text) => notice.replaceChildren(h("p", { class: "msg bad", role: "alert" }, text));
  const rows = profiles.map((p) => {
    const m = p.mapping;
    const here = m && m.this_connection;
    const select = h("select", { "aria-label": "Sellercloud company for " + p.label, "data-profile-company": p.id },
      h("option", { value: "" }, "\u2014 not mapped \u2014"),
      companies.map((co) => h("option", { value: co.id, selected: here && m.sc_company_id === co.id }, co.name + " (" + co.id + ")" + (co.disabled ? " \u2014 disabled" : ""))));
    const box = (kind, value, checked) => h("label", { class: "nowrap" }, h("input", { type: "checkbox", value, checked, "data-kind": kind }), " " + value);
    const products = h("span", {}, scProducts.map((x) => box("product", x, m ? m.ad_products.includes(x) : true)));
    const channels = h("span", {}, scChannels.map((x) => box("channel", x, m ? m.channels.includes(x) : true)));
    const save = async (confirm) => {
      notice.replaceChildren();
      if (!select.value) { problem("Choose a Sellercloud company for " + p.label + "."); return; }
      const checked = (kind) => Array.from(section.querySelectorAll('tr[data-profile="' + p.id + '"] input[data-kind="' + kind + '"]')).filter((i) => i.checked).map((i) => i.value);
      const r = await api("PUT", "/api/sellercloud/" + conn.id + "/mappings/" + p.id,
        { sc_company_id: Number(select.value), ad_products: checked("product"), channels: checked("channel"), confirm });
      if (r.status === 409 && r.data.needs_confirmation) {
        // The remap confirmation: nothing changed yet; a confirm clears the old company first.
        notice.replaceChildren(h("div", { class: "errors", role: "alert", id: "sc-remap-warning" },
          h("p", {}, h("strong", {}, "This may create duplicate data. "), r.data.error),
          h("div", { class: "row" },
            h("button", { type: "button", class: "primary", id: "sc-remap-confirm", onclick: () => save(true) },
              "Remap and clear " + r.data.from_company_name),
            h("button", { type: "button", onclick: () => notice.replaceChildren() }, "Cancel"))));
        return;
      }
      if (!r.ok) { problem(r.data.error); return; }
      flash(r.data.message, "ok");
      sellercloudView();
    };
    const unmap = async (clear) => {
      const r = await api("DELETE", "/api/sellercloud/" + conn.id + "/mappings/" + p.id, { clear });
      if (r.ok) { flash(r.data.message, "ok"); sellercloudView(); return; }
      if (r.data.field === "clear") {
        // Sellercloud could not be cleared: nothing was deleted; deleting anyway leaves the values there.
        notice.replaceChildren(h("div", { class: "errors", role: "alert", id: "sc-unmap-failed" },
          h("p", {}, r.data.error),
          h("div", { class: "row" },
            h("button", { type: "button", class: "danger", id: "sc-unmap-anyway", onclick: () => unmap(false) },
              "Delete without clearing (the values stay in " + m.sc_company_name + ")"),
            h("button", { type: "button", onclick: () => notice.replaceChildren() }, "Cancel"))));
        return;
      }
      problem(r.data.error);
    };
    const askUnmap = () => {
      notice.replaceChildren(h("div", { class: "errors", role: "alert", id: "sc-unmap-confirm" },
        h("p", {}, h("strong", {}, "Delete the mapping of " + p.label + " to " + m.sc_company_name + "? "),
          m.has_sent ? p.label + " has sent ad spend to " + m.sc_company_name + ": its figures are taken out of " + m.sc_company_name +
            "'s products first (recomputed from the company's other profiles; a product only it advertised is emptied)."
            : "It has not sent anything yet."),
        h("div", { class: "row" },
          h("button", { type: "button", class: "danger", id: "sc-unmap-go", onclick: () => unmap(true) },
            m.has_sent ? "Delete and clear " + m.sc_company_name : "Delete the mapping"),
          h("button", { type: "button", onclick: () => notice.replaceChildren() }, "Cancel"))));
      document.getElementById("sc-unmap-go").focus();
    };
    return h("tr", { "data-profile": p.id },
      h("th", { scope: "row" }, p.label, h("div", { class: "muted small" }, (p.channel === "walmart" ? "Walmart Connect" : "Amazon Ads") + " \u00b7 " + p.account_name + " \u00b7 " + p.currency)),
      cell(m ? (here ? m.sc_company_name : "through another company's connection") + (m.has_sent ? " \u00b7 sent up to " + (m.last_sent_date || "\u2014") : "") : "not mapped"),
      h("td", {}, select), h("td", {}, products), h("td", {}, channels),
      h("td", { class: "nowrap" }, h("button", { type: "button", "data-map": p.id, onclick: () => save(false) }, "Save"),
        here ? [" ", h("button", { type: "button", class: "danger", "data-unmap": p.id, onclick: askUnmap }, "Delete")] : null));
  });
  fill(section, h("h2", { id: "sc-mapping-title" }, "Ads profiles \u2192 Sellercloud companies"),
    list.ok ? null : h("p", { class: "msg bad", role: "alert" }, list.data.error),
    h("p", {}, "Each ads profile sends its spend to one Sellercloud company. Remapping a profile that already sent data asks for a confirmation and clears what it wrote to the old company first; so does deleting a mapping."),
    notice,
    rows.length ? table(["Profile", "Now", "Sellercloud company", "Ad products", "Channels", ""], rows, { label: "Profile mapping" })
      : h("p", {}, "No ads profile yet: connect an Amazon Ads or Walmart Connect account first."));
}

function scSendCard(sc, profiles, maxDays) {
  const mapped = profiles.filter((p) => p.mapping && p.mapping.this_connection);
  const days = h("input", { id: "sc-days", type: "number", min: 1, max: maxDays, value: 7, size: 4 });
  const profile = h("select", { id: "sc-send-profile" }, h("option", { value: "" }, "Every mapped profile"),
    mapped.map((p) => h("option", { value: p.id }, p.label)));
  const channel = h("select", { id: "sc-send-channel" }, h("option", { value: "" }, "Amazon and Walmart"),
    h("option", { value: "amazon" }, "Amazon"), h("option", { value: "walmart" }, "Walmart"));
  const out = h("div", { "aria-live": "polite", id: "sc-send-result" });
  const form = h("form", { class: "row", id: "sc-send-form", novalidate: true },
    h("div", {}, h("label", { for: "sc-days" }, "Last"), " ", days, " days"),
    h("div", {}, h("label", { for: "sc-send-profile" }, "Profile"), " ", profile),
    h("div", {}, h("label", { for: "sc-send-channel" }, "Channel"), " ", channel),
    h("button", { type: "submit", class: "primary", id: "sc-send-go" }, "Send"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { days: Number(days.value) };
    if (profile.value) body.profile_id = Number(profile.value);
    if (channel.value) body.channel = channel.value;
    const r = await api("POST", "/api/sellercloud/" + sc.conn.id + "/send", body);
    out.replaceChildren(h("p", { class: "msg " + (r.ok ? "ok" : "bad"), role: r.ok ? null : "alert" }, r.ok ? r.data.message : r.data.error));
    if (!r.ok) return;
    const page = await api("GET", "/api/companies/" + sc.c.id + "/sellercloud");
    if (page.ok && page.data.connection) sc.waiting.textContent = scWaiting(page.data);
    scWatch(sc);
  });
  return h("section", { class: "card", "aria-labelledby": "sc-send-title" },
    h("h2", { id: "sc-send-title" }, "Send now"),
    h("p", {}, "Sends the last N days (1\u2013" + maxDays + ") again; the daemon does it within a minute and the log below shows the result. Values are recomputed, never added twice."),
    sc.waiting, form, out);
}

// The push settings the CLI's `sellercloud columns` and `link-rules` set.
const scColumnFields = [
  ["column_day", "Ad spend on the last day", "AdSpendYesterday"],
  ["column_7d", "Ad spend, last 7 days", "AdSpend7Days"],
  ["column_30d", "Ad spend, last 30 days", "AdSpend30Days"],
  ["column_sales", "Attributed sales, last 30 days", "AdSales30Days"],
  ["column_acos", "ACoS, last 30 days (percent)", "ACoS30Days"],
];
const scRuleLabels = {
  sku: "Sellercloud product ID = advertised SKU",
  amazon_sku: "Amazon merchant or FBA SKU = advertised SKU",
  upc: "UPC = advertised SKU",
  asin: "ASIN = advertised ASIN",
  ean: "EAN = advertised SKU",
  mpn: "Manufacturer SKU = advertised SKU",
  walmart_id: "Walmart product ID = Walmart item id",
};

function scSettingsCard(conn, ruleNames) {
  const inputs = {};
  const errors = h("div", { id: "sc-settings-errors", tabindex: "-1" });
  const fieldBox = (name, label, input, hint) => {
    input.id = "sc-set-" + name;
    inputs[name] = input;
    input.setAttribute("aria-describedby", (hint ? "sc-hint-" + name + " " : "") + "sc-err-" + name);
    return h("div", { class: "field" }, h("label", { for: input.id }, label), input,
      hint ? h("p", { class: "hint", id: "sc-hint-" + name }, hint) : null, h("p", { class: "error-text", id: "sc-err-" + name }));
  };
  const columnBoxes = scColumnFields.map(([name, label, standard]) =>
    fieldBox(name, label, h("input", { value: conn[name], placeholder: "not written", autocomplete: "off" }), "Default: " + standard + "."));
  const hour = fieldBox("send_hour", "Daily send from (hour, 0\u201323)",
    h("input", { type: "number", min: 0, max: 23, value: conn.send_hour, class: "num-input", inputmode: "numeric" }),
    "In each ads profile's time zone: the day before is sent once this hour has come.");
  // The linking rules: the ones in use in their order, then the others (unticked); ticked ones are tried top to bottom.
  let order = conn.link_rules.concat(ruleNames.filter((n) => !conn.link_rules.includes(n)));
  const used = new Set(conn.link_rules);
  const rules = h("ol", { id: "sc-rules", class: "rules", "aria-describedby": "sc-hint-link_rules sc-err-link_rules" });
  const move = (i, by) => {
    const j = i + by;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    renderRules();
    const again = rules.querySelector('[data-move="' + order[j] + ":" + by + '"]');
    if (again && !again.disabled) again.focus();
  };
  function renderRules() {
    fill(rules, order.map((name, i) => {
      const label = scRuleLabels[name] || name;
      return h("li", { "data-rule": name },
        h("input", { type: "checkbox", id: "sc-rule-" + name, checked: used.has(name), onchange: (e) => { if (e.target.checked) used.add(name); else used.delete(name); } }),
        " ", h("label", { for: "sc-rule-" + name }, label), " ", h("code", { class: "small" }, name), " ",
        h("button", { type: "button", class: "small", "data-move": name + ":-1", disabled: i === 0, "aria-label": "Try \u201c" + label + "\u201d earlier", onclick: () => move(i, -1) }, "\u2191"),
        h("button", { type: "button", class: "small", "data-move": name + ":1", disabled: i === order.length - 1, "aria-label": "Try \u201c" + label + "\u201d later", onclick: () => move(i, 1) }, "\u2193"));
    }));
  }
  renderRules();
  inputs.link_rules = rules;
  const form = h("form", { id: "sc-settings-form", novalidate: true },
    errors,
    h("h3", {}, "Custom columns"),
    h("p", { class: "hint" }, "The product custom columns (Sellercloud: Settings \u2192 Custom Columns, type Decimal) the figures are written to; empty = not written. After a rename the values already in the old column stay there: empty that column in Sellercloud."),
    h("div", { class: "grid2" }, columnBoxes, hour),
    h("h3", {}, "Product linking rules"),
    h("p", { class: "hint", id: "sc-hint-link_rules" }, "How an advertised SKU finds its Sellercloud product: the ticked rules are tried top to bottom; a change links the SKUs again at the next send (links made by hand stay)."),
    rules, h("p", { class: "error-text", id: "sc-err-link_rules" }),
    h("p", {}, h("button", { type: "submit", class: "primary", id: "sc-settings-save" }, "Save the settings")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll(".error-text").forEach((e) => { e.textContent = ""; });
    clearErrors(errors, inputs);
    const body = { send_hour: inputs.send_hour.value, link_rules: order.filter((n) => used.has(n)) };
    for (const [name] of scColumnFields) body[name] = inputs[name].value.trim();
    const r = await api("PUT", "/api/sellercloud/" + conn.id + "/settings", body);
    if (!r.ok) {
      showErrors(errors, r, inputs);
      for (const e of r.data.errors || []) {
        const box = document.getElementById("sc-err-" + e.field);
        if (box) box.textContent = box.textContent ? box.textContent + " " + e.message : e.message;
      }
      errors.focus();
      return;
    }
    flash(r.data.message, "ok");
    sellercloudView();
  });
  return h("section", { class: "card", id: "sc-settings", "aria-labelledby": "sc-settings-title" },
    h("h2", { id: "sc-settings-title" }, "Push settings"), form);
}

async function scLinksCard(section, conn, list) {
  const r = await api("GET", "/api/sellercloud/" + conn.id + "/links");
  const companies = list.ok ? list.data.companies : [];
  const companyName = (id) => { const co = companies.find((x) => x.id === id); return co ? co.name + " (" + id + ")" : "company " + id; };
  const errors = h("div", { id: "sc-link-errors" });
  const companySel = companies.length
    ? h("select", { id: "sc-link-company" }, companies.map((co) => h("option", { value: co.id }, co.name + " (" + co.id + ")")))
    : h("input", { id: "sc-link-company", inputmode: "numeric", size: 8 });
  const sku = h("input", { id: "sc-link-sku", autocomplete: "off" });
  const product = h("input", { id: "sc-link-product", autocomplete: "off" });
  const inputs = { sc_company_id: companySel, sku, product_id: product };
  const form = h("form", { id: "sc-link-form", novalidate: true },
    errors,
    h("div", { class: "grid2" },
      field("sc-link-company", "Sellercloud company", companySel),
      field("sc-link-sku", "Advertised SKU", sku, "As Amazon or Walmart reports it."),
      field("sc-link-product", "Sellercloud product ID", product)),
    h("button", { type: "submit", id: "sc-link-go" }, "Link"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(errors, inputs);
    const body = { sc_company_id: companySel.value ? Number(companySel.value) : null, sku: sku.value.trim(), product_id: product.value.trim() };
    const s = await api("PUT", "/api/sellercloud/" + conn.id + "/links", body);
    if (!s.ok) { showErrors(errors, s, inputs); return; }
    flash(s.data.message, "ok");
    scLinksCard(section, conn, list);
  });
  const rows = r.ok ? r.data.links.map((l) => h("tr", { "data-link": l.sku },
    cell(l.sku), cell(companyName(l.sc_company_id)), cell(l.product_id), cell(when(l.linked_at)),
    h("td", {}, h("button", { type: "button", class: "danger", "data-unlink": l.sku, onclick: async () => {
      if (!window.confirm("Delete the link of SKU " + l.sku + " to product " + l.product_id + "? The linking rules find its product again at the next send.")) return;
      const d = await api("DELETE", "/api/sellercloud/" + conn.id + "/links", { sc_company_id: l.sc_company_id, sku: l.sku });
      flash(d.ok ? d.data.message : d.data.error, d.ok ? "ok" : "bad");
      scLinksCard(section, conn, list);
    } }, "Delete")))) : [];
  fill(section, h("h2", { id: "sc-links-title" }, "SKUs linked by hand"),
    h("p", {}, "For SKUs no rule finds (Sellercloud's product aliases cannot be searched): a SKU linked here goes to that product before any rule is tried."),
    !r.ok ? h("p", { class: "bad" }, r.data.error)
      : rows.length ? table(["SKU", "Sellercloud company", "Product", "Linked", ""], rows, { label: "SKUs linked by hand" })
        : h("p", { class: "muted" }, "None yet."),
    form);
}

async function scLogCard(section, conn, before) {
  const filters = section.filters || { status: "", kind: "", q: "", from: "", to: "" };
  section.filters = filters;
  const status = h("select", { id: "sc-log-status" }, ["", "ok", "partial", "failed", "running"].map((x) => h("option", { value: x, selected: filters.status === x }, x || "Any status")));
  const kind = h("select", { id: "sc-log-kind" }, ["", "daily", "manual", "clear"].map((x) => h("option", { value: x, selected: filters.kind === x }, x || "Any kind")));
  const text = h("input", { id: "sc-log-q", type: "search", value: filters.q });
  const from = h("input", { id: "sc-log-from", type: "date", value: filters.from });
  const to = h("input", { id: "sc-log-to", type: "date", value: filters.to });
  const form = h("form", { class: "row", role: "search", "aria-label": "Filter the send log" },
    h("div", {}, h("label", { for: "sc-log-status" }, "Status"), " ", status),
    h("div", {}, h("label", { for: "sc-log-kind" }, "Kind"), " ", kind),
    h("div", {}, h("label", { for: "sc-log-q" }, "Text"), " ", text),
    h("div", {}, h("label", { for: "sc-log-from" }, "Sent from"), " ", from),
    h("div", {}, h("label", { for: "sc-log-to" }, "to"), " ", to),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    section.filters = { status: status.value, kind: kind.value, q: text.value, from: from.value, to: to.value };
    scLogCard(section, conn, null);
  });
  const q = new URLSearchParams();
  for (const k of ["status", "kind", "q"]) if (filters[k]) q.set(k, filters[k]);
  addDayRange(q, filters.from, filters.to);
  if (before) q.set("before", before);
  const r = await api("GET", "/api/sellercloud/" + conn.id + "/sends?" + q.toString());
  const detail = h("div", { id: "sc-send-detail" });
  const rows = r.ok ? r.data.sends.map((s) => h("tr", { "data-send": s.id, "data-kind": s.kind, "data-status": s.status },
    cell(when(s.started_at)), cell(s.sc_company_name), cell(s.profiles), cell(s.from_date + " \u2013 " + s.to_date, "nowrap"), cell(s.kind),
    h("td", {}, h("span", { class: "state state-" + s.status }, s.status)),
    cell(s.written + " written, " + s.unmatched + " unmatched, " + s.failed + " failed" + (s.message ? " \u2014 " + s.message : "")),
    h("td", {}, h("button", { type: "button", "data-send-details": s.id, onclick: () => scSendDetail(detail, s, { status: "", q: "", offset: 0 }) }, "Details")))) : [];
  fill(section, h("h2", { id: "sc-log-title" }, "Send log"), form,
    !r.ok ? h("p", { class: "bad", role: "alert" }, r.data.error)
      : rows.length ? table(["When", "Sellercloud company", "Profiles", "Days", "Kind", "Status", "Records", ""], rows, { label: "Sellercloud sends" })
        : h("p", {}, "No send matches yet."),
    h("p", { class: "row" },
      before ? h("button", { type: "button", onclick: () => scLogCard(section, conn, null) }, "Newest sends") : null,
      r.ok && r.data.more ? h("button", { type: "button", onclick: () => scLogCard(section, conn, r.data.next_before) }, "Older sends") : null),
    detail);
}

async function scSendDetail(detail, send, f) {
  const q = new URLSearchParams({ offset: String(f.offset), limit: "50" });
  if (f.status) q.set("status", f.status);
  if (f.q) q.set("q", f.q);
  const r = await api("GET", "/api/sellercloud/sends/" + send.id + "?" + q.toString());
  if (!r.ok) { detail.replaceChildren(h("p", { class: "bad", role: "alert" }, r.data.error)); return; }
  const d = r.data;
  const status = h("select", { id: "sc-rec-status" }, ["", "written", "unmatched", "ambiguous", "failed", "cleared"].map((x) =>
    h("option", { value: x, selected: f.status === x }, x ? x + " (" + d.counts[x] + ")" : "Any outcome")));
  const text = h("input", { id: "sc-rec-q", type: "search", value: f.q, placeholder: "SKU, ASIN or product" });
  const form = h("form", { class: "row", role: "search", "aria-label": "Filter the records" },
    h("div", {}, h("label", { for: "sc-rec-status" }, "Outcome"), " ", status),
    h("div", {}, h("label", { for: "sc-rec-q" }, "Text"), " ", text),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => { event.preventDefault(); scSendDetail(detail, send, { status: status.value, q: text.value, offset: 0 }); });
  const rows = d.records.map((x) => h("tr", { "data-record": x.sku },
    cell(x.sku || "(no SKU) " + x.asin), cell(x.product_id || "\u2014"), cell(x.rule || "\u2014"),
    cell(x.cost, "num"), cell(x.sales, "num"), cell(x.item_cost || "\u2014", "num"), cell(x.profit || "\u2014", "num"),
    cell(x.values_written || "\u2014", "small"),
    h("td", {}, h("span", { class: "state state-" + x.status }, x.status), x.error ? h("div", { class: "small bad" }, x.error) : null)));
  const last = Math.min(d.offset + d.limit, d.total);
  detail.replaceChildren(h("section", { class: "card", id: "sc-records", "aria-label": "Records of send " + send.id },
    h("h3", {}, "Send " + send.id + ": " + send.sc_company_name + ", " + send.from_date + " \u2013 " + send.to_date + " (" + send.kind + ", " + send.status + ")"),
    form,
    rows.length ? table(["Advertised SKU", "Sellercloud product", "Linked by", "Ad cost", "Attributed sales", "Item cost", "Profit", "Values written", "Outcome"], rows, { label: "Send records" })
      : h("p", {}, "No record matches."),
    h("p", { class: "row" }, d.total ? (d.offset + 1) + "\u2013" + last + " of " + d.total : "",
      d.offset > 0 ? h("button", { type: "button", onclick: () => scSendDetail(detail, send, Object.assign({}, f, { offset: Math.max(0, d.offset - d.limit) })) }, "Previous") : null,
      last < d.total ? h("button", { type: "button", onclick: () => scSendDetail(detail, send, Object.assign({}, f, { offset: d.offset + d.limit })) }, "Next") : null)));
  detail.scrollIntoView();
}
