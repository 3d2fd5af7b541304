// What the admin page's browser tests (tests/e2e/admin_*_browser.js) share: checks, screenshots, reading text,
// waiting for a view to draw itself again, and a Chromium page that collects the page's own errors.
//
// Environment: SHOT_DIR (screenshots), CHROMIUM (default /usr/bin/chromium), PLAYWRIGHT_CORE (the module's path).
"use strict";

const path = require("path");
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(process.env.SHOT_DIR, name + ".png"), fullPage: true });
}

async function text(page, selector) {
  return (await page.locator(selector).first().textContent({ timeout: 10000 })).trim();
}

// Runs `action` (which makes the page draw itself again) and waits until `selector`'s element is replaced.
async function redrawn(page, selector, action) {
  const old = await page.$(selector);
  await action();
  if (old) await page.waitForFunction((el) => !el.isConnected, old, { timeout: 10000 });
  await page.waitForSelector(selector);
}

// Launches Chromium with one page; `problems` collects the page's script errors and console errors (answers 4xx
// are the tests' own refusals, not errors).
async function openPage(contextOptions = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext(Object.assign({ viewport: { width: 1280, height: 900 } }, contextOptions));
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push("console: " + m.text()); });
  return { browser, page, problems };
}

// The first visit from this machine creates the admin user; waits for the home page to show `company`.
async function createFirstAdmin(page, base, company) {
  await page.goto(base + "/");
  await page.waitForSelector("#login-title");
  await page.fill("#login-user", "admin");
  await page.fill("#login-password", "correct horse battery");
  await page.click("button[type=submit]");
  await page.waitForSelector("section[data-company=" + company + "]");
}

// Runs a script's steps; any failure is printed and exits 1.
function main(steps) {
  steps().catch((e) => {
    process.stderr.write("FAILED: " + (e && e.stack ? e.stack : e) + "\n");
    process.exit(1);
  });
}

module.exports = { check, shot, text, redrawn, openPage, createFirstAdmin, main };
