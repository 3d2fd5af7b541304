// Settlebridge admin page: plain JavaScript, no libraries, no network but this server.
// Every text from the server goes into the page through textContent (never innerHTML).
// This file: the DOM helpers, the API, login, the sync icon and the routing; each page is in its own
// view_*.js, loaded before this one (index.html).
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
