// The shopper's Customer Hub drawer on the demo storefront: offline-safe sending, ending
// a chat (with its question) and reading it later, Portuguese, the Orders tab, keyboard
// use with focus kept in the drawer, an accessibility scan, and a hostile theme.
import { expect, test } from "@playwright/test";
import { demoUrl } from "../playwright.config";
import { expectAccessible, logInAsOwner, openChat, send, shots, watchErrors } from "./support";

test("messages written offline wait as sending and arrive once when the shopper is back online; an ended chat stays readable", async ({ browser }) => {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const agent = await agentContext.newPage();
  const agentErrors = watchErrors(agent);
  await logInAsOwner(agent);

  const shopContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const shop = await shopContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${demoUrl}/?as=cleo`);
  const drawer = await openChat(shop);
  const thread = drawer.getByRole("log", { name: "Conversation" });
  await send(drawer, "Hello, is the speckled mug dishwasher safe?");
  await expect(drawer.getByText("Sending…")).toHaveCount(0);

  await agent.getByRole("link", { name: /Cleo Lima/ }).first().click();
  const agentThread = agent.getByRole("log", { name: "Conversation with Cleo Lima" });
  await expect(agentThread).toContainText("dishwasher safe?");

  // Offline: the socket is given up at once, and what the shopper writes waits.
  await shopContext.setOffline(true);
  await expect(drawer.getByText("Connecting…")).toBeVisible();
  await send(drawer, "Written while offline");
  await send(drawer, "And a second one");
  await expect(thread.getByText("Written while offline")).toHaveCount(1);
  await expect(drawer.getByText("Sending…")).toHaveCount(2);
  await shop.screenshot(shots("storefront-offline"));

  // Back online: both go out, in order, and each is stored exactly once.
  await shopContext.setOffline(false);
  await expect(drawer.getByText("Sending…")).toHaveCount(0);
  await expect(agentThread.getByText("Written while offline")).toHaveCount(1);
  await expect(agentThread.getByText("And a second one")).toHaveCount(1);
  await agent.reload();
  await expect(agentThread.getByText("Written while offline")).toHaveCount(1);
  await expect(agentThread.getByText("And a second one")).toHaveCount(1);
  await expect(thread.getByText("Written while offline")).toHaveCount(1);

  // Ending the chat asks first; Esc takes the question back.
  await drawer.getByRole("button", { name: "End chat" }).click();
  const question = drawer.getByRole("alertdialog", { name: "End this chat?" });
  await expect(question).toBeVisible();
  await expect(question.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectAccessible(shop, "#shopdesk-widget");
  await shop.screenshot(shots("storefront-end-chat"));
  await shop.keyboard.press("Escape");
  await expect(question).toBeHidden();
  await expect(drawer).toBeVisible();

  await drawer.getByRole("button", { name: "End chat" }).click();
  await question.getByRole("button", { name: "End chat" }).click();
  await expect(drawer.getByText("This chat has ended.")).toBeVisible();
  await expect(drawer.getByLabel("Message")).toHaveCount(0);
  await expect(agentThread).toContainText("The shopper ended the chat");

  // The ended chat is in "Past chats", read-only.
  await drawer.getByRole("button", { name: "Past chats" }).click();
  const past = drawer.getByRole("button", { name: /And a second one/ });
  await expect(past).toContainText("3 messages");
  await past.click();
  await expect(drawer.getByText("Hello, is the speckled mug dishwasher safe?")).toBeVisible();
  await expect(drawer.getByLabel("Message")).toHaveCount(0);
  await shop.screenshot(shots("storefront-past-chat"));
  await drawer.getByRole("button", { name: "All past chats" }).click();
  await drawer.getByRole("button", { name: "Back to chat" }).click();

  // A new chat is a new ticket.
  await drawer.getByRole("button", { name: "Start a new chat" }).click();
  await send(drawer, "One more thing: gift wrapping?");
  await expect(thread).not.toContainText("Written while offline");
  await agent.goto("/inbox");
  await expect(agent.getByRole("link", { name: /Cleo Lima/ }).filter({ hasText: "gift wrapping" })).toBeVisible();

  expect(agentErrors).toEqual([]);
  expect(shopErrors).toEqual([]);
  await agentContext.close();
  await shopContext.close();
});

test("a Portuguese storefront gets the drawer in Portuguese, with the shopper's orders", async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${demoUrl}/?as=ana&lang=pt-BR`);
  await page.getByRole("button", { name: "Abrir chat" }).click();
  const drawer = page.getByRole("dialog", { name: "Demo Store" });
  await expect(drawer.getByText("Central do cliente")).toBeVisible();
  // Full screen on a phone (once it has slid in).
  await drawer.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  const box = await drawer.boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });

  const orders = drawer.getByRole("tab", { name: "Pedidos" });
  await orders.click();
  await expect(orders).toHaveAttribute("aria-selected", "true");
  const panel = drawer.getByRole("tabpanel", { name: "Pedidos" });
  await expect(panel.getByText(/^Pedido #\d+$/).first()).toBeVisible();
  // Localized plurals and money: "2 itens", "US$ 84,00".
  await expect(panel).toContainText(/\d+ itens?/);
  await expect(panel).toContainText(/US\$\s?\d+,\d{2}/);
  await page.screenshot(shots("storefront-orders-pt-br"));

  // Arrow keys move between the tabs.
  await page.keyboard.press("ArrowLeft");
  const chatTab = drawer.getByRole("tab", { name: "Chat" });
  await expect(chatTab).toBeFocused();
  await expect(chatTab).toHaveAttribute("aria-selected", "true");
  const message = drawer.getByLabel("Mensagem");
  const help = drawer.getByRole("button", { name: "Ainda preciso de ajuda" });
  await expect(message.or(help)).toBeVisible();
  await page.screenshot(shots("storefront-chat-pt-br"));
  expect(errors).toEqual([]);
});

