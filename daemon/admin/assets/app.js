// Settlebridge admin page: plain JavaScript, no libraries, no network but this server.
// Every text from the server goes into the page through textContent (never innerHTML).
"use strict";

const state = { session: null, companies: [], companyId: null, timer: null };

// ---------------------------------------------------------------------------------------------------------
// DOM helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

function main() { return document.getElementById("main"); }

// Replaces an element's children (null, false and undefined are left out, unlike the DOM's replaceChildren).
function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

function show(...children) {
  const m = main();
  m.replaceChildren();
  append(m, children);
}

function flash(text, kind) {
  const box = document.getElementById("flash");
  box.replaceChildren(h("p", { class: "msg " + (kind || "info") }, text));
}

function clearFlash() { document.getElementById("flash").replaceChildren(); }

function when(seconds) {
  if (!seconds) return "never";
  return new Date(seconds * 1000).toLocaleString();
}

function table(headers, rows, opts) {
  const o = opts || {};
  return h("div", { class: "table-wrap" },
    h("table", { "aria-label": o.label || null },
      o.caption ? h("caption", { class: "visually-hidden" }, o.caption) : null,
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", class: /^(Total|Amount|Cost|Quantity|Qty|Sales|Clicks|Impressions|Purchases|ACoS)/.test(t) ? "num" : null }, t)))),
      h("tbody", {}, rows),
      o.foot ? h("tfoot", {}, o.foot) : null));
}

function cell(text, cls) { return h("td", { class: cls || null }, text); }

// ---------------------------------------------------------------------------------------------------------
// The API

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    if (state.session && state.session.csrf_token) headers["X-CSRF-Token"] = state.session.csrf_token;
    init.body = JSON.stringify(body || {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return { ok: false, status: 0, data: { error: "the Settlebridge service does not answer: is it running?" } };
  }
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (response.status === 401 && !path.endsWith("/login") && !path.endsWith("/setup")) {
    state.session = null;
    route();
  }
  return { ok: response.ok, status: response.status, data };
}

// ---------------------------------------------------------------------------------------------------------
// Login and first run

function loginView(setup) {
  document.getElementById("top").hidden = true;
  const errorBox = h("p", { id: "login-error", class: "error-text", role: "alert" });
  const user = h("input", { id: "login-user", name: "user", autocomplete: "username", required: true, value: setup ? "admin" : "" });
  const pass = h("input", { id: "login-password", name: "password", type: "password", required: true,
    autocomplete: setup ? "new-password" : "current-password", "aria-describedby": setup ? "password-hint" : null });
  const form = h("form", { class: "card login", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, setup ? "Create the admin user" : "Log in to Settlebridge"),
    setup ? h("p", {}, "This is the first run: choose the user name and password that will protect this page.") : null,
    h("div", { class: "field" }, h("label", { for: "login-user" }, "User name"), user),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Password"), pass,
      setup ? h("p", { id: "password-hint", class: "hint" }, "At least 10 characters.") : null),
    errorBox,
    h("button", { type: "submit", class: "primary" }, setup ? "Create and log in" : "Log in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.textContent = "";
    const r = await api("POST", setup ? "/api/setup" : "/api/login", { user: user.value, password: pass.value });
    if (!r.ok) {
      errorBox.textContent = r.data.error || "could not log in";
      pass.value = "";
      pass.focus();
      return;
    }
    state.session = r.data;
    if (!location.hash || location.hash === "#/login") location.hash = "#/home";
    await start();
  });
  show(form);
  user.focus();
}

async function start() {
  const r = await api("GET", "/api/session");
  if (!r.ok) { show(h("p", { class: "bad" }, r.data.error || "the service does not answer")); return; }
  if (!r.data.logged_in) { loginView(r.data.setup_needed); return; }
  state.session = r.data;
  document.getElementById("top").hidden = false;
  document.getElementById("user").textContent = r.data.user;
  await loadCompanies();
  route();
}

async function loadCompanies() {
  const r = await api("GET", "/api/home");
  if (!r.ok) return;
  state.companies = r.data.companies;
  const select = document.getElementById("company");
  select.replaceChildren(...state.companies.map((c) => h("option", { value: c.id }, c.name)));
  const saved = Number(localStorage.getItem("settlebridge.company"));
  const known = state.companies.find((c) => c.id === (state.companyId || saved));
  state.companyId = known ? known.id : (state.companies[0] ? state.companies[0].id : null);
  if (state.companyId) select.value = String(state.companyId);
}

function company() { return state.companies.find((c) => c.id === state.companyId) || null; }

function needCompany(title) {
  if (company()) return false;
  show(h("h1", {}, title), h("p", {}, "No company yet. Add one with ", h("code", {}, "settlebridge company add NAME"), "."));
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Sync state: the cloud icon

function cloud(sync) {
  const labels = { syncing: "Syncing", ok: "Synced", error: "Sync failed", idle: "Not synced yet" };
  let st = sync.state;
  let label = labels[st] || st;
  if (sync.requested && st !== "syncing") { st = "syncing"; label = "Sync requested"; }
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 16");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M6 15a5 5 0 0 1-.6-9.96A7 7 0 0 1 18.6 5 5 5 0 0 1 18 15z");
  svg.appendChild(path);
  return h("span", { class: "cloud cloud-" + st, "data-sync": st, title: sync.message || label },
    svg, h("span", { class: "cloud-text" }, label + (sync.state === "error" && sync.message ? ": " + sync.message : "")));
}

// ---------------------------------------------------------------------------------------------------------
// Home

