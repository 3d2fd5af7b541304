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

// Unix seconds of the start of a day ("YYYY-MM-DD", plus some days) in this browser's time zone, the one the page
// shows times in.
function dayStart(day, plusDays) {
  const [y, m, d] = day.split("-").map(Number);
  return Math.floor(new Date(y, m - 1, d + (plusDays || 0)).getTime() / 1000);
}

// Adds a date range (the days from and to, both included) to a log query as since / until.
function addDayRange(query, from, to) {
  if (from) query.set("since", String(dayStart(from)));
  if (to) query.set("until", String(dayStart(to, 1)));
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

// ---------------------------------------------------------------------------------------------------------
// Tax report (docs/ACCOUNTING.md section 15)

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
    rows.length ? table(["Profile", "Country", "Currency", "Sync", "Sync it", "Hidden", ""], rows, { label: "Ads profiles" })
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
  // Four grid steps of a round amount (1, 2 or 5 times a power of ten, in cents) reaching the highest day.
  const raw = Math.max(s.max_day_cents, 1) / 4;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const tick = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw));
  const max = tick * 4;
  const plotH = H - bottom - top, plotW = W - left - 10;
  const step = plotW / Math.max(s.days.length, 1);
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    el("line", { x1: left, x2: W - 10, y1: y, y2: y, stroke: "currentColor", "stroke-opacity": 0.15 });
    const cents = tick * i;
    el("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "currentColor" },
      (cents / 100).toFixed(tick % 100 === 0 ? 0 : 2));
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
