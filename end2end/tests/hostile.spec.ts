// Hostile data everywhere: script-shaped text in every field a shopper, an agent,
// Shopify or the events API can set (see seed.ts), then every helpdesk page rendered on
// the server and hydrated, and the shopper's drawer. No payload may appear raw in any
// HTML, no element the payloads would make may exist, and the canary `window.__pwned`
// must never be set.
import { expect, test, type Page } from "@playwright/test";
import { exploreDemoUrl, exploreUrl } from "../playwright.config";
import { hostile, logInExplorer, RAW_MARKERS, seedStore, serverFn, storefrontPage } from "./seed";

/** Elements or attributes only an injected payload would make. */
const INJECTED = `[onerror], [onload], [onmouseover], a[href^="javascript:"], svg[onload], img[src="x"]`;

async function expectNothingRan(page: Page, where: string) {
  expect(await page.evaluate(() => (window as any).__pwned), `${where}: the canary`).toBeUndefined();
  const injected = await page.evaluate((selector) => {
    const found: string[] = [];
    const scan = (root: Document | ShadowRoot) => {
      root.querySelectorAll(selector).forEach((element) => found.push(element.outerHTML.slice(0, 120)));
      root.querySelectorAll("*").forEach((element) => {
        if (element.shadowRoot) scan(element.shadowRoot);
      });
    };
    scan(document);
    return found;
  }, INJECTED);
  expect(injected, `${where}: elements made from text`).toEqual([]);
}

async function expectEscaped(page: Page, path: string) {
  const html = await (await page.request.get(`${exploreUrl}${path}`)).text();
  for (const marker of RAW_MARKERS) {
    const at = html.indexOf(marker);
    const around = at < 0 ? "" : html.slice(Math.max(0, at - 200), at + 100);
    expect(at, `${path}: ${marker} raw in the HTML: …${around}…`).toBe(-1);
  }
}

test("script-shaped text in every field stays text on every page", async ({ browser, playwright }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    // Set by any payload that runs.
    delete (window as any).__pwned;
  });
  const agent = await context.newPage();
  const errors: string[] = [];
  agent.on("pageerror", (error) => errors.push(error.message));
  await logInExplorer(agent);
  const storefront = await storefrontPage(await context.newPage());
  await seedStore(agent, storefront);

  // What the team sets: the store's name, welcome and away messages, an agent's name.
  const general = await serverFn(agent, "settings/general", {});
  await serverFn(agent, "settings/save_general", {
    settings: { ...general.settings, store_name: hostile("Store", 80) },
  });
  const chat = await serverFn(agent, "settings/web_chat", {});
  await serverFn(agent, "settings/save_web_chat", {
    settings: { ...chat, welcome_message: hostile("Welcome", 500) },
  });
  const invite = await serverFn(agent, "settings/invite", { email: "eve@explore.example", role: "agent" });
  const token = String(invite.link).split("/").pop();
  const outside = await playwright.request.newContext();
  const accepted = await outside.post(`${exploreUrl}/api/accept_invite`, {
    form: { token: token ?? "", name: hostile("Eve", 100), password: "another long password" },
    headers: { Origin: exploreUrl },
    maxRedirects: 0,
  });
  expect(accepted.status(), await accepted.text()).toBeLessThan(400);
  await outside.dispose();

  // Every ticket, in every status.
  const ids = new Set<string>();
  for (const status of ["open", "snoozed", "closed", "ai"]) {
    const page = await serverFn(agent, "inbox/tickets", { view: { status, scope: "all", sort: "activity" }, after: null });
    for (const ticket of page.tickets) ids.add(ticket.id);
  }
  expect(ids.size).toBeGreaterThan(8);
  const paths = [
    "/inbox",
    "/inbox?status=snoozed",
    "/inbox?status=closed",
    "/inbox?status=ai",
    ...[...ids].map((id) => `/inbox/${id}`),
    ...["web-chat", "general", "faqs", "ai-agent", "hours", "macros", "api-keys", "team", "notifications"].map(
      (page) => `/settings/${page}`,
    ),
  ];
  for (const path of paths) {
    await expectEscaped(agent, path);
    await agent.goto(path);
    // Hydrated: the live socket's banner goes once the page runs.
    await expect(agent.getByText("Connecting…")).toHaveCount(0, { timeout: 15_000 }).catch(() => {});
    await expectNothingRan(agent, path);
  }
  // The title of a ticket whose shopper is hostile is the text itself.
  const first = [...ids][0];
  await agent.goto(`/inbox/${first}`);
  await expect(agent).toHaveTitle(/Shopdesk$/);
  expect(await agent.evaluate(() => document.head.querySelectorAll("script:not([nonce])").length)).toBe(0);

  // Search shows the hostile text as text too.
  await agent.goto("/inbox");
  await agent.getByLabel("Search tickets").fill("Question");
  await expect(agent.locator(".search-results")).toContainText("ticket");
  await expectNothingRan(agent, "search results");

  // The shopper's drawer: hostile store name, welcome message, FAQ and an agent's name.
  const shop = await (await browser.newContext()).newPage();
  shop.on("pageerror", (error) => errors.push(`shopper: ${error.message}`));
  await shop.goto(`${exploreDemoUrl}/?as=ana`);
  await shop.getByRole("button", { name: "Open chat" }).click();
  await expect(shop.getByRole("dialog")).toBeVisible();
  await expectNothingRan(shop, "the drawer");
  const help = shop.getByRole("dialog").getByRole("button", { name: "I still need help" });
  if (await help.isVisible()) await help.click();
  await expectNothingRan(shop, "the drawer's chat");
  expect(errors).toEqual([]);
  await context.close();
});
