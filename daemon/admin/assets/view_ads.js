// Settlebridge admin page: the Ads page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

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
