// What the browser tests share: screenshots, error watching, logging in, and the
// accessibility scan.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

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