async function homeView() {
  const r = await api("GET", "/api/home");
  if (!r.ok) { show(h("h1", {}, "Home"), h("p", { class: "bad" }, r.data.error)); return; }
  state.companies = r.data.companies;
  let busy = false;
  const sections = r.data.companies.map((c) => {
    const rows = c.connections.map((x) => {
      if (x.sync.state === "syncing" || x.sync.requested) busy = true;
      return h("tr", { "data-connection": x.kind + ":" + x.id },
        cell(x.channel_label), cell(x.name + (x.region ? " (" + x.region + ")" : "")),
        h("td", {}, cloud(x.sync)), cell(when(x.sync.last_sync_at)), cell(when(x.sync.next_sync_at)),
        h("td", {}, h("button", { type: "button", onclick: () => syncConnection(x) }, x.kind === "sellercloud" ? "Send now" : "Sync now"),
          x.kind === "sellercloud" ? null : [" ", h("button", { type: "button", onclick: () => renameConnection(x) }, "Rename")],
          x.kind === "amazon_seller" ? [" ", h("button", { type: "button", onclick: () => testConnection(x) }, "Test connection")] : null));
    });
    const counts = c.counts;
    return h("section", { class: "card", "aria-labelledby": "company-" + c.id, "data-company": c.name },
      h("div", { class: "row" },
        h("h2", { id: "company-" + c.id }, c.name),
        h("span", { class: "badge " + c.mode }, c.mode === "live" ? "Live" : "Testing"),
        h("span", { class: "spacer" }),
        h("button", { type: "button", class: "primary", onclick: () => syncCompany(c) }, "Sync now")),
      h("p", {},
        h("a", { href: "#/queue", onclick: () => selectCompany(c.id) }, "Posting queue"), ": ",
        counts.held + " held, " + counts.queued + " queued, " + counts.sent + " sent, " + counts.posted + " posted, " +
        counts.failed + " failed"),
      rows.length ? table(["Channel", "Name", "Sync", "Last sync", "Next sync", ""], rows, { label: "Connections of " + c.name })
        : h("p", { class: "muted" }, "No connections yet: ", h("a", { href: "#/connect", onclick: () => selectCompany(c.id) }, "add an account"), "."));
  });
  const unassigned = r.data.unassigned.map((x) => h("tr", {}, cell(x.channel_label), cell(x.name), h("td", {}, cloud(x.sync)),
    cell(when(x.sync.last_sync_at)), cell(when(x.sync.next_sync_at)),
    h("td", {}, h("button", { type: "button", onclick: () => syncConnection(x) }, "Sync now"))));
  show(h("h1", {}, "Home"),
    sections.length ? sections : h("p", {}, "No company yet. Add one with ", h("code", {}, "settlebridge company add NAME"), "."),
    unassigned.length ? h("section", { class: "card" }, h("h2", {}, "Ads accounts without a company"),
      table(["Channel", "Name", "Sync", "Last sync", "Next sync", ""], unassigned)) : null,
    h("p", { class: "muted small" }, "Updated " + when(r.data.now) + (busy ? "; refreshing while a sync runs." : ".")));
  if (busy) state.timer = setTimeout(() => { if (currentPage() === "home") homeView(); }, 3000);
}

async function syncCompany(c) {
  const r = await api("POST", "/api/companies/" + c.id + "/sync");
  flash(r.ok ? r.data.message : r.data.error, r.ok ? "ok" : "bad");
  homeView();
}

async function syncConnection(x) {
  const path = x.kind === "amazon_seller" ? "/api/amazon/" + x.id + "/sync"
    : x.kind === "sellercloud" ? "/api/sellercloud/" + x.id + "/sync" : "/api/ads/accounts/" + x.id + "/sync";
  const r = await api("POST", path);
  flash(r.ok ? r.data.message : r.data.error, r.ok ? "ok" : "bad");
  homeView();
}

async function renameConnection(x) {
  const name = window.prompt("New name for \u201c" + x.name + "\u201d", x.name);
  if (name === null) return;
  const path = x.kind === "amazon_seller" ? "/api/amazon/" + x.id : "/api/ads/accounts/" + x.id;
  const r = await api("PUT", path, { name });
  flash(r.ok ? "Renamed to \u201c" + name + "\u201d." : r.data.error, r.ok ? "ok" : "bad");
  homeView();
}

async function testConnection(x) {
  flash("Testing \u201c" + x.name + "\u201d\u2026", "info");
  const r = await api("POST", "/api/amazon/" + x.id + "/test");
  if (!r.ok) { flash(r.data.error, "bad"); return; }
  flash((r.data.ok ? "Connection works: " : "Connection failed: ") + r.data.message, r.data.ok ? "ok" : "bad");
  homeView();
}

// ---------------------------------------------------------------------------------------------------------
// Connect: "Add account"

