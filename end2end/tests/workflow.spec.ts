// Two agents and a shopper: live list updates and counts in both helpdesks, a reply
// with an emoji that assigns the ticket, keyboard-only triage (search, snooze, close),
// the shopper waking the snoozed ticket, and a closed chat becoming read-only in the
// drawer with a new chat starting a new ticket. Scans the inbox and ticket view with
// axe-core. Runs last on the shared server (after chat and settings).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { demoUrl } from "../playwright.config";
import { expectAccessible, logInAsOwner, shots, watchErrors } from "./support";

/** A small PNG (160 x 110, a checked pattern with a band), as a picked file. */
const photo = (name: string) => ({
  name,
  mimeType: "image/png",
  buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAKAAAABuCAIAAAAvT4++AAABJklEQVR42u3dSw3AIBAEUGRxrxt04AIFlVALdYAbPOxhk25fMvdJ5l35tP2scO45wtGb09sMDdjQgA0NGDBgvYD1AtYLGLChARsasKEB6wWsF7BewIANDdjQgA0NGHAqsLFq9wIGbGjAhgYMGLBewHoB6wUM2NCADQ3Y0ID1AtYLWC9gwIYGbGjAhgYMOBfYWMUP3V39lcIBDFgAC2ABLIAFsAAGLIAFsAAWwAJYAAMWwAJYAAtgASyABTBgASyABbAAlhCwm3ruBxsasKEBAwasF7BewHoBAzY0YEN7JwuS30f1AtYLWC9gwIYGbGjAhgYMGLBewHoB6wUM2NCADQ3Y0ID1AtYLWC/gvwEby6lKQwM2NGDAgPUC1gtYL2DAhgZs6E/0HlKhWstvc4AlAAAAAElFTkSuQmCC", "base64"),
});

/** The owner invites a second agent, who joins in their own browser context. */
async function secondAgent(browser: Browser, owner: Page): Promise<Page> {
  await owner.goto("/settings/team");
  await owner.getByLabel("Email").fill("ivy@shop.example");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  const link = await owner.getByLabel("Invitation link").inputValue();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ivy = await context.newPage();
  await ivy.goto(link);
  await ivy.getByLabel("Your name").fill("Ivy Agent");
  await ivy.getByLabel("Password").fill("another long password");
  await ivy.getByRole("button", { name: "Join the team" }).click();
  await expect(ivy).toHaveURL(/\/inbox$/);
  return ivy;
}

