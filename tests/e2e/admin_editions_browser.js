// The edition and exchange-rate side of the admin page in headless Chromium, for tests/e2e/admin_editions_test.py:
// Settings shows the Canadian edition, the home currency, the sales tax code every line carries and the file's code
// list, and refuses an exchange-rate age limit out of range beside its field (nothing saved) before saving one; the
// queue's rate box refuses a bad rate and approves the held USD settlement with a good one; the previewer shows that
// rate frozen and the qbXML carrying it, the deposit's move to the bank as a DepositAdd. Any failure exits 1.
//
// Environment: BASE_URL, SHOT_DIR, CHROMIUM, PLAYWRIGHT_CORE, EXPECT (JSON: settlement, end, rate).
"use strict";

const { check, shot, text, redrawn, openPage, createFirstAdmin, main } = require("./browser_support");

const base = process.env.BASE_URL;
const expect = JSON.parse(process.env.EXPECT);

main(async () => {
  const { browser, page, problems } = await openPage();
  try {
    await createFirstAdmin(page, base, "maple");

    // Settings: what Settlebridge learned of the company file.
    await page.click("nav a[data-page=settings]");
    await page.waitForSelector("#settings-save");
    const edition = await text(page, "#set-edition");
    check(edition.includes("QuickBooks edition: Canada"), "the edition should be shown: " + edition);
    check(edition.includes("Home currency: CAD (multicurrency on)"), "the home currency should be shown: " + edition);
    const code = await text(page, "#set-tax-code");
    check(code.startsWith("Sales tax code on every line: E "), "the code every line carries: " + code);
    for (const listed of ["G (taxable)", "H (taxable)", "E (non-taxable)", "Z (non-taxable)"]) {
      check(code.includes(listed), "the file's code list should name " + listed + ": " + code);
    }
    check((await page.locator("#set-tax-code-problem").count()) === 0, "the code is one the file has: no problem shown");
    check((await page.inputValue("#set-exchange_rate_max_age_days")) === "7", "the default age limit is 7 days");

    // An age limit out of range: refused beside the field, nothing saved; then a good one saved.
    await page.fill("#set-exchange_rate_max_age_days", "5000");
    await page.click("#settings-save");
    await page.waitForFunction(() => document.getElementById("err-exchange_rate_max_age_days").textContent.length > 0);
    check((await text(page, "#err-exchange_rate_max_age_days")).includes("0 to 3650 days"),
      "the refusal should give the range: " + (await text(page, "#err-exchange_rate_max_age_days")));
    check((await text(page, "#settings-errors")).startsWith("Nothing was saved"), "the page should say nothing was saved");
    await page.fill("#set-exchange_rate_max_age_days", "30");
    await redrawn(page, "#settings-save", () => page.click("#settings-save"));
    await page.waitForSelector("text=Settings saved.");
    check((await page.inputValue("#set-exchange_rate_max_age_days")) === "30", "the age limit, as saved");
    await shot(page, "editions-01-settings");

    // The queue: the USD settlement is held for want of a rate; the rate box beside Approve.
    await page.click("nav a[data-page=queue]");
    await page.waitForSelector("#counts");
    const box = "input[data-rate='" + expect.settlement + "']";
    await page.waitForSelector(box);
    check((await page.getAttribute(box, "aria-label")).includes("CAD per unit"), "the box says what the rate is in");
    const before = await text(page, "#counts");
    check(/^[1-9]\d* held, 0 queued/.test(before) || /^[1-9]\d* held, \d+ queued/.test(before), "held as it came: " + before);
    await page.fill(box, "1,35");
    await page.click("button[data-approve='" + expect.settlement + "']");
    await page.waitForSelector("#flash .msg.bad");
    check((await text(page, "#flash .msg")).includes("is not a positive decimal such as 0.7312"),
      "a bad rate is refused with the reason: " + (await text(page, "#flash .msg")));
    await page.waitForSelector(box);
    check((await text(page, "#counts")) === before, "nothing was approved: " + (await text(page, "#counts")));
    await page.waitForSelector(box);
    await page.fill(box, expect.rate);
    await page.click("button[data-approve='" + expect.settlement + "']");
    await page.waitForSelector("#flash .msg.ok");
    const approved = await text(page, "#flash .msg");
    check(approved.includes("approved") && approved.includes("Exchange rate 1 USD = " + expect.rate + " CAD"),
      "the approval should name the rate: " + approved);
    await page.waitForFunction(() => /^0 held/.test(document.getElementById("counts").textContent));
    await shot(page, "editions-02-rate-approved");

    // The previewer: the rate frozen, and the qbXML carrying it, the deposit moved with a DepositAdd.
    await page.click("nav a[data-page=preview]");
    await page.waitForSelector("#preview-from");
    await page.fill("#preview-from", expect.end);
    await page.fill("#preview-to", expect.end);
    await page.click("#main form button[type=submit]");
    await page.waitForSelector("#preview-rate");
    const rate = await text(page, "#preview-rate");
    check(rate.includes("1 USD = " + expect.rate + " CAD") && rate.includes("frozen for every document"),
      "the previewer should show the frozen rate: " + rate);
    const xml = await text(page, "#preview-qbxml");
    check(xml.includes("<ExchangeRate>" + expect.rate + "</ExchangeRate>"), "the qbXML should carry the rate");
    check(xml.includes("<DepositAddRq") && !xml.includes("<TransferAddRq"), "the deposit moves with a DepositAdd");
    await shot(page, "editions-03-preview");

    check(problems.length === 0, problems.join("\n"));
    process.stdout.write("DONE\n");
  } finally {
    await browser.close();
  }
});
