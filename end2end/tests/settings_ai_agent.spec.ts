// An admin gives the AI agent its knowledge in Settings → AI agent (an article and a
// Shopify products export) and tries shoppers' questions: a known one gets a cited
// answer, an order of the shopper's own goes to the team. Runs after chat.spec.ts (which
// creates the owner) on the same server.
import { expect, test } from "@playwright/test";
import { expectAccessible, logInAsOwner, shots, watchErrors } from "./support";

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
  await expect(page.getByText(/From: Returns policy/)).toBeVisible();
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