test("two agents triage a shopper's ticket live, by keyboard", async ({ browser }) => {
  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const olga = await ownerContext.newPage();
  const olgaErrors = watchErrors(olga);
  await logInAsOwner(olga);
  const ivy = await secondAgent(browser, olga);
  const ivyErrors = watchErrors(ivy);

  // Olga adds a macro in Settings; a bad variable is refused beside the field first.
  await olga.goto("/settings/macros");
  await olga.getByLabel("Name").fill("Damaged item");
  await olga.getByLabel("Reply").fill("Hi {{firstname}}");
  await olga.getByRole("button", { name: "Add macro" }).click();
  await expect(olga.getByText("Unknown variable {{firstname}}")).toBeVisible();
  await olga
    .getByLabel("Reply")
    .fill("Hi {{first_name}}, I'm so sorry! A replacement for {{last_order_number}} is on its way. — {{agent_first_name}}");
  await olga.getByRole("button", { name: "Add macro" }).click();
  await expect(olga.getByRole("heading", { name: "1 macro" })).toBeVisible();
  await expectAccessible(olga);
  await olga.screenshot({ ...shots("settings-macros"), fullPage: true });
  await olga.goto("/inbox");
  for (const agent of [olga, ivy]) {
    await expect(agent.getByText(/^Connecting/)).toBeHidden();
  }
  const openTab = (agent: Page) => agent.getByRole("navigation", { name: "Ticket status" }).getByRole("link", { name: /Open/ });
  const openBefore = Number((await openTab(olga).innerText()).replace(/\D/g, "") || "0");

  // Ben writes from the storefront; both inboxes show the ticket live, counted and unread.
  const shopContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const shop = await shopContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${demoUrl}/?as=ben`);
  await shop.getByRole("button", { name: "Open chat" }).click();
  const drawer = shop.getByRole("dialog", { name: "Demo Store" });
  // Published FAQs come first (settings.spec.ts adds one); the composer is behind them.
  const needHelp = drawer.getByRole("button", { name: "I still need help" });
  await expect(drawer.getByLabel("Message").or(needHelp)).toBeVisible();
  if (await needHelp.isVisible()) await needHelp.click();
  await drawer.getByLabel("Message").fill("My parcel arrived damaged, the mug is broken.");
  await drawer.getByLabel("Message").press("Enter");
  const shopperThread = drawer.getByRole("log", { name: "Conversation" });
  await expect(drawer.getByText("Sending…")).toHaveCount(0);

  for (const agent of [olga, ivy]) {
    const row = agent.getByRole("link", { name: /Ben Carter/ });
    await expect(row).toContainText("arrived damaged");
    await expect(row).toHaveClass(/unread/);
    await expect(openTab(agent)).toContainText(String(openBefore + 1));
  }
  await expectAccessible(olga);
  await olga.screenshot(shots("helpdesk-inbox-views"));

  // Ivy opens it from the list with j and Enter, replies with an emoji: the ticket is hers.
  await ivy.keyboard.press("j");
  await expect(ivy.locator(".ticket-row:focus")).toContainText("Ben Carter");
  await ivy.keyboard.press("Enter");
  const ivyThread = ivy.getByRole("log", { name: "Conversation with Ben Carter" });
  await expect(ivyThread).toContainText("arrived damaged");
  await ivy.keyboard.press("r");
  await expect(ivy.getByLabel("Reply to Ben Carter")).toBeFocused();
  // Typing shows on both sides.
  await drawer.getByLabel("Message").pressSequentially("Also");
  await expect(ivy.getByText("Ben Carter is typing…")).toBeVisible();
  await drawer.getByLabel("Message").fill("");
  await ivy.getByLabel("Reply to Ben Carter").focus();
  await ivy.keyboard.type("So sorry! A new mug ships today ");
  await expect(drawer.getByText("Ivy Agent is typing…")).toBeVisible();
  await ivy.getByRole("button", { name: "Insert emoji" }).click();
  await ivy.getByRole("button", { name: "📦" }).click();
  await ivy.getByLabel("Reply to Ben Carter").press("Enter");
  await expect(ivyThread).toContainText("Ivy Agent replied and was assigned");
  await expect(shopperThread).toContainText("A new mug ships today 📦");
  // Ben's drawer is open in a visible tab: the reply is seen, and Ivy's thread says so.
  await expect(ivyThread.locator(".receipt")).toHaveText("Seen");
  await expectAccessible(ivy);
  await ivy.screenshot(shots("helpdesk-reply-assigned"));

  // Images both ways: Ben sends a photo of the damage; Ivy answers with one.
  await drawer.locator('input[type="file"]').setInputFiles(photo("mug.png"));
  await expect(drawer.getByRole("list", { name: "Images to send" }).locator("img")).toHaveCount(1);
  await drawer.getByLabel("Message").fill("Here is a photo");
  await drawer.getByLabel("Message").press("Enter");
  await expect(ivyThread.getByRole("button", { name: "Open image from Ben Carter" })).toBeVisible();
  await ivyThread.getByRole("button", { name: "Open image from Ben Carter" }).click();
  const big = ivy.getByRole("dialog", { name: "Image from Ben Carter" });
  await expect(big.locator("img")).toBeVisible();
  await ivy.screenshot(shots("helpdesk-image-lightbox"));
  await ivy.keyboard.press("Escape");
  await expect(big).toBeHidden();
  await ivy.locator('.composer input[type="file"]').setInputFiles(photo("replacement.png"));
  await expect(ivy.getByRole("list", { name: "Images to send" }).locator("img")).toHaveCount(1);
  await ivy.getByLabel("Reply to Ben Carter").press("Enter");
  await expect(shopperThread.getByRole("button", { name: "Open image from Ivy Agent" })).toBeVisible();
  await shop.screenshot(shots("storefront-images"));

  // Olga finds it by search, keyboard only, and snoozes it until tomorrow morning.
  await olga.keyboard.press("/");
  await expect(olga.getByLabel("Search tickets")).toBeFocused();
  await olga.keyboard.type("damaged");
  const hit = olga.locator(".search-results .ticket-row", { hasText: "Ben Carter" });
  await expect(hit.locator("mark")).toHaveText("damaged");
  await olga.screenshot(shots("helpdesk-search"));
  await olga.keyboard.press("Tab");
  await expect(hit).toBeFocused();
  await olga.keyboard.press("Enter");
  const olgaThread = olga.getByRole("log", { name: "Conversation with Ben Carter" });
  await expect(olgaThread).toContainText("Ivy Agent replied and was assigned");
  // Both agents have the ticket open, and each sees the other there.
  await expect(ivy.getByText("Olga Agent is also viewing this ticket")).toBeVisible();
  await expect(olga.getByText("Ivy Agent is also viewing this ticket")).toBeVisible();
  await expect(olga.getByLabel("Assignee")).toHaveValue(/.+/);
  await olga.getByLabel("Search tickets").press("Escape");
  await expect(olga.getByLabel("Search tickets")).not.toBeFocused();
  await olga.keyboard.press("s");
  await expect(olga.getByRole("button", { name: /1 hour/ })).toBeFocused();
  await olga.keyboard.press("Tab");
  await expect(olga.getByRole("button", { name: /Tomorrow morning/ })).toBeFocused();
  await olga.screenshot(shots("helpdesk-snooze"));
  await olga.keyboard.press("Enter");
  await expect(olgaThread).toContainText("Olga Agent snoozed the ticket until");
  await expect(olga.locator(".conversation-head .status")).toHaveText("Snoozed");
  await expect(openTab(olga)).toContainText(String(openBefore));

  // Ben writes again: the ticket wakes up for everyone.
  await drawer.getByLabel("Message").fill("Thank you! Do I need to send the broken one back?");
  await drawer.getByLabel("Message").press("Enter");
  await expect(olgaThread).toContainText("The shopper wrote, so the ticket woke up");
  await expect(olga.locator(".conversation-head .status")).toHaveText("Open");
  await expect(ivyThread).toContainText("send the broken one back?");
  await expect(openTab(olga)).toContainText(String(openBefore + 1));

  // The sidebar shows who Ben is; Olga answers with the macro, filled from his profile.
  const profile = olga.getByRole("complementary", { name: "Shopper profile" });
  await expect(profile).toContainText("Austin, United States");
  await expect(profile).toContainText("Placed order #1019, 3 items, $126.00");
  await olga.getByRole("button", { name: "Macros" }).click();
  await expect(olga.getByLabel("Search macros")).toBeFocused();
  await olga.keyboard.type("damaged");
  await olga.keyboard.press("Enter");
  const olgaReply = olga.getByLabel("Reply to Ben Carter");
  await expect(olgaReply).toHaveValue("Hi Ben, I'm so sorry! A replacement for #1019 is on its way. — Olga");
  await expect(olgaReply).toBeFocused();
  await olga.screenshot(shots("helpdesk-ticket-profile"));
  await olgaReply.press("Enter");
  await expect(shopperThread).toContainText("A replacement for #1019 is on its way");

  // Olga closes it with e and Enter: the drawer turns read-only; a new chat is a new ticket.
  await olga.locator("body").click({ position: { x: 5, y: 5 } });
  await olga.keyboard.press("e");
  const confirm = olga.getByRole("alertdialog", { name: "Close this ticket?" });
  await expect(confirm).toBeVisible();
  await expectAccessible(olga);
  await olga.screenshot(shots("helpdesk-close"));
  await olga.keyboard.press("Enter");
  await expect(olgaThread).toContainText("Olga Agent closed the ticket");
  await expect(olga.getByText("This ticket is closed.")).toBeVisible();
  await expect(drawer.getByText("This chat has ended.")).toBeVisible();
  await expect(drawer.getByLabel("Message")).toHaveCount(0);
  await shop.screenshot(shots("storefront-chat-ended"));
  await drawer.getByRole("button", { name: "Start a new chat" }).click();
  await drawer.getByLabel("Message").fill("One more question about sizes.");
  await drawer.getByLabel("Message").press("Enter");
  await expect(shopperThread).not.toContainText("arrived damaged");
  const rows = ivy.getByRole("link", { name: /Ben Carter/ });
  await expect(rows.filter({ hasText: "One more question" })).toBeVisible();

  // The shortcut list is one key away.
  await ivy.keyboard.press("?");
  await expect(ivy.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await ivy.screenshot(shots("helpdesk-shortcuts"));
  await ivy.keyboard.press("Escape");

  // On a tablet the list and the ticket stack; everything stays reachable and labelled.
  await olga.setViewportSize({ width: 820, height: 1180 });
  await olga.goto("/inbox");
  await olga.getByRole("link", { name: /Ben Carter/ }).first().click();
  await expect(olga.getByRole("log", { name: "Conversation with Ben Carter" })).toBeVisible();
  await expectAccessible(olga);
  await olga.screenshot({ ...shots("helpdesk-tablet"), fullPage: true });

  expect(olgaErrors).toEqual([]);
  expect(ivyErrors).toEqual([]);
  expect(shopErrors).toEqual([]);
  await shopContext.close();
  await ownerContext.close();
});