test("the drawer works from the keyboard alone, keeps focus inside, and a hostile theme changes nothing", async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1100, height: 800 });
  const drawerShot = async (theme: string, name: string) => {
    await page.goto(`${demoUrl}/?as=guest${theme}`);
    const launcher = page.getByRole("button", { name: "Open chat" });
    await expect(launcher).toBeVisible();
    // Tab through the page until the launcher has focus, then open it with Enter.
    for (let i = 0; i < 40 && !(await launcher.evaluate((el) => el.matches(":focus"))); i++) {
      await page.keyboard.press("Tab");
    }
    await expect(launcher).toBeFocused();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: "Demo Store" });
    await expect(drawer.getByRole("button", { name: "Close" })).toBeFocused();
    await expect(drawer.getByRole("link", { name: "Log in" }).or(drawer.getByRole("button", { name: "I still need help" }))).toBeVisible();
    // Once the opening animation is over.
    await drawer.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await page.screenshot(shots(name));
    // Every element's box (relative to the drawer) and the styles a theme could reach for.
    const look = await drawer.evaluate((root) => {
      const origin = root.getBoundingClientRect();
      const props = ["font-family", "font-size", "font-weight", "line-height", "letter-spacing",
        "text-transform", "color", "background-color", "border-top-style", "display", "position",
        "margin-top", "padding-top", "box-sizing", "z-index", "visibility", "opacity"];
      return [root, ...root.querySelectorAll("*")].map((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return [el.tagName, el.className.toString(), Math.round(box.x - origin.x), Math.round(box.y - origin.y),
          Math.round(box.width), Math.round(box.height), ...props.map((p) => style.getPropertyValue(p))].join("|");
      });
    });
    // And nothing of the page covers it (z-index wars).
    const box = (await drawer.boundingBox())!;
    const onTop = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.id, { x: box.x + 40, y: box.y + 40 });
    expect(onTop).toBe("shopdesk-widget");
    return { drawer, launcher, look };
  };

  const plain = await drawerShot("", "storefront-plain-theme");
  const { drawer, launcher } = plain;
  // Focus stays in the drawer: back from its first control goes to its last, and on.
  const inside = () => drawer.evaluate((el) => el.contains(el.getRootNode().activeElement));
  await page.keyboard.press("Shift+Tab");
  expect(await inside()).toBe(true);
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await inside()).toBe(true);
  }
  await expectAccessible(page, "#shopdesk-widget");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(launcher).toBeFocused();

  const hostile = await drawerShot("&theme=hostile", "storefront-hostile-theme");
  expect(hostile.look, "the drawer looks the same under a hostile theme").toEqual(plain.look);
  expect(errors).toEqual([]);
});
