// An admin changes the welcome message and publishes an FAQ in the helpdesk; the
// shopper's widget on the demo storefront (another origin) shows them, and picking the
// FAQ answers on the spot. Runs after chat.spec.ts on the same server.
import { expect, test } from "@playwright/test";
import { demoUrl } from "../playwright.config";
import { expectAccessible, logInAsOwner, shots, watchErrors } from "./support";

test("the welcome message and a published FAQ reach the shopper's widget", async ({ browser }) => {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const agent = await agentContext.newPage();
  const agentErrors = watchErrors(agent);
  await logInAsOwner(agent);

  await agent.getByRole("link", { name: "Settings" }).click();
  await agent.getByRole("link", { name: "Web Chat" }).click();
  await expect(agent).toHaveURL(/\/settings\/web-chat$/);
  const welcome = agent.getByLabel("Welcome message");
  await expect(welcome).toBeEditable();
  await welcome.fill("Hey there! Ask us about sizes, shipping or returns.");
  await agent.getByRole("button", { name: "Save" }).click();
  await expect(agent.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await agent.screenshot(shots("settings-web-chat"));

  await agent.getByRole("link", { name: "FAQs" }).click();
  await expect(agent).toHaveURL(/\/settings\/faqs$/);
  await agent.getByLabel("Question").fill("How long does shipping take?");
  await agent.getByLabel("Answer").fill("Orders leave our warehouse within 24 hours; delivery takes 2 to 4 days.");
  await agent.getByLabel("Published").check();
  await agent.getByRole("button", { name: "Add FAQ" }).click();
  await expect(agent.getByText("How long does shipping take?").first()).toBeVisible();
  await agent.screenshot(shots("settings-faqs"));

  // Ben has no conversation yet: his chat opens on the FAQs.
  const shopperContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const shop = await shopperContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${demoUrl}/?as=ben`);
  await shop.getByRole("button", { name: "Open chat" }).click();
  const drawer = shop.getByRole("dialog", { name: "Demo Store" });
  await expect(drawer).toBeVisible();
  const question = drawer.getByRole("button", { name: "How long does shipping take?" });
  await expect(question).toBeVisible();
  await shop.screenshot(shots("storefront-faqs"));

  await question.click();
  const thread = drawer.getByRole("log", { name: "Conversation" });
  await expect(thread).toContainText("Orders leave our warehouse within 24 hours");
  await shop.screenshot(shots("storefront-faq-answer"));

  await drawer.getByRole("button", { name: "I still need help" }).click();
  await expect(drawer.getByText("Hey there! Ask us about sizes, shipping or returns.")).toBeVisible();
  await expect(drawer.getByLabel("Message")).toBeFocused();

  // The merchant's deflection counts: opened once, still needed help once.
  await agent.reload();
  await expect(agent.getByText(/Opened 1/)).toBeVisible();
  await expect(agent.getByText(/Still needed help 1/)).toBeVisible();

  expect(agentErrors).toEqual([]);
  expect(shopErrors).toEqual([]);
  await agentContext.close();
  await shopperContext.close();
});

test("the other settings pages render, and switching the chat off hides the launcher", async ({ browser }) => {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await agentContext.newPage();
  const agentErrors = watchErrors(agent);
  await logInAsOwner(agent);
  for (const [link, shot] of [
    ["General", "settings-general"],
    ["Business hours", "settings-hours"],
    ["Team", "settings-team"],
    ["Notifications", "settings-notifications"],
  ]) {
    await agent.goto("/settings/web-chat");
    await agent.getByRole("link", { name: link, exact: true }).click();
    await expect(agent.getByRole("heading", { level: 1, name: link })).toBeVisible();
    await agent.screenshot({ ...shots(shot), fullPage: true });
  }
  // Without SMTP the Notifications page says so instead of pretending.
  await expect(agent.getByText(/Email is not set up on this server/)).toBeVisible();

  // An API key: its secret shows once, then only its hint; revoking asks first.
  await agent.getByRole("link", { name: "API keys", exact: true }).click();
  await expect(agent.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
  await agent.getByLabel("Name").fill("Email platform");
  await agent.getByRole("button", { name: "Create key" }).click();
  await expect(agent.getByRole("heading", { name: "“Email platform” is ready" })).toBeVisible();
  await expect(agent.getByLabel("API key", { exact: true })).toHaveValue(/^sdk_[0-9a-f]{64}$/);
  await expect(agent.getByText("never used")).toBeVisible();
  await expectAccessible(agent);
  await agent.screenshot({ ...shots("settings-api-keys"), fullPage: true });
  await agent.getByRole("button", { name: "Revoke" }).click();
  await agent.getByRole("button", { name: "Revoke" }).click();
  await expect(agent.getByRole("heading", { name: "No API keys yet" })).toBeVisible();

  const shop = await (await browser.newContext()).newPage();
  await shop.goto(`${demoUrl}/?as=ben`);
  await expect(shop.locator("#shopdesk-widget")).toHaveAttribute("data-state", "ready");
  await expect(shop.getByRole("button", { name: "Open chat" })).toBeVisible();

  await agent.goto("/settings/web-chat");
  await agent.getByLabel("Enable web chat").uncheck();
  await agent.getByRole("button", { name: "Save" }).click();
  await expect(agent.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  // A storefront page loaded after the change shows no launcher (the loader's config
  // is cached for a minute, so a fresh browser context stands in for a later visit).
  const later = await (await browser.newContext()).newPage();
  await later.goto(`${demoUrl}/?as=ben`);
  await expect(later.locator("#shopdesk-widget")).toHaveAttribute("data-state", "off");
  await expect(later.getByRole("button", { name: "Open chat" })).toBeHidden();

  // Back on for whoever runs next.
  await agent.getByLabel("Enable web chat").check();
  await agent.getByRole("button", { name: "Save" }).click();
  await expect(agent.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  expect(agentErrors).toEqual([]);
  await agentContext.close();
});
