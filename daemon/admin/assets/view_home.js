// Settlebridge admin page: the Home page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

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
