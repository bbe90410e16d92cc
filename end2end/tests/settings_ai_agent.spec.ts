// An admin gives the AI agent its knowledge in Settings → AI agent (an article and a
// Shopify products export) and tries shoppers' questions: a known one gets a cited
// answer, an order of the shopper's own goes to the team. Then the AI agent answers a
// shopper in the storefront's chat, and hands off to the inbox, live. Runs after
// chat.spec.ts (which creates the owner) on the same server, and turns the AI agent off
// again for the files after it.
import { expect, test } from "@playwright/test";
import { demoUrl } from "../playwright.config";
import { expectAccessible, logInAsOwner, openChat, send, shots, watchErrors } from "./support";

const products = {
  products: [
    {
      id: 7001234706,
      title: "Summit Down Puffer",
      handle: "summit-down-puffer",
      body_html:
        "<p>Warmth you can stuff in a pocket.</p><ul><li>Warmth: comfortable on its own down to about 20°F (-7°C)</li><li>Total weight: 370 g / 13 oz</li></ul>",
      product_type: "Jackets",
      tags: ["down", "winter"],
      updated_at: "2025-05-02T14:21:37-07:00",
      variants: [{ title: "M / Black", price: "279.00", available: true }],
      options: [{ name: "Size", values: ["S", "M", "L"] }],
    },
  ],
};

test("the AI agent answers from the knowledge the merchant gives it, and hands off the rest", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await logInAsOwner(page);
  await page.goto("/settings/ai-agent");
  await expect(page.getByRole("heading", { name: "AI agent", level: 1 })).toBeVisible();

  // An article, two paragraphs: the agent quotes the one that answers.
  await page.getByLabel("Title", { exact: true }).fill("Returns policy");
  await page
    .getByLabel("Text", { exact: true })
    .fill(
      "Return window: unworn items can be returned within 60 days of delivery for a full refund.\n\n" +
        "Worn items: boots worn outside cannot be returned for a refund; our warranty covers defects instead.",
    );
  await page.getByRole("button", { name: "Add article" }).click();
  const sources = page.locator(".ai-sources");
  await expect(page.locator(".macro-name")).toHaveText(["Returns policy"]);
  await expect(sources).toContainText("1 published article");

  // The products export, as Shopify gives it.
  await page.getByLabel("Import products (Shopify products.json)").setInputFiles({
    name: "products.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(products)),
  });
  await expect(page.getByRole("status").filter({ hasText: "1 product added or updated" })).toBeVisible();
  await expect(sources).toContainText("1 product, updated");

  const ask = async (question: string) => {
    await page.getByLabel("A shopper asks").fill(question);
    await page.getByRole("button", { name: "Ask" }).click();
  };
  await ask("Can I return boots I wore outside?");
  await expect(page.getByText("It would answer")).toBeVisible();
  await expect(page.locator(".ai-trial blockquote")).toContainText("boots worn outside cannot be returned");
  await expect(page.getByText(/From: Returns policy · \d+% sure it answers the question/)).toBeVisible();
  await page.screenshot(shots("settings-ai-agent"));

  await ask("how warm is the puffer?");
  await expect(page.getByText(/From: Summit Down Puffer/)).toBeVisible();

  await ask("where is my order #4821??");
  await expect(page.getByText("It would hand the shopper to your team")).toBeVisible();
  await expect(page.getByText(/own order, payment or account/)).toBeVisible();

  // A file that is not an export is refused with a reason, and nothing changes.
  await page.getByLabel("Import products (Shopify products.json)").setInputFiles({
    name: "orders.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ orders: [] })),
  });
  await expect(page.getByRole("alert").filter({ hasText: "not a Shopify products export" })).toBeVisible();
  await expect(sources).toContainText("1 product, updated");

  // Deleting asks first.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByText("No articles yet.")).toBeVisible();

  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
});

