// Browser tests against a real server started here (a fresh SQLite database per run)
// with Debian's Chromium. scripts/test builds everything and sets the variables.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const port = process.env.SHOPDESK_E2E_PORT ?? "3900";
const demoPort = process.env.SHOPDESK_E2E_DEMO_PORT ?? "3901";
/** Where the fake SMS provider of sms.spec.ts listens (the server sends replies there). */
export const smsPort = process.env.SHOPDESK_E2E_SMS_PORT ?? "3902";
/** The SMS account the server is set up with. */
export const sms = { account: "ACe2e0000", token: "e2e-sms-auth-token", from: "+15550001111" };
/** The Shopify app secret the server verifies webhooks with. */
export const shopifySecret = "e2e-shopify-webhook-secret";
const server = process.env.SHOPDESK_BIN;
if (!server) throw new Error("SHOPDESK_BIN must name the server binary (run scripts/test)");

export const demoUrl = `http://127.0.0.1:${demoPort}`;

/** A second server of its own for the exploratory and hostile-data tests: they fill a
 * store with tickets of every kind and script-shaped text, which the product tests,
 * reading the inbox in order, must not see. */
const explorePort = process.env.SHOPDESK_E2E_EXPLORE_PORT ?? "3910";
const exploreDemoPort = process.env.SHOPDESK_E2E_EXPLORE_DEMO_PORT ?? "3911";
export const exploreUrl = `http://127.0.0.1:${explorePort}`;
export const exploreDemoUrl = `http://127.0.0.1:${exploreDemoPort}`;
/** The explore server's identity secret, so the tests can sign shoppers of their own. */
export const identitySecret = "e2e-identity-secret-0123456789";
const exploreSpecs = /(exploratory|hostile|navigation)\.spec\.ts$/;
/** Where the explore server's log (panics included) is written: named by its port, since
 * this file is read again in each worker process. */
export const exploreLog = join(tmpdir(), `shopdesk-e2e-explore-${explorePort}.log`);

const serverEnv = {
  SHOPDESK_SITE_ROOT: process.env.SHOPDESK_SITE_ROOT ?? "../target/site",
  RUST_LOG: "warn",
  SHOPDESK_SHOPIFY_WEBHOOK_SECRET: shopifySecret,
  SHOPDESK_SMS_ACCOUNT_SID: sms.account,
  SHOPDESK_SMS_AUTH_TOKEN: sms.token,
  SHOPDESK_SMS_FROM: sms.from,
  SHOPDESK_SMS_API_BASE: `http://127.0.0.1:${smsPort}`,
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "product", testIgnore: exploreSpecs },
    // A step that cannot act fails in seconds, with its seed, not at the test's end.
    { name: "explore", testMatch: exploreSpecs, use: { baseURL: exploreUrl, actionTimeout: 15_000 } },
  ],
  webServer: [
    {
      command: server,
      url: `http://127.0.0.1:${port}/setup`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: {
        ...serverEnv,
        SHOPDESK_ADDR: `127.0.0.1:${port}`,
        SHOPDESK_DEMO_ADDR: `127.0.0.1:${demoPort}`,
        SHOPDESK_DATA_DIR: mkdtempSync(join(tmpdir(), "shopdesk-e2e-")),
      },
    },
    {
      // Its log goes to a file the tests read for panics (see exploratory.spec.ts).
      command: `sh -c 'exec "$0" 2>"${exploreLog}"' "${server}"`,
      url: `${exploreUrl}/setup`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: {
        ...serverEnv,
        SHOPDESK_ADDR: `127.0.0.1:${explorePort}`,
        SHOPDESK_DEMO_ADDR: `127.0.0.1:${exploreDemoPort}`,
        SHOPDESK_DATA_DIR: mkdtempSync(join(tmpdir(), "shopdesk-e2e-explore-")),
        SHOPDESK_IDENTITY_SECRET: identitySecret,
        SHOPDESK_STORE_NAME: "Explore Store",
      },
    },
  ],
});
