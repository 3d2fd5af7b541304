// Settlebridge admin page: the Web Connector page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

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
      : h("p", {}, "No Web Connector session yet."),
    refusalsCard(r.data.sign_in_refusals));
}

// Sign-ins this server refused without checking the password (all companies, since it started): a flood of
// guesses shows here, and in the event log at most once a minute per reason.
function refusalsCard(refusals) {
  const reasons = [["gate_busy", "Password checks busy"], ["address_throttled", "Address throttled (failed too often)"],
    ["name_rate_limited", "User name rate-limited (guessed from many addresses)"], ["locked", "Locked for that user name"]];
  const wc = refusals.web_connector;
  const admin = refusals.admin;
  const total = reasons.reduce((n, [key]) => n + wc[key] + admin[key], 0);
  const rows = reasons.map(([key, label]) => h("tr", { "data-reason": key },
    cell(label), cell(String(wc[key]), "num"), cell(String(admin[key]), "num")));
  return h("section", { class: "card", id: "sign-in-refusals", "aria-labelledby": "refusals-title" },
    h("h2", { id: "refusals-title" }, "Refused sign-ins"),
    h("p", {}, total === 0 ? "No sign-in has been refused unchecked since Settlebridge started " + when(refusals.since) + "."
      : total + " sign-ins refused without checking the password since Settlebridge started " + when(refusals.since) +
        ": each was told to try again later (the Web Connector gets \u201cbusy\u201d and tries again by itself)."),
    table(["Reason", "Web Connector", "Admin page"], rows, { label: "Refused sign-ins by reason" }));
}