test("shoppers get cited answers first, and a person when the AI agent cannot help or they ask", async ({ browser }) => {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const agent = await agentContext.newPage();
  const agentErrors = watchErrors(agent);
  await logInAsOwner(agent);
  await agent.goto("/settings/ai-agent");
  await agent.getByLabel("Title", { exact: true }).fill("Shipping policy");
  await agent
    .getByLabel("Text", { exact: true })
    .fill("Shipping to Canada: orders arrive in 4 to 8 business days, tracked all the way.");
  await agent.getByRole("button", { name: "Add article" }).click();
  await expect(agent.locator(".macro-name")).toHaveText(["Shipping policy"]);
  const chatForm = agent.locator("form[aria-labelledby=ai-chat-title]");
  await chatForm.getByLabel("Let the AI agent answer new chats first").check();
  await chatForm.getByLabel("This helpdesk").check();
  // How sure it must be: Balanced unless the merchant chooses otherwise.
  const caution = chatForm.getByRole("group", { name: "How sure it must be to answer" });
  await expect(caution.getByLabel("Balanced (recommended)")).toBeChecked();
  await expect(caution.getByLabel("Careful")).toHaveAccessibleDescription(/fewest wrong answers/);
  await caution.scrollIntoViewIfNeeded();
  await agent.screenshot(shots("settings-ai-agent-caution"));
  await chatForm.getByRole("button", { name: "Save" }).click();
  await expect(chatForm.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await agent.screenshot(shots("settings-ai-agent-chat"));

  // Cleo asks something the knowledge answers: an instant answer, cited and marked.
  const shopContext = await browser.newContext({ viewport: { width: 1100, height: 820 } });
  const shop = await shopContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${demoUrl}/?as=cleo`);
  const drawer = await openChat(shop);
  const thread = drawer.getByRole("log", { name: "Conversation" });
  await send(drawer, "Do you ship to Canada?");
  await expect(thread).toContainText("orders arrive in 4 to 8 business days");
  await expect(thread).toContainText("From: Shipping policy");
  await expect(thread).toContainText("AI assistant · Automated");
  const talk = drawer.getByRole("button", { name: "Talk to a person" });
  await expect(talk).toBeVisible();
  await shop.screenshot(shots("storefront-ai-answer"));
  await expectAccessible(shop, "#shopdesk-widget");
  const verdict = drawer.getByRole("group", { name: "Did that answer your question?" });
  await verdict.getByRole("button", { name: "Yes" }).click();
  await expect(drawer.getByText("Thanks for telling us.")).toBeVisible();

  // The team sees it only in the AI agent view while the AI agent handles it. With
  // sound alerts on, the agent hears nothing until the AI agent hands the chat off.
  await agent.addInitScript(() => {
    const counted = window as unknown as { chimes: number };
    counted.chimes = 0;
    const Base = window.AudioContext;
    window.AudioContext = class extends Base {
      constructor(options?: AudioContextOptions) {
        super(options);
        counted.chimes += 1;
      }
    };
  });
  await agent.evaluate(() => localStorage.setItem("shopdesk.alerts", "sound"));
  await agent.goto("/inbox?status=ai&scope=all&sort=activity");
  await expect(agent.getByRole("link", { name: /Cleo Lima/ })).toBeVisible();
  await agent.goto("/inbox");
  await expect(agent.getByText(/^Connecting/)).toBeHidden();
  const row = agent.getByRole("link", { name: /Cleo Lima/ });
  await expect(row).toHaveCount(0);
  await send(drawer, "How long does shipping to Canada take?");
  await expect(thread.getByText("From: Shipping policy")).toHaveCount(2);

  // Something it does not know: handed to the team, and the ticket appears live.
  await send(drawer, "Do you sell kayaks?");
  await expect(thread).toContainText("A person will reply here");
  await expect(talk).toBeHidden();
  await expect(row).toBeVisible();
  const chimes = () => agent.evaluate(() => (window as unknown as { chimes: number }).chimes);
  await expect.poll(chimes).toBeGreaterThan(0);
  expect(await chimes()).toBe(1);
  await row.click();
  const agentThread = agent.getByRole("log", { name: "Conversation with Cleo Lima" });
  await expect(agentThread).toContainText("Do you ship to Canada?");
  await expect(agentThread).toContainText("From: Shipping policy · Shopper: helped");
  await expect(agentThread).toContainText("Do you sell kayaks?");
  await expect(agentThread).toContainText("The AI agent handed off to the team");
  await agent.screenshot(shots("helpdesk-ai-handoff"));
  const reply = agent.getByLabel("Reply to Cleo Lima");
  await reply.fill("No kayaks, sorry! Canoes are coming in spring.");
  await reply.press("Enter");
  await expect(thread).toContainText("Canoes are coming in spring.");

  // A new chat: "Talk to a person" right after an answer hands off at once.
  await drawer.getByRole("button", { name: "End chat" }).click();
  await drawer.getByRole("alertdialog", { name: "End this chat?" }).getByRole("button", { name: "End chat" }).click();
  await drawer.getByRole("button", { name: "Start a new chat" }).click();
  await send(drawer, "How long does shipping to Canada take?");
  await expect(thread).toContainText("From: Shipping policy");
  await talk.click();
  await expect(thread).toContainText("A person will reply here");
  await agent.goto("/inbox");
  await expect(agent.getByRole("link", { name: /Cleo Lima/ }).filter({ hasText: "A person will reply here" })).toBeVisible();
  await drawer.getByRole("button", { name: "End chat" }).click();
  await drawer.getByRole("alertdialog", { name: "End this chat?" }).getByRole("button", { name: "End chat" }).click();
  await expect(drawer.getByText("This chat has ended.")).toBeVisible();

  // Off again for the tests after this file.
  await agent.goto("/settings/ai-agent");
  await chatForm.getByLabel("Let the AI agent answer new chats first").uncheck();
  await chatForm.getByRole("button", { name: "Save" }).click();
  await expect(chatForm.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  expect(agentErrors).toEqual([]);
  expect(shopErrors).toEqual([]);
  await agentContext.close();
  await shopContext.close();
});
