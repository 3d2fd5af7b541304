// The books side of the admin page in headless Chromium, for tests/e2e/admin_books_test.py: the Settings fields a
// bookkeeper sets (registered for GST/HST or VAT, the bank account, the transfer of each deposit), each refusal shown
// beside its field with nothing saved; the Tax report page with the figures the test computed from the file's rows; a
// document that needs checking in QuickBooks shown in the queue with both of QuickBooks' answers. No steps: the test
// prepares everything before and checks the database after. Any failure exits 1 with the reason.
//
// Environment: BASE_URL, SHOT_DIR, CHROMIUM, PLAYWRIGHT_CORE, EXPECT (JSON: settlement, month, collected, to_remit,
// remitted, fee_tax, refund_ref).
"use strict";

const { check, shot, text, redrawn, openPage, createFirstAdmin, main } = require("./browser_support");

const base = process.env.BASE_URL;
const expect = JSON.parse(process.env.EXPECT);

main(async () => {
  const { browser, page, problems } = await openPage();
  try {
    await createFirstAdmin(page, base, "acme");

    // Settings as imported: not registered, no bank account, no transfer.
    await page.click("nav a[data-page=settings]");
    await page.waitForSelector("#settings-save");
    check(!(await page.isChecked("#set-tax_registered")), "a new company is not registered for GST/HST");
    check(!(await page.isChecked("#set-post_transfer")), "a new company posts no transfer");
    check((await page.inputValue("#set-bank_account")) === "", "a new company has no bank account");

    // The transfer without a bank account: refused beside the bank account, nothing saved (the tick is not kept).
    await page.check("#set-tax_registered");
    await page.check("#set-post_transfer");
    await page.click("#settings-save");
    await page.waitForFunction(() => document.getElementById("err-bank_account").textContent.length > 0);
    check((await text(page, "#err-bank_account")).includes("name the QuickBooks bank account Amazon pays into"),
      "the missing bank account should be named: " + (await text(page, "#err-bank_account")));
    check((await text(page, "#settings-errors")).startsWith("Nothing was saved"), "the page should say nothing was saved");
    check((await page.getAttribute("#set-bank_account", "aria-invalid")) === "true", "the bank account box is marked invalid");
    await shot(page, "books-01-transfer-refused");

    // The clearing account as the bank: refused with the reason.
    await page.fill("#set-bank_account", "Amazon Clearing");
    await page.click("#settings-save");
    await page.waitForFunction(() => document.getElementById("err-bank_account").textContent.includes("clearing account"));

    // A real bank account: saved, and the page shows what was saved.
    await page.fill("#set-bank_account", "Checking");
    await redrawn(page, "#settings-save", () => page.click("#settings-save"));
    await page.waitForSelector("text=Settings saved.");
    check(await page.isChecked("#set-tax_registered"), "registered, as saved");
    check(await page.isChecked("#set-post_transfer"), "the transfer, as saved");
    check((await page.inputValue("#set-bank_account")) === "Checking", "the bank account, as saved");
    await shot(page, "books-02-settings-saved");

    // The Tax report, from the link on the Settings page: the header says what the company is now, the
    // settlement keeps how it was booked (imported while not registered: tax on fees as an expense), and it is not
    // all in QuickBooks yet while its refund needs checking.
    await redrawn(page, "h1", () => page.click("#tax-report-link"));
    check((await text(page, "h1")).startsWith("Tax report"), "the Tax report page should open");
    await page.waitForSelector("text=Registered for GST/HST or VAT");
    const row = page.locator("table[aria-label='Tax per settlement'] tbody tr");
    check(await row.count() === 1, "one settlement in the report");
    const cells = await row.first().locator("td").allTextContents();
    const want = [expect.settlement, expect.txn_date, "CAD", expect.collected, expect.remitted, expect.to_remit,
      expect.fee_tax, "expense", "not yet"];
    check(JSON.stringify(cells.map((c) => c.trim())) === JSON.stringify(want),
      "the settlement's tax row: " + JSON.stringify(cells) + " instead of " + JSON.stringify(want));
    const month = await page.locator("table[aria-label='Tax per month'] tbody tr").first().locator("td").allTextContents();
    check(month[0].trim() === expect.month && month[4].trim() === expect.to_remit && month[7].trim() === expect.fee_tax,
      "the month's row: " + JSON.stringify(month));
    await shot(page, "books-03-tax-report");

    // A period without documents: empty tables; a period that ends before it starts: refused with the reason.
    await page.fill("#tax-from", "2030-01-01");
    await page.fill("#tax-to", "2030-01-31");
    await redrawn(page, "h1", () => page.click("#main form button[type=submit]"));
    check(await page.locator("table[aria-label='Tax per settlement'] tbody tr").count() === 0, "nothing in 2030");
    await page.fill("#tax-from", "2030-02-01");
    await page.fill("#tax-to", "2030-01-01");
    await redrawn(page, "h1", () => page.click("#main form button[type=submit]"));
    const refusal = await text(page, "#main [role=alert]");
    check(refusal.includes("after it ends"), "a reversed period should be refused with the reason: " + refusal);

    // The queue: the refund QuickBooks answered without its fields and then did not find needs checking, with both
    // answers; the other documents are posted.
    await page.click("nav a[data-page=queue]");
    await page.waitForSelector("#counts");
    check((await text(page, "#counts")).includes("(1 of them need checking in QuickBooks)"),
      "the counts should say one needs checking: " + (await text(page, "#counts")));
    const refund = "tr[data-ref='" + expect.refund_ref + "']";
    check((await text(page, refund + " .state")) === "needs checking", "the refund should show as needs checking");
    const add = await text(page, refund + " [data-evidence=add]");
    check(add.includes("no TxnID") && add.includes("no RefNumber") && add.includes("no TotalAmount"),
      "the add's answer should be shown: " + add);
    check((await text(page, refund + " [data-evidence=lookup]")).includes("did not find"), "the query's answer should be shown");
    check(await page.locator(".state-posted").count() >= 2, "the receipt and credit memo are posted");
    await shot(page, "books-04-needs-checking");

    check(problems.length === 0, problems.join("\n"));
    process.stdout.write("DONE\n");
  } finally {
    await browser.close();
  }
});
