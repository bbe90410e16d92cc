// Exploring instead of replaying: with a store full of tickets of every kind, an agent
// goes through every route and every status × scope × sort, opens every menu and
// dialog, goes back and forth and reloads, in an order drawn from a seeded random
// generator; a shopper opens, closes and reopens the drawer and every tab. Any page
// error, console error, panic, list left loading, or panic in the server's log fails it,
// with the seed to replay it (SHOPDESK_E2E_SEED=<seed>).
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { exploreDemoUrl, exploreLog, exploreUrl } from "../playwright.config";
import { logInExplorer, seedStore, storefrontPage, watchProblems } from "./seed";

/** A small seeded generator (mulberry32): the same seed, the same walk. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["Open", "Snoozed", "Closed", "AI agent"];
const SCOPES = ["Mine", "Unassigned", "All"];
const SORTS = ["activity", "waiting"];
const SETTINGS = ["web-chat", "general", "faqs", "ai-agent", "hours", "macros", "api-keys", "team", "notifications"];

test("an agent and a shopper wander everywhere, in a random order, and nothing breaks", async ({ browser }) => {
  test.setTimeout(240_000);
  const seed = Number(process.env.SHOPDESK_E2E_SEED ?? Date.now() % 1_000_000);
  const pick = random(seed);
  const choose = <T>(list: T[]): T => list[Math.floor(pick() * list.length)];
  const problems: string[] = [];
  const steps: string[] = [];

  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentContext.newPage();
  watchProblems(agent, problems, "agent");
  // SHOPDESK_E2E_TRACE=1 prints each step, page load and console error as it happens.
  const trace = process.env.SHOPDESK_E2E_TRACE ? (line: string) => console.log(line) : () => {};
  agent.on("framenavigated", (frame) => frame === agent.mainFrame() && trace(`loaded ${frame.url()}`));
  agent.on("console", (message) => message.type() === "error" && trace(`console error ${message.text().slice(0, 200)}`));
  await logInExplorer(agent);
  const storefront = await storefrontPage(await agentContext.newPage());
  await seedStore(agent, storefront);
  await storefront.close();
  await agent.goto("/inbox");

  // A list shown as loading must finish loading: the tab-switch crash left it so.
  const settled = async () => {
    if (!agent.url().includes("/inbox")) return;
    await expect(agent.locator(".list-pane .loading"), `seed ${seed}: the list keeps loading`).toHaveCount(0, {
      timeout: 10_000,
    });
  };
  // The status, scope and sort controls are the list's: a search in progress replaces it.
  const toTheList = async () => {
    if (!agent.url().includes("/inbox")) await agent.goto("/inbox");
    const box = agent.getByLabel("Search tickets");
    if (await box.inputValue()) await box.fill("");
  };
  // Back from the first page leaves the helpdesk (the login or seeding pages, or a blank
  // tab): the agent comes back in, as a person would, instead of ending the walk there.
  const intoTheHelpdesk = async () => {
    if (!/\/(inbox|settings)/.test(new URL(agent.url(), exploreUrl).pathname)) await agent.goto("/inbox");
  };
  const actions: Record<string, () => Promise<void>> = {
    "status tab": async () => {
      await agent.goto("/inbox").catch(() => {});
      await toTheList();
      const status = choose(STATUSES);
      await agent.getByRole("navigation", { name: "Ticket status" }).getByRole("link", { name: new RegExp(`^${status}`) }).click();
    },
    "scope": async () => {
      await toTheList();
      await agent.getByRole("navigation", { name: "Whose tickets" }).getByRole("link", { name: new RegExp(`^${choose(SCOPES)}`) }).click();
    },
    "sort": async () => {
      await toTheList();
      await agent.getByLabel("Sort tickets").selectOption(choose(SORTS));
    },
    "a view by its address": async () => {
      const status = choose(["open", "snoozed", "closed", "ai"]);
      const scope = choose(["mine", "unassigned", "all"]);
      await agent.goto(`/inbox?status=${status}&scope=${scope}&sort=${choose(SORTS)}`);
    },
    "open a ticket": async () => {
      if (!agent.url().includes("/inbox")) await agent.goto("/inbox");
      // The view's rows, or the search results while a search is shown (the view's list
      // stays in the page, hidden, under them).
      const rows = agent.locator(".list-pane .ticket-row").filter({ visible: true });
      const count = await rows.count();
      if (count > 0) await rows.nth(Math.floor(pick() * count)).click();
    },
    "keys j k": async () => {
      if (!agent.url().includes("/inbox")) return;
      await agent.locator("body").press(choose(["j", "k", "j"]));
    },
    "shortcut help": async () => {
      if (!agent.url().includes("/inbox")) return;
      await agent.locator("body").press("?");
      await agent.keyboard.press("Escape");
    },
    "snooze menu": async () => {
      const snooze = agent.locator("#action-snooze");
      if (await snooze.isVisible()) {
        await snooze.click();
        await agent.keyboard.press("Escape");
      }
    },
    "assignee": async () => {
      const picker = agent.locator("#assignee");
      if (await picker.isVisible()) await picker.focus();
    },
    "macros": async () => {
      const button = agent.getByRole("button", { name: /Macros/ });
      if (await button.first().isVisible()) {
        await button.first().click();
        await agent.keyboard.press("Escape");
      }
    },
    "emoji": async () => {
      const button = agent.getByRole("button", { name: /emoji/i });
      if (await button.first().isVisible()) {
        await button.first().click();
        await agent.keyboard.press("Escape");
      }
    },
    "search": async () => {
      if (!agent.url().includes("/inbox")) await agent.goto("/inbox");
      const box = agent.getByLabel("Search tickets");
      await box.fill(choose(["shopper", "order", "ana", "x", "<svg", "javascript:"]));
      await expect(agent.locator(".search-results")).not.toContainText("Searching…", { timeout: 10_000 });
      if (pick() < 0.7) await box.press("Escape");
    },
    "settings": async () => {
      await agent.getByRole("link", { name: "Settings" }).first().click();
      await expect(agent).toHaveURL(/\/settings/);
      await agent.goto(`/settings/${choose(SETTINGS)}`);
    },
    "a settings page by the menu": async () => {
      if (!agent.url().includes("/settings")) await agent.goto("/settings");
      const links = agent.getByRole("navigation", { name: "Settings" }).getByRole("link");
      const count = await links.count();
      if (count > 0) await links.nth(Math.floor(pick() * count)).click();
    },
    "back": async () => {
      await agent.goBack().catch(() => {});
      await intoTheHelpdesk();
    },
    "forward": async () => {
      await agent.goForward().catch(() => {});
      await intoTheHelpdesk();
    },
    "reload": async () => {
      await agent.reload();
    },
    "reply": async () => {
      const box = agent.locator("#reply");
      if (!(await box.isVisible()) || !(await box.isEnabled())) return;
      const text = `Reply ${Math.floor(pick() * 1e6)} ${choose(["<i>ok</i>", "javascript:void(0)", "thanks"])}`;
      await box.fill(text);
      await box.press("Enter");
      await expect(agent.getByRole("log")).toContainText(text.split(" ").slice(0, 2).join(" "));
    },
    "helpdesk": async () => {
      await agent.getByRole("link", { name: /Helpdesk/ }).first().click();
    },
  };
  const names = Object.keys(actions);
  for (let step = 0; step < 150; step++) {
    const name = choose(names);
    const started = Date.now();
    try {
      await actions[name]();
      await settled();
      steps.push(`${name} (${Date.now() - started} ms)`);
      trace(`step ${step} ${name} → ${agent.url()}`);
    } catch (error) {
      steps.push(`${name} (failed after ${Date.now() - started} ms)`);
      throw new Error(`seed ${seed}, step ${step} (${steps.slice(-6).join(" → ")}): ${error}`);
    }
    expect(problems, `seed ${seed}, after ${steps.slice(-6).join(" → ")}`).toEqual([]);
  }

  // A shopper opens and closes the drawer and each tab, in a random order.
  const shopContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const shop = await shopContext.newPage();
  watchProblems(shop, problems, "shopper");
  await shop.goto(`${exploreDemoUrl}/?as=ana`);
  const launcher = shop.getByRole("button", { name: "Open chat" });
  // The drawer (the image viewer is a dialog of its own).
  const drawer = shop.locator(".drawer");
  for (let step = 0; step < 24; step++) {
    const open = await drawer.isVisible();
    const action = open
      ? choose(["Chat", "Orders", "close", "Escape", "Past chats", "help", "write", "reload"])
      : choose(["open", "open", "reload"]);
    steps.push(`shopper ${action}`);
    try {
      if (action === "open") {
        await launcher.click();
        await expect(drawer).toBeVisible();
      } else if (action === "close") {
        await drawer.getByRole("button", { name: "Close" }).click();
        await expect(drawer).toBeHidden();
      } else if (action === "Escape") {
        await drawer.getByRole("button", { name: "Close" }).focus();
        await shop.keyboard.press("Escape");
        await expect(drawer).toBeHidden();
      } else if (action === "reload") {
        await shop.reload();
        await expect(launcher).toBeVisible();
      } else if (action === "help") {
        const help = drawer.getByRole("button", { name: "I still need help" });
        if (await help.isVisible()) await help.click();
      } else if (action === "write") {
        const box = drawer.getByLabel("Message");
        if (await box.isVisible()) {
          const text = `Exploring ${step} ${choose(["<b>bold</b>", "order #1001", "\u202Eevil", "hi"])}`;
          await box.fill(text);
          await box.press("Enter");
          await expect(drawer.getByRole("log", { name: "Conversation" })).toContainText(`Exploring ${step}`);
        }
      } else {
        const target = drawer.getByRole(action === "Past chats" ? "button" : "tab", { name: action });
        if (await target.isVisible()) await target.click();
      }
    } catch (error) {
      throw new Error(`seed ${seed}, shopper step ${step} (${steps.slice(-6).join(" → ")}): ${error}`);
    }
    expect(problems, `seed ${seed}, shopper after ${steps.slice(-6).join(" → ")}`).toEqual([]);
  }

  const log = readFileSync(exploreLog, "utf8");
  expect(log.match(/.*panicked.*/g) ?? [], `seed ${seed}: the server panicked`).toEqual([]);
  await shopContext.close();
  await agentContext.close();
});
