// Moving before the page is live: Back or Forward pressed while the helpdesk's bundle
// still loads changes the address within the page (Chrome keeps the entries of the
// previous page's client-side navigations with it after a load of the same address),
// so the router would hydrate one route's markup as another's. The page loads again
// at its new address instead: no panic, and it works.
import { expect, test } from "@playwright/test";
import { logInExplorer, seedStore, storefrontPage, watchProblems } from "./seed";

test("an address that moved while the page loaded is loaded again, not hydrated wrong", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await context.newPage();
  const problems: string[] = [];
  watchProblems(agent, problems, "agent");
  await logInExplorer(agent);

  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await agent.route("**/pkg/helpdesk.wasm", async (route) => {
    await released;
    await route.continue();
  });
  await agent.goto("/settings/web-chat");
  await expect(agent.getByRole("heading", { name: "Web Chat" })).toBeVisible();
  // Server-rendered, not live yet: the address moves as Back would move it.
  await agent.evaluate(() => history.pushState(null, "", "/inbox?status=closed"));
  const reloaded = agent.waitForEvent("load");
  release();
  await reloaded;

  await expect(agent).toHaveURL(/\/inbox\?status=closed$/);
  await expect(agent.getByRole("navigation", { name: "Ticket status" }).getByRole("link", { name: /^Closed/ })).toHaveAttribute(
    "aria-current",
    "page",
  );
  // Live: the shortcut help opens from the keyboard.
  await agent.locator("body").press("?");
  await expect(agent.getByRole("dialog", { name: /Keyboard shortcuts/ })).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});

test("on a phone the list or the open ticket takes the screen, and nothing is wider than it", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const agent = await context.newPage();
  const problems: string[] = [];
  watchProblems(agent, problems, "agent");
  await logInExplorer(agent);
  await seedStore(agent, await storefrontPage(await context.newPage()));
  const overflow = () => agent.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  await agent.goto("/inbox?status=open&scope=all&sort=activity");
  const rows = agent.locator(".list-pane .ticket-row");
  await expect(rows.first()).toBeVisible();
  // Long, hostile names and previews are cut, not pushing the page sideways.
  expect(await overflow(), "the inbox is wider than the screen").toBeLessThanOrEqual(0);
  await expect(agent.getByText("Pick a ticket")).toBeHidden();

  await rows.last().click();
  await expect(agent.getByRole("log")).toBeVisible();
  await expect(agent.locator(".list-pane")).toBeHidden();
  await expect(agent.locator("#reply")).toBeInViewport();
  expect(await overflow(), "the ticket is wider than the screen").toBeLessThanOrEqual(0);

  await agent.getByRole("link", { name: "Back to the ticket list" }).click();
  await expect(agent).toHaveURL(/\/inbox\?status=open&scope=all&sort=activity$/);
  await expect(rows.first()).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
