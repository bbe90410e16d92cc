// A shopper on the demo storefront (another origin) and an agent in the helpdesk chat
// live, each in their own browser context, without reloading.
import { expect, test, type Page } from "@playwright/test";
import { demoUrl } from "../playwright.config";
import { shots, watchErrors } from "./support";

async function createOwner(agent: Page) {
  await agent.goto("/inbox");
  await expect(agent).toHaveURL(/\/setup$/);
  await agent.getByLabel("Your name").fill("Olga Agent");
  await agent.getByLabel("Work email").fill("olga@shop.example");
  await agent.getByLabel("Password").fill("correct horse battery");
  await agent.screenshot(shots("helpdesk-setup"));
  await agent.getByRole("button", { name: "Create account" }).click();
  await expect(agent).toHaveURL(/\/inbox$/);
}

test("a shopper and an agent chat live in both directions", async ({ browser }) => {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const agent = await agentContext.newPage();
  const agentErrors = watchErrors(agent);
  await createOwner(agent);
  await expect(agent.getByText("No open tickets")).toBeVisible();
  // The live socket is up once the "Connecting…" notice is gone.
  await expect(agent.getByText(/^Connecting/)).toBeHidden();

  const shopperContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const shop = await shopperContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${demoUrl}/?as=ana`);
  await shop.getByRole("button", { name: "Open chat" }).click();
  const drawer = shop.getByRole("dialog", { name: "Demo Store" });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByText("What do you need help with today?")).toBeVisible();

  // From now on, an unread row beside a header that says "All read" is a count gone stale
  // (it was, for about 0.4 s after each new message): record every moment it is so.
  await agent.evaluate(() => {
    const stale: string[] = [];
    (window as any).__staleCounts = stale;
    new MutationObserver(() => {
      const header = document.querySelector(".inbox-head .count, #inbox-title + .count")?.textContent;
      if (document.querySelector(".ticket-row.unread") && header === "All read") stale.push(header);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await drawer.getByLabel("Message").fill("Hi! Where is my order #1001?");
  await drawer.getByLabel("Message").press("Enter");
  const shopperThread = drawer.getByRole("log", { name: "Conversation" });
  await expect(shopperThread).toContainText("Hi! Where is my order #1001?");
  await expect(drawer.getByText("Sending…")).toHaveCount(0);

  // The agent sees the new ticket appear, unread, with the unread badge in the nav.
  const row = agent.getByRole("link", { name: /Ana Souza/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Where is my order #1001?");
  await expect(row).toHaveClass(/unread/);
  await expect(agent.getByLabel("1 unread tickets")).toBeVisible();
  await expect(agent).toHaveTitle(/^\(1\) Inbox/);
  await agent.screenshot(shots("helpdesk-new-ticket"));

  await row.click();
  await expect(agent).toHaveURL(/\/inbox\/[0-9a-f]+(\?.*)?$/);
  const agentThread = agent.getByRole("log", { name: "Conversation with Ana Souza" });
  await expect(agentThread).toContainText("Hi! Where is my order #1001?");
  await expect(row).not.toHaveClass(/unread/);
  // Read: the rail's badge and the tab's title count it at once, without a reload.
  await expect(agent.getByLabel(/unread tickets/)).toHaveCount(0);
  await expect(agent).toHaveTitle(/^Ana Souza · Shopdesk$/);
  expect(await agent.evaluate(() => (window as any).__staleCounts), "an unread row under \"All read\"").toEqual([]);

  const reply = agent.getByLabel("Reply to Ana Souza");
  await reply.fill("It ships today! Tracking number coming up.");
  await reply.press("Enter");
  await expect(agentThread).toContainText("It ships today!");
  await expect(agentThread).toContainText("Olga Agent replied and was assigned");

  // The reply appears in the shopper's drawer, live.
  await expect(shopperThread).toContainText("It ships today! Tracking number coming up.");
  await expect(shopperThread).toContainText("Olga Agent");

  // And the shopper's next message reaches the open ticket live.
  await drawer.getByLabel("Message").fill("Perfect, thank you!");
  await drawer.getByLabel("Message").press("Enter");
  await expect(agentThread).toContainText("Perfect, thank you!");

  await shop.screenshot(shots("storefront-chat"));
  await agent.screenshot(shots("helpdesk-ticket"));

  // Esc closes the drawer and gives focus back to the launcher.
  await drawer.getByLabel("Message").press("Escape");
  await expect(drawer).toBeHidden();
  await expect(shop.getByRole("button", { name: "Open chat" })).toBeFocused();

  expect(agentErrors).toEqual([]);
  expect(shopErrors).toEqual([]);

  await agentContext.close();
  await shopperContext.close();
});

test("the theme's CSS does not reach into the widget", async ({ page }) => {
  await page.goto(`${demoUrl}/?as=ben`);
  await page.getByRole("button", { name: "Open chat" }).click();
  const send = page.getByRole("button", { name: "Send" });
  await expect(send).toBeVisible();
  // The demo theme styles every `button` with uppercase, spaced Georgia text.
  await expect(send).toHaveCSS("text-transform", "none");
  await expect(send).toHaveCSS("letter-spacing", "normal");
});

test("a visitor who is not logged in is asked to log in and cannot chat", async ({ page }) => {
  await page.goto(`${demoUrl}/?as=guest`);
  await page.getByRole("button", { name: "Open chat" }).click();
  const drawer = page.getByRole("dialog", { name: "Demo Store" });
  await expect(drawer.getByRole("link", { name: "Log in" })).toHaveAttribute("href", "/account/login");
  await expect(drawer.getByLabel("Message")).toHaveCount(0);
  await page.screenshot(shots("storefront-guest"));
});
