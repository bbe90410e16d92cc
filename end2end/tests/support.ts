// What the browser tests share: screenshots, error watching, logging in, and the
// accessibility scan.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

export const shots = (name: string) => ({
  path: `test-results/screenshots/${name}.png`,
  fullPage: false,
});

/** Collects uncaught errors (a WASM panic shows up here) so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Logs in as the owner (created here if this file runs alone). */
export async function logInAsOwner(agent: Page) {
  await agent.goto("/inbox");
  if (/\/setup$/.test(agent.url())) {
    await agent.getByLabel("Your name").fill("Olga Agent");
    await agent.getByLabel("Work email").fill("olga@shop.example");
    await agent.getByLabel("Password").fill("correct horse battery");
    await agent.getByRole("button", { name: "Create account" }).click();
  } else {
    await agent.getByLabel("Email").fill("olga@shop.example");
    await agent.getByLabel("Password").fill("correct horse battery");
    await agent.getByRole("button", { name: "Log in" }).click();
  }
  await expect(agent).toHaveURL(/\/inbox$/);
}

/** Runs axe-core on the page (or the part `include` selects) and fails on serious or
 * critical violations, listing them. */
export async function expectAccessible(page: Page, include?: string) {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
}

/** Opens the drawer and gets past the FAQs (if the merchant has any) to the composer. */
export async function openChat(shop: Page, name = "Demo Store"): Promise<Locator> {
  await shop.getByRole("button", { name: "Open chat" }).click();
  const drawer = shop.getByRole("dialog", { name });
  const message = drawer.getByLabel("Message");
  const help = drawer.getByRole("button", { name: "I still need help" });
  await expect(message.or(help)).toBeVisible();
  if (await help.isVisible()) await help.click();
  await expect(message).toBeVisible();
  return drawer;
}

/** Types a message in the drawer and sends it with Enter. */
export async function send(drawer: Locator, text: string) {
  await drawer.getByLabel("Message").fill(text);
  await drawer.getByLabel("Message").press("Enter");
}