// Shows a refused form's problems: the list in `box`, and each message next to its field (inputs[field]).
function showErrors(box, r, inputs) {
  const list = r.data.errors && r.data.errors.length ? r.data.errors : [{ field: r.data.field || "", message: r.data.error || "the request failed" }];
  box.className = "errors";
  box.setAttribute("role", "alert");
  box.replaceChildren(h("strong", {}, "Nothing was saved: please correct " + (list.length === 1 ? "this" : "these") + "."),
    h("ul", {}, list.map((e) => h("li", {}, e.message))));
  for (const e of list) {
    const input = inputs && inputs[e.field];
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

function clearErrors(box, inputs) {
  box.className = "";
  box.replaceChildren();
  for (const input of Object.values(inputs || {})) input.removeAttribute("aria-invalid");
}

function field(id, label, input, hint) {
  if (hint) input.setAttribute("aria-describedby", id + "-hint");
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("p", { id: id + "-hint", class: "hint" }, hint) : null);
}

function regionSelect(id) {
  return h("select", { id },
    h("option", { value: "NA" }, "North America (US, CA, MX, BR)"), h("option", { value: "EU" }, "Europe, Middle East, India"),
    h("option", { value: "FE" }, "Far East (JP, AU, SG)"));
}

function connectView() {
  if (needCompany("Connect")) return;
  const channel = sessionStorage.getItem("connect.channel") || "amazon_seller";
  const radio = (value, label) => h("p", {}, h("input", { type: "radio", name: "channel", id: "channel-" + value, value, checked: channel === value,
    onchange: () => { sessionStorage.setItem("connect.channel", value); connectView(); } }), " ", h("label", { for: "channel-" + value }, label));
  const chooser = h("fieldset", { class: "card" }, h("legend", {}, "Channel"),
    radio("amazon_seller", "Amazon seller (settlement reports)"),
    radio("amazon_ads", "Amazon Ads (ad spend per SKU)"),
    radio("walmart_connect", "Walmart Connect (ad spend per item)"));
  const body = h("div", { id: "connect-body" });
  show(h("h1", {}, "Add an account"), chooser, body);
  if (channel === "amazon_ads") connectAdsForm(body);
  else if (channel === "walmart_connect") connectWalmartForm(body);
  else connectSellerForm(body);
}

function companyChoice(id, allowNone) {
  return h("select", { id }, allowNone ? h("option", { value: "" }, "No company yet") : null,
    state.companies.map((c) => h("option", { value: c.id, selected: c.id === state.companyId }, c.name)));
}

function connectSellerForm(body) {
  const companySel = companyChoice("connect-company", false);
  const name = h("input", { id: "connect-name", placeholder: "e.g. US seller" });
  const region = regionSelect("connect-region");
  const error = h("p", { class: "error-text", role: "alert", id: "connect-error" });
  const form = h("form", { class: "card" },
    h("p", {}, "Connect sends you to Amazon to log in and allow Settlebridge to read your settlement reports; Amazon then sends you back here."),
    h("div", { class: "grid2" },
      field("connect-company", "Company", companySel), field("connect-region", "Region", region),
      field("connect-name", "Name", name, "Empty: \u201cNA seller\u201d and so on.")),
    error,
    h("button", { type: "submit", class: "primary", id: "connect-go" }, "Connect"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const r = await api("POST", "/api/connect/amazon", { company_id: Number(companySel.value), name: name.value.trim(), region: region.value });
    if (!r.ok) { error.textContent = r.data.error; return; }
    location.href = r.data.url;  // Amazon's consent page; it sends the browser back to this daemon
  });
  body.replaceChildren(form);
}

async function connectAdsForm(body) {
  const app = await api("GET", "/api/connect/ads-app");
  if (!app.ok) { body.replaceChildren(h("p", { class: "bad" }, app.data.error)); return; }
  // The operator's Amazon Ads app: entered once; the secret is never shown again.
  const clientId = h("input", { id: "ads-client-id", value: app.data.client_id, size: 48, autocomplete: "off" });
  const secret = h("input", { id: "ads-client-secret", type: "password", autocomplete: "new-password",
    placeholder: app.data.has_secret ? "stored \u2014 leave empty to keep it" : "" });
  const redirect = h("input", { id: "ads-redirect", value: app.data.redirect_uri, size: 48, placeholder: app.data.default_redirect_uri });
  const appErrors = h("div", { id: "ads-app-errors" });
  const appInputs = { client_id: clientId, client_secret: secret, redirect_uri: redirect };
  const appForm = h("form", { class: "card", id: "ads-app-form" },
    h("h2", {}, "Amazon Ads app"),
    h("p", {}, "The Login with Amazon security profile of your Amazon Ads API app. Register this redirect URI with it: ",
      h("code", {}, app.data.redirect_uri || app.data.default_redirect_uri)),
    appErrors,
    h("div", { class: "grid2" },
      field("ads-client-id", "Client id", clientId, "amzn1.application-oa2-client.\u2026"),
      field("ads-client-secret", "Client secret", secret, app.data.has_secret ? "A secret is stored." : "Shown once by Amazon; stored encrypted."),
      field("ads-redirect", "Redirect URI (optional)", redirect, "Empty: " + app.data.default_redirect_uri)),
    h("button", { type: "submit", class: "primary", id: "ads-app-save" }, "Save the app"));
  appForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(appErrors, appInputs);
    const r = await api("PUT", "/api/connect/ads-app", { client_id: clientId.value.trim(), client_secret: secret.value, redirect_uri: redirect.value.trim() });
    if (!r.ok) { showErrors(appErrors, r, appInputs); return; }
    flash(r.data.message, "ok");
    connectAdsForm(body);
  });
  if (!app.data.configured) {
    body.replaceChildren(h("p", {}, "Before the first Amazon Ads account, enter your Amazon Ads app once."), appForm);
    return;
  }
  const companySel = companyChoice("ads-company", true);
  const name = h("input", { id: "ads-name", placeholder: "e.g. Brand ads" });
  const region = regionSelect("ads-region");
  const errors = h("div", { id: "ads-errors" });
  const inputs = { company_id: companySel, name, region };
  const form = h("form", { class: "card", id: "ads-connect-form" },
    h("p", {}, "Connect sends you to Amazon to log in and allow Settlebridge to read your advertising reports; Amazon then sends you back here and the account's profiles are listed under Ads."),
    errors,
    h("div", { class: "grid2" },
      field("ads-company", "Company", companySel), field("ads-region", "Region", region),
      field("ads-name", "Name", name, "Empty: \u201cAmazon Ads NA\u201d and so on.")),
    h("button", { type: "submit", class: "primary", id: "ads-connect-go" }, "Connect"));
  const payload = () => ({ company_id: companySel.value ? Number(companySel.value) : null, name: name.value.trim(), region: region.value });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(errors, inputs);
    const r = await api("POST", "/api/connect/amazon-ads", payload());
    if (!r.ok) { showErrors(errors, r, inputs); return; }
    location.href = r.data.url;
  });
  const token = h("input", { id: "ads-token", type: "password", autocomplete: "off", size: 48 });
  const tokenErrors = h("div", { id: "ads-token-errors" });
  const tokenForm = h("form", { id: "ads-token-form" },
    tokenErrors,
    field("ads-token", "Refresh token", token, "Starts with Atzr|. Made for this same Ads app; the name, company and region above apply."),
    h("button", { type: "submit", id: "ads-token-go" }, "Add with this token"));
  tokenForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(tokenErrors, { refresh_token: token });
    const r = await api("POST", "/api/connect/amazon-ads/token", Object.assign(payload(), { refresh_token: token.value.trim() }));
    if (!r.ok) { showErrors(tokenErrors, r, Object.assign({ refresh_token: token }, inputs)); return; }
    token.value = "";
    flash(r.data.message, "ok");
  });
  body.replaceChildren(form,
    h("details", { class: "card" }, h("summary", {}, "Paste a refresh token instead"), tokenForm),
    h("details", { class: "card" }, h("summary", {}, "Change the Amazon Ads app"), appForm));
}

