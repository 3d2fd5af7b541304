// Settlebridge admin page: the Connect page. A classic script like app.js (index.html loads the pages first,
// app.js last): its functions are globals that app.js's routing and the other pages call.
"use strict";

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