function connectWalmartForm(body) {
  const companySel = companyChoice("wm-company", true);
  const inputs = {
    company_id: companySel,
    name: h("input", { id: "wm-name", placeholder: "e.g. Walmart US" }),
    advertiser_id: h("input", { id: "wm-advertiser", inputmode: "numeric", autocomplete: "off" }),
    auth_token: h("input", { id: "wm-token", type: "password", autocomplete: "off" }),
    consumer_id: h("input", { id: "wm-consumer", autocomplete: "off" }),
    private_key: h("textarea", { id: "wm-key", rows: 6, cols: 64, spellcheck: "false", autocomplete: "off" }),
    key_version: h("input", { id: "wm-key-version", value: "1", size: 4 }),
    currency: h("input", { id: "wm-currency", value: "USD", size: 4 }),
    time_zone: h("input", { id: "wm-zone", placeholder: "America/Los_Angeles" }),
  };
  const errors = h("div", { id: "wm-errors" });
  const form = h("form", { class: "card", id: "wm-form" },
    h("p", {}, "Walmart Connect gives API partners an auth token, a consumer id and a key version for the RSA key pair they registered; the advertiser id is in the Walmart Connect ad center. They are stored encrypted; Walmart checks them at the first sync (see Home)."),
    errors,
    h("div", { class: "grid2" },
      field("wm-company", "Company", companySel), field("wm-name", "Name", inputs.name, "Empty: \u201cWalmart <advertiser id>\u201d."),
      field("wm-advertiser", "Advertiser id", inputs.advertiser_id), field("wm-consumer", "Consumer id (WM_CONSUMER.ID)", inputs.consumer_id),
      field("wm-token", "Auth token", inputs.auth_token), field("wm-key-version", "Key version", inputs.key_version),
      field("wm-currency", "Currency", inputs.currency), field("wm-zone", "Reporting time zone", inputs.time_zone, "Empty: America/Los_Angeles.")),
    field("wm-key", "Private key (PEM or base64)", inputs.private_key),
    h("button", { type: "submit", class: "primary", id: "wm-go" }, "Add the advertiser"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(errors, inputs);
    const payload = {};
    for (const [key, input] of Object.entries(inputs)) payload[key] = input.value.trim();
    payload.company_id = companySel.value ? Number(companySel.value) : null;
    const r = await api("POST", "/api/connect/walmart", payload);
    if (!r.ok) { showErrors(errors, r, inputs); return; }
    inputs.auth_token.value = "";
    inputs.private_key.value = "";
    flash(r.data.message, "ok");
  });
  body.replaceChildren(form);
}

function selectCompany(id) {
  state.companyId = id;
  localStorage.setItem("settlebridge.company", String(id));
  document.getElementById("company").value = String(id);
}

// ---------------------------------------------------------------------------------------------------------
// Posting queue

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
          held ? h("div", {}, h("button", { type: "button", class: "primary", "data-approve": settlement, onclick: () => approve(c, settlement) }, "Approve")) : null) : null,
        cell(d.kind_label + (d.part > 0 ? " (part " + (d.part + 1) + ")" : "")),
        cell(d.ref_number || "\u2014"), cell(d.txn_date, "nowrap"), cell(d.total, "num"),
        h("td", {}, h("span", { class: "state state-" + d.state }, d.state)),
        h("td", {}, d.qb_status_code !== null && d.qb_status_code !== 0 ? h("div", {}, h("strong", {}, "QuickBooks " + d.qb_status_code + ": "), d.qb_status_message) : null,
          h("div", { class: "small" }, d.explanation)),
        h("td", {}, d.can_retry ? h("button", { type: "button", "data-retry": d.id, onclick: () => retry(d) }, "Retry") : null)));
    });
  }
  const counts = q.counts;
  show(h("h1", {}, "Posting queue \u2014 " + q.company), modeBox,
    h("p", { id: "counts" }, counts.held + " held, " + counts.queued + " queued, " + counts.sent + " sent, " + counts.posted + " posted, " + counts.failed + " failed."),
    rows.length ? table(["Settlement", "Document", "RefNumber", "Date", "Total", "State", "QuickBooks says", ""], rows, { label: "Documents" })
      : h("p", {}, "Nothing in the queue yet: settlements appear here once they are imported or synced."));
}

async function approve(c, settlement) {
  const r = await api("POST", "/api/companies/" + c.id + "/approve", { settlement_id: settlement });
  flash(r.ok ? "Settlement " + settlement + " approved: " + r.data.queued + " document(s) queued for the next Web Connector run." : r.data.error, r.ok ? "ok" : "bad");
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

// ---------------------------------------------------------------------------------------------------------
// Order previewer

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
    h("dt", {}, "Mapping"), h("dd", {}, s.mapping_version)));
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

// ---------------------------------------------------------------------------------------------------------
// Settings

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
    return h("tr", {}, h("th", { scope: "row" }, cat.label, h("div", { class: "muted small" }, cat.key)), h("td", {}, item), h("td", {}, account), cell(cat.account_type));
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
        h("p", { id: "err-split_months", class: "error-text" }))),
    h("section", { class: "card" }, h("h2", {}, "Customers per currency or marketplace"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Currency or marketplace"), h("th", {}, "Customer"), h("th", {}, ""))), customerBody),
      h("p", {}, h("button", { type: "button", onclick: () => customerRow("", "") }, "Add a customer")),
      h("p", { id: "err-customers", class: "error-text" })),
    h("section", { class: "card" }, h("h2", {}, "Categories: QuickBooks items and accounts"),
      h("p", { class: "hint" }, "Leave a box empty to keep the default shown in grey. Mapping version: " + s.mapping_version + "."),
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
      customer_name: inputs.customer_name.value,
      time_zone: inputs.time_zone.value,
      qbxml_version: inputs.qbxml_version.value,
      split_months: split.checked,
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
  show(h("h1", {}, "Settings \u2014 " + c.name), form);
}

// ---------------------------------------------------------------------------------------------------------
// Web Connector

async function webConnectorView() {
  if (needCompany("Web Connector")) return;
  const c = company();
  const r = await api("GET", "/api/companies/" + c.id + "/sessions");
  if (!r.ok) { show(h("h1", {}, "Web Connector"), h("p", { class: "bad" }, r.data.error)); return; }
  const url = h("input", { id: "qwc-url", value: r.data.default_url, size: 48, "aria-describedby": "qwc-hint" });
  const link = h("a", { class: "button primary", id: "qwc-download", href: "#", download: c.name + ".qwc" }, "Download the .qwc file");
  const error = h("p", { class: "error-text", role: "alert", id: "qwc-error" });
  const update = () => { link.href = "/api/companies/" + c.id + "/qwc?url=" + encodeURIComponent(url.value); };
  url.addEventListener("input", update);
  update();
  link.addEventListener("click", async (event) => {
    // Check first, so a URL the Web Connector would refuse gets a message instead of an error download.
    event.preventDefault();
    error.textContent = "";
    const check = await fetch(link.href, { credentials: "same-origin" });
    if (!check.ok) {
      let data = {};
      try { data = await check.json(); } catch (e) { data = { error: "the file could not be made" }; }
      error.textContent = data.error;
      return;
    }
    const blob = await check.blob();
    const a = h("a", { href: URL.createObjectURL(blob), download: c.name.replace(/[^A-Za-z0-9._-]/g, "_") + ".qwc" });
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  const rows = r.data.sessions.map((s) => h("tr", {},
    cell(when(s.started_at)), cell(s.state + (s.refused ? " (refused)" : "")), cell(s.company_file || "\u2014"),
    cell(s.qbxml_version || "\u2014"), cell(s.requests + " / " + s.responses, "num"),
    h("td", {}, s.documents.length ? h("ul", {}, s.documents.map((d) => h("li", {}, d.kind + " " + (d.ref_number || "") + " " + d.total + ": ", h("span", { class: "state state-" + d.state }, d.state)))) : "nothing",
      s.last_error ? h("p", { class: "small bad" }, s.last_error) : null)));
  show(h("h1", {}, "Web Connector \u2014 " + c.name),
    h("section", { class: "card" }, h("h2", {}, "Add this company to the QuickBooks Web Connector"),
      h("ol", {}, h("li", {}, "Download the .qwc file and open it on the PC that runs QuickBooks (Web Connector \u2192 Add an application)."),
        h("li", {}, "Enter the Web Connector password you chose for \u201c" + c.name + "\u201d.")),
      h("div", { class: "field" }, h("label", { for: "qwc-url" }, "Address the Web Connector uses"), url,
        h("p", { id: "qwc-hint", class: "hint" }, "https:// with this server's name, or http://localhost when QuickBooks runs on this machine.")),
      link, error),
    h("h2", {}, "Last sessions"),
    rows.length ? table(["Started", "State", "Company file", "qbXML", "Requests / answers", "What it posted"], rows, { label: "Web Connector sessions" })
      : h("p", {}, "No Web Connector session yet."));
}

// ---------------------------------------------------------------------------------------------------------
// Logs

async function logsView(before) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const companySel = h("select", { id: "log-company", name: "company" }, h("option", { value: "" }, "All companies"),
    state.companies.map((c) => h("option", { value: c.id, selected: params.get("company") === String(c.id) }, c.name)));
  const level = h("select", { id: "log-level", name: "level" }, ["", "info", "warning", "error"].map((l) =>
    h("option", { value: l, selected: params.get("level") === l }, l ? l + " and above" : "Everything")));
  const text = h("input", { id: "log-text", name: "q", type: "search", value: params.get("q") || "" });
  const form = h("form", { class: "card row", role: "search", "aria-label": "Filter the log" },
    h("div", {}, h("label", { for: "log-company" }, "Company"), " ", companySel),
    h("div", {}, h("label", { for: "log-level" }, "Level"), " ", level),
    h("div", {}, h("label", { for: "log-text" }, "Text"), " ", text),
    h("button", { type: "submit", class: "primary" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const p = new URLSearchParams();
    if (companySel.value) p.set("company", companySel.value);
    if (level.value) p.set("level", level.value);
    if (text.value) p.set("q", text.value);
    location.hash = "#/logs?" + p.toString();
  });
  const query = new URLSearchParams(params);
  if (before) query.set("before", before);
  const r = await api("GET", "/api/events?" + query.toString());
  if (!r.ok) { show(h("h1", {}, "Logs"), form, h("p", { class: "bad" }, r.data.error)); return; }
  const rows = r.data.events.map((e) => h("tr", { class: "level-" + e.level }, cell(when(e.at)), cell(e.level), cell(e.company || "\u2014"), cell(e.message)));
  show(h("h1", {}, "Logs"), form,
    rows.length ? table(["When", "Level", "Company", "What happened"], rows, { label: "Event log" }) : h("p", {}, "Nothing matches."),
    r.data.more ? h("p", {}, h("button", { type: "button", onclick: () => logsView(r.data.next_before) }, "Older events")) : null);
}

// ---------------------------------------------------------------------------------------------------------
// Ads

async function adsView() {
  const all = sessionStorage.getItem("ads.all") === "1";
  const r = await api("GET", "/api/ads/profiles" + (all ? "?all=1" : ""));
  if (!r.ok) { show(h("h1", {}, "Ads"), h("p", { class: "bad" }, r.data.error)); return; }
  const showAll = h("input", { type: "checkbox", id: "ads-all", checked: all, onchange: () => { sessionStorage.setItem("ads.all", showAll.checked ? "1" : "0"); adsView(); } });
  const detail = h("div", { id: "ads-detail" });
  const rows = r.data.profiles.map((p) => h("tr", { "data-profile": p.id },
    h("th", { scope: "row" }, p.label, h("div", { class: "muted small" }, p.channel === "amazon_ads" ? "Amazon Ads" : "Walmart Connect", " \u00b7 ", p.account_name, " \u00b7 ", p.profile_id)),
    cell(p.country), cell(p.currency), h("td", {}, cloud(p.sync)),
    h("td", {}, h("input", { type: "checkbox", checked: p.enabled, "aria-label": "Sync " + p.label, onchange: (e) => updateProfile(p, { enabled: e.target.checked }) })),
    h("td", {}, h("input", { type: "checkbox", checked: p.hidden, "aria-label": "Hide " + p.label, onchange: (e) => updateProfile(p, { hidden: e.target.checked }) })),
    h("td", {}, h("button", { type: "button", onclick: () => spendView(p, detail) }, "Spend"), " ",
      h("button", { type: "button", onclick: async () => { const n = window.prompt("New name for " + p.label + " (empty: the name Amazon gives)", p.display_name); if (n !== null) updateProfile(p, { display_name: n }); } }, "Rename"), " ",
      h("button", { type: "button", onclick: async () => { const x = await api("POST", "/api/ads/profiles/" + p.id + "/sync", {}); flash(x.ok ? x.data.message : x.data.error, x.ok ? "ok" : "bad"); adsView(); } }, "Sync now"))));
  show(h("h1", {}, "Ads"),
    h("p", {}, showAll, " ", h("label", { for: "ads-all" }, "Show all profiles" + (r.data.hidden ? " (" + r.data.hidden + " hidden)" : ""))),
    rows.length ? table(["Profile", "Country", "Currency", "Sync", "Synced", "Hidden", ""], rows, { label: "Ads profiles" })
      : h("p", {}, "No ads profile yet: connect an Amazon Ads or Walmart Connect account."),
    detail);
}

async function updateProfile(p, change) {
  const r = await api("PUT", "/api/ads/profiles/" + p.id, change);
  flash(r.ok ? "Profile \u201c" + r.data.label + "\u201d saved." : r.data.error, r.ok ? "ok" : "bad");
  adsView();
}

function spendView(p, detail) {
  const today = new Date();
  const from = h("input", { type: "date", id: "spend-from", value: isoDay(new Date(today.getTime() - 29 * 86400000)) });
  const to = h("input", { type: "date", id: "spend-to", value: isoDay(today) });
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "row" },
    h("div", {}, h("label", { for: "spend-from" }, "From"), " ", from),
    h("div", {}, h("label", { for: "spend-to" }, "To"), " ", to),
    h("button", { type: "submit", class: "primary" }, "Show"));
  const load = async () => {
    const r = await api("GET", "/api/ads/profiles/" + p.id + "/spend?from=" + from.value + "&to=" + to.value);
    out.replaceChildren(r.ok ? spendResult(r.data) : h("p", { class: "bad", role: "alert" }, r.data.error));
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  detail.replaceChildren(h("section", { class: "card" }, h("h2", {}, "Ad spend \u2014 " + p.label), form, out));
  load();
  detail.scrollIntoView();
}

function spendChart(s) {
  const ns = "http://www.w3.org/2000/svg";
  const W = 900, H = 260, left = 70, bottom = 40, top = 10;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Ad spend per day by ad product, " + s.from + " to " + s.to + ", total " + s.total);
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  const max = Math.max(s.max_day_cents, 1);
  const plotH = H - bottom - top, plotW = W - left - 10;
  const step = plotW / Math.max(s.days.length, 1);
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    el("line", { x1: left, x2: W - 10, y1: y, y2: y, stroke: "currentColor", "stroke-opacity": 0.15 });
    const cents = Math.round((max * i) / 4);
    el("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "currentColor" }, (cents / 100).toFixed(0));
  }
  s.days.forEach((d, i) => {
    let y = top + plotH;
    for (const prod of s.products) {
      const v = d.cost_cents[prod.key] || 0;
      if (v <= 0) continue;
      const hgt = (plotH * v) / max;
      y -= hgt;
      const rect = el("rect", { x: left + i * step + step * 0.15, y, width: Math.max(step * 0.7, 1), height: hgt, class: "bar-" + prod.key });
      const title = document.createElementNS(ns, "title");
      title.textContent = d.date + " " + prod.label + ": " + (v / 100).toFixed(2) + " " + s.currency;
      rect.appendChild(title);
    }
    if (s.days.length <= 31 ? i % Math.ceil(s.days.length / 10) === 0 : i % 7 === 0) {
      el("text", { x: left + i * step + step / 2, y: H - bottom + 16, "text-anchor": "middle", "font-size": 11, fill: "currentColor" }, d.date.slice(5));
    }
  });
  return svg;
}

function spendResult(s) {
  const legend = h("ul", { class: "legend" }, s.products.map((p) => h("li", {}, h("span", { class: "swatch swatch-" + p.key }), p.label + ": " + p.total)));
  const dayRows = s.days.filter((d) => d.total_cents !== 0).map((d) => h("tr", {}, cell(d.date), s.products.map((p) => cell(((d.cost_cents[p.key] || 0) / 100).toFixed(2), "num")), cell(d.total, "num")));
  const skuRows = s.skus.map((k) => h("tr", {}, cell(k.sku || "(no SKU) " + k.asin), cell(k.asin), cell(k.cost, "num"), cell(k.sales, "num"), cell(k.acos, "num"), cell(String(k.clicks), "num"), cell(String(k.impressions), "num"), cell(String(k.purchases), "num")));
  return h("div", {},
    h("p", {}, h("strong", {}, "Total: "), s.total),
    s.products.length ? [spendChart(s), legend,
      h("details", {}, h("summary", {}, "The same figures as a table"),
        table(["Date", ...s.products.map((p) => p.key), "Total"], dayRows, { label: "Spend per day" }))]
      : h("p", {}, "No spend in this range."),
    h("h3", {}, "Per SKU"),
    skuRows.length ? table(["SKU", "ASIN", "Cost", "Sales", "ACoS", "Clicks", "Impressions", "Purchases"], skuRows, { label: "Spend per SKU" }) : h("p", {}, "No SKU spend in this range."));
}

// ---------------------------------------------------------------------------------------------------------
// Sellercloud

async function sellercloudView() {
  if (needCompany("Sellercloud")) return;
  const c = company();
  const r = await api("GET", "/api/companies/" + c.id + "/sellercloud");
  if (!r.ok) { show(h("h1", {}, "Sellercloud"), h("p", { class: "bad" }, r.data.error)); return; }
  const conn = r.data.connection;
  const parts = [h("h1", {}, "Sellercloud \u2014 " + c.name), scConnectionCard(c, conn)];
  if (conn) {
    const mapping = h("section", { class: "card", id: "sc-mapping", "aria-labelledby": "sc-mapping-title" });
    const log = h("section", { class: "card", id: "sc-log", "aria-labelledby": "sc-log-title" });
    parts.push(mapping, scSendCard(conn, r.data.profiles, r.data.max_send_days), log);
    show(...parts);
    scMappingCard(mapping, conn, r.data.profiles);
    scLogCard(log, conn, null);
  } else {
    show(...parts);
  }
}

function scVerdict(test) {
  if (!test.verdict) return h("p", { id: "sc-verdict", class: "muted" }, "Not tested yet.");
  return h("p", { id: "sc-verdict", "data-verdict": test.verdict, class: "msg " + (test.ok ? "ok" : "bad") },
    h("strong", {}, test.verdict_label + ". "), test.message, test.tested_at ? " (" + when(test.tested_at) + ")" : "");
}

function scConnectionCard(c, conn) {
  const byServer = conn && !conn.team_name && conn.server_id;
  const how = h("select", { id: "sc-how" }, h("option", { value: "team", selected: !byServer }, "Team name"),
    h("option", { value: "server", selected: !!byServer }, "Server id"));
  const where = h("input", { id: "sc-where", value: conn ? (byServer ? conn.server_id : conn.team_name) : "", autocomplete: "off" });
  const username = h("input", { id: "sc-username", value: conn ? conn.username : "", autocomplete: "off" });
  const password = h("input", { id: "sc-password", type: "password", autocomplete: "new-password",
    placeholder: conn && conn.has_password ? "stored \u2014 leave empty to keep it" : "" });
  const errors = h("div", { id: "sc-errors" });
  const inputs = { team_name: where, server_id: where, username, password };
  const verdictBox = h("div", { "aria-live": "polite" }, conn ? scVerdict(conn.test) : null);
  const form = h("form", { id: "sc-connection-form" },
    errors,
    h("div", { class: "grid2" },
      field("sc-how", "Sellercloud is found by", how),
      field("sc-where", "Team name or server id", where, "The team name you type on Sellercloud's login page, or the server id (xx in xx.cwa.sellercloud.com)."),
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
    body[how.value === "team" ? "team_name" : "server_id"] = where.value.trim();
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

async function scMappingCard(section, conn, profiles) {
  section.replaceChildren(h("h2", { id: "sc-mapping-title" }, "Ads profiles \u2192 Sellercloud companies"), h("p", { class: "muted" }, "Loading Sellercloud's companies\u2026"));
  const list = await api("GET", "/api/sellercloud/" + conn.id + "/companies");
  const companies = list.ok ? list.data.companies : [];
  const notice = h("div", { id: "sc-map-notice", "aria-live": "polite" });
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
      if (!select.value) { notice.replaceChildren(h("p", { class: "msg bad", role: "alert" }, "Choose a Sellercloud company for " + p.label + ".")); return; }
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
      if (!r.ok) { notice.replaceChildren(h("p", { class: "msg bad", role: "alert" }, r.data.error)); return; }
      flash(r.data.message, "ok");
      sellercloudView();
    };
    return h("tr", { "data-profile": p.id },
      h("th", { scope: "row" }, p.label, h("div", { class: "muted small" }, (p.channel === "walmart" ? "Walmart Connect" : "Amazon Ads") + " \u00b7 " + p.account_name + " \u00b7 " + p.currency)),
      cell(m ? (here ? m.sc_company_name : "through another company's connection") + (m.has_sent ? " \u00b7 sent up to " + (m.last_sent_date || "\u2014") : "") : "not mapped"),
      h("td", {}, select), h("td", {}, products), h("td", {}, channels),
      h("td", {}, h("button", { type: "button", "data-map": p.id, onclick: () => save(false) }, "Save")));
  });
  fill(section, h("h2", { id: "sc-mapping-title" }, "Ads profiles \u2192 Sellercloud companies"),
    list.ok ? null : h("p", { class: "msg bad", role: "alert" }, list.data.error),
    h("p", {}, "Each ads profile sends its spend to one Sellercloud company. Remapping a profile that already sent data asks for a confirmation and clears what it wrote to the old company first."),
    notice,
    rows.length ? table(["Profile", "Now", "Sellercloud company", "Ad products", "Channels", ""], rows, { label: "Profile mapping" })
      : h("p", {}, "No ads profile yet: connect an Amazon Ads or Walmart Connect account first."));
}

function scSendCard(conn, profiles, maxDays) {
  const mapped = profiles.filter((p) => p.mapping && p.mapping.this_connection);
  const days = h("input", { id: "sc-days", type: "number", min: 1, max: maxDays, value: 7, size: 4 });
  const profile = h("select", { id: "sc-send-profile" }, h("option", { value: "" }, "Every mapped profile"),
    mapped.map((p) => h("option", { value: p.id }, p.label)));
  const channel = h("select", { id: "sc-send-channel" }, h("option", { value: "" }, "Amazon and Walmart"),
    h("option", { value: "amazon" }, "Amazon"), h("option", { value: "walmart" }, "Walmart"));
  const out = h("div", { "aria-live": "polite", id: "sc-send-result" });
  const pending = mapped.filter((p) => p.mapping.requested_days > 0);
  const form = h("form", { class: "row", id: "sc-send-form" },
    h("div", {}, h("label", { for: "sc-days" }, "Last"), " ", days, " days"),
    h("div", {}, h("label", { for: "sc-send-profile" }, "Profile"), " ", profile),
    h("div", {}, h("label", { for: "sc-send-channel" }, "Channel"), " ", channel),
    h("button", { type: "submit", class: "primary", id: "sc-send-go" }, "Send"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { days: Number(days.value) };
    if (profile.value) body.profile_id = Number(profile.value);
    if (channel.value) body.channel = channel.value;
    const r = await api("POST", "/api/sellercloud/" + conn.id + "/send", body);
    out.replaceChildren(h("p", { class: "msg " + (r.ok ? "ok" : "bad"), role: r.ok ? null : "alert" }, r.ok ? r.data.message : r.data.error));
  });
  return h("section", { class: "card", "aria-labelledby": "sc-send-title" },
    h("h2", { id: "sc-send-title" }, "Send now"),
    h("p", {}, "Sends the last N days (1\u2013" + maxDays + ") again; the daemon does it within a minute and the log below shows the result. Values are recomputed, never added twice."),
    pending.length ? h("p", { class: "muted" }, "Waiting: " + pending.map((p) => p.label + " (" + p.mapping.requested_days + " days)").join(", ")) : null,
    form, out);
}

async function scLogCard(section, conn, before) {
  const filters = section.filters || { status: "", kind: "", q: "" };
  section.filters = filters;
  const status = h("select", { id: "sc-log-status" }, ["", "ok", "partial", "failed", "running"].map((x) => h("option", { value: x, selected: filters.status === x }, x || "Any status")));
  const kind = h("select", { id: "sc-log-kind" }, ["", "daily", "manual", "clear"].map((x) => h("option", { value: x, selected: filters.kind === x }, x || "Any kind")));
  const text = h("input", { id: "sc-log-q", type: "search", value: filters.q });
  const form = h("form", { class: "row", role: "search", "aria-label": "Filter the send log" },
    h("div", {}, h("label", { for: "sc-log-status" }, "Status"), " ", status),
    h("div", {}, h("label", { for: "sc-log-kind" }, "Kind"), " ", kind),
    h("div", {}, h("label", { for: "sc-log-q" }, "Text"), " ", text),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    section.filters = { status: status.value, kind: kind.value, q: text.value };
    scLogCard(section, conn, null);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (before) q.set("before", before);
  const r = await api("GET", "/api/sellercloud/" + conn.id + "/sends?" + q.toString());
  const detail = h("div", { id: "sc-send-detail" });
  const rows = r.ok ? r.data.sends.map((s) => h("tr", { "data-send": s.id },
    cell(when(s.started_at)), cell(s.sc_company_name), cell(s.profiles), cell(s.from_date + " \u2013 " + s.to_date, "nowrap"), cell(s.kind),
    h("td", {}, h("span", { class: "state state-" + s.status }, s.status)),
    cell(s.written + " written, " + s.unmatched + " unmatched, " + s.failed + " failed" + (s.message ? " \u2014 " + s.message : "")),
    h("td", {}, h("button", { type: "button", "data-send-details": s.id, onclick: () => scSendDetail(detail, s, { status: "", q: "", offset: 0 }) }, "Details")))) : [];
  fill(section, h("h2", { id: "sc-log-title" }, "Send log"), form,
    !r.ok ? h("p", { class: "bad" }, r.data.error)
      : rows.length ? table(["When", "Sellercloud company", "Profiles", "Days", "Kind", "Status", "Records", ""], rows, { label: "Sellercloud sends" })
        : h("p", {}, "No send matches yet."),
    r.ok && r.data.more ? h("p", {}, h("button", { type: "button", onclick: () => scLogCard(section, conn, r.data.next_before) }, "Older sends")) : null,
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

// ---------------------------------------------------------------------------------------------------------
// Routing

const pages = {
  home: homeView, queue: queueView, preview: previewView, settings: settingsView,
  webconnector: webConnectorView, logs: () => logsView(), ads: adsView, connect: connectView, sellercloud: sellercloudView,
};

function currentPage() {
  const name = (location.hash.replace(/^#\//, "").split(/[/?]/)[0]) || "home";
  return pages[name] ? name : "home";
}

function route() {
  if (state.timer) { clearTimeout(state.timer); state.timer = null; }
  if (!state.session) { start(); return; }
  const page = currentPage();
  document.querySelectorAll("#nav a").forEach((a) => {
    if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  pages[page]();
  main().focus({ preventScroll: true });
}

window.addEventListener("hashchange", () => { clearFlash(); route(); });

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("company").addEventListener("change", (e) => {
    selectCompany(Number(e.target.value));
    clearFlash();
    route();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/logout");
    state.session = null;
    clearFlash();
    location.hash = "#/home";
    start();
  });
  start();
});
