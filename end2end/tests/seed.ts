// A store's worth of data for the exploratory and hostile-data tests, made through the
// product's own doors: shoppers' widget sessions and sockets (from the storefront's
// origin), signed SMS and Shopify webhooks, the events API, and the helpdesk's server
// functions. Every name and text can carry script-shaped payloads.
import { createHmac } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { exploreDemoUrl, exploreUrl, identitySecret, shopifySecret, sms } from "../playwright.config";

/** Text that would run script, break out of an attribute or title, or turn a link into
 * code, were it ever written into the page as HTML. Each sets `window.__pwned`. */
export const HOSTILE = [
  `</title></textarea><script>window.__pwned="title"</script>`,
  `"><img src=x onerror="window.__pwned='img'">`,
  `<svg onload="window.__pwned='svg'"></svg>`,
  `javascript:window.__pwned='link'`,
  `\u202Egnp.exe <b onmouseover="window.__pwned='rtl'">Ana</b>`,
];

/** What would be in the HTML, raw, if any payload had not been escaped. */
export const RAW_MARKERS = [
  `<script>window.__pwned`,
  `<img src=x onerror`,
  `<svg onload`,
  `<b onmouseover`,
];

/** The payloads joined into one text of at most `max` characters. */
export function hostile(prefix: string, max = 1000): string {
  return `${prefix} ${HOSTILE.join(" ")}`.slice(0, max);
}

/** Records into `problems` everything `page` reports that should never happen: page
 * errors, console errors, and panics or disposed values however they are logged. */
export function watchProblems(page: Page, problems: string[], who: string) {
  page.on("pageerror", (error) => problems.push(`${who} page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" || /panicked|disposed|RuntimeError|unreachable/.test(text)) {
      problems.push(`${who} console ${message.type()}: ${text.slice(0, 4000)} (${message.location().url})`);
    }
  });
}

/** Calls a helpdesk server function (JSON) as the agent whose page this is. */
export async function serverFn(agent: Page, name: string, body: unknown): Promise<any> {
  const response = await agent.request.post(`${exploreUrl}/api/${name}`, {
    data: body,
    headers: { Origin: exploreUrl },
  });
  expect(response.ok(), `${name}: ${response.status()} ${await response.text()}`).toBe(true);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A shopper on the storefront: a signed widget session (id, email and name, as the
 * theme signs them), a socket, and one message; returns the conversation id. Runs in a
 * page on the storefront's origin, as the widget does. */
export async function shopperWrites(
  storefront: Page,
  shopper: { id: string; name: string; email: string },
  body: string,
): Promise<string> {
  const signature = createHmac("sha256", identitySecret)
    .update(`${shopper.id}|${shopper.email}|${shopper.name}`)
    .digest("hex");
  return storefront.evaluate(
    async ({ base, request, body }) => {
      const session = await fetch(`${base}/api/widget/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request),
      }).then((response) => response.json());
      if (!session.token) throw new Error(`no token: ${JSON.stringify(session)}`);
      const socket = new WebSocket(`${base.replace("http", "ws")}/ws/widget?token=${session.token}`);
      const clientId = `seed-${Math.random().toString(36).slice(2)}`;
      const conversation = await new Promise<string>((resolve, reject) => {
        socket.onerror = () => reject(new Error("socket error"));
        socket.onopen = () =>
          socket.send(JSON.stringify({ send: { conversation_id: null, client_id: clientId, body } }));
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.ack?.client_id === clientId) resolve(frame.ack.message.conversation_id);
          if (frame.rejected?.client_id === clientId) reject(new Error(frame.rejected.detail));
        };
      });
      socket.close();
      return conversation;
    },
    {
      base: exploreUrl,
      request: { customer_id: shopper.id, name: shopper.name, email: shopper.email, signature },
      body,
    },
  );
}

/** Opens a page on the storefront's origin (for `shopperWrites`). */
export async function storefrontPage(page: Page): Promise<Page> {
  await page.goto(`${exploreDemoUrl}/?as=guest`);
  return page;
}

/** A text to the store's number, signed as the SMS provider signs its webhooks. */
export async function textIn(request: APIRequestContext, from: string, body: string, sid: string) {
  const url = `${exploreUrl}/api/sms/inbound`;
  const params: Record<string, string> = { MessageSid: sid, From: from, To: sms.from, Body: body };
  const signed = Object.keys(params).sort().reduce((text, key) => text + key + params[key], url);
  const signature = createHmac("sha1", sms.token).update(signed).digest("base64");
  const response = await request.post(url, { form: params, headers: { "X-Twilio-Signature": signature } });
  expect(response.ok(), `SMS in: ${response.status()}`).toBe(true);
}

/** A Shopify webhook delivery, signed with the app's secret. */
export async function shopifyWebhook(request: APIRequestContext, topic: string, id: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const hmac = createHmac("sha256", shopifySecret).update(body).digest("base64");
  const response = await request.post(`${exploreUrl}/api/shopify/webhooks`, {
    data: body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Webhook-Id": id,
      "X-Shopify-Hmac-Sha256": hmac,
    },
  });
  expect(response.status(), `${topic}`).toBe(200);
}

/** Logs in to the explore server as its owner (created on first use). */
export async function logInExplorer(agent: Page) {
  await agent.goto(`${exploreUrl}/inbox`);
  if (/\/setup$/.test(agent.url())) {
    await agent.getByLabel("Your name").fill("Olga Explorer");
    await agent.getByLabel("Work email").fill("olga@explore.example");
    await agent.getByLabel("Password").fill("correct horse battery");
    await agent.getByRole("button", { name: "Create account" }).click();
  } else if (/\/login$/.test(agent.url())) {
    await agent.getByLabel("Email").fill("olga@explore.example");
    await agent.getByLabel("Password").fill("correct horse battery");
    await agent.getByRole("button", { name: "Log in" }).click();
  }
  await expect(agent).toHaveURL(/\/inbox$/);
  // The form's page was replaced: Back does not show a signed-in agent the form again.
  await agent.goBack();
  await expect(agent.getByRole("button", { name: /^(Log in|Create account)$/ })).toHaveCount(0);
  await agent.goto(`${exploreUrl}/inbox`);
  await expect(agent).toHaveURL(/\/inbox$/);
}

/** Fills the store: web chats (some snoozed, some closed, one the AI agent answers),
 * SMS tickets, Shopify customers and orders, events, macros, FAQs and an article, with
 * hostile text in every field a shopper, Shopify, the events API or an agent can set.
 * Idempotent enough to run from either spec: it returns at once if already done. */
export async function seedStore(agent: Page, storefront: Page) {
  const existing = await serverFn(agent, "inbox/tickets", {
    view: { status: "open", scope: "all", sort: "activity" },
    after: null,
  });
  if (existing.tickets.length > 0) return;

  const tickets: string[] = [];
  for (let index = 0; index < 7; index++) {
    const name = index % 2 === 0 ? hostile(`Shopper${index}`, 100) : `Shopper ${index}`;
    const email = index % 3 === 0 ? `x${index}"><svg/onload=1>@evil.example` : `s${index}@shop.example`;
    tickets.push(
      await shopperWrites(storefront, { id: `80${index}`, name, email }, hostile(`Question ${index}:`)),
    );
  }
  // Every status: snoozed (later today and long past), closed.
  await serverFn(agent, "inbox/snooze", { id: tickets[1], until: Date.now() + 3_600_000 });
  await serverFn(agent, "inbox/snooze", { id: tickets[2], until: Date.now() + 86_400_000 });
  await serverFn(agent, "inbox/close", { id: tickets[3] });
  await serverFn(agent, "inbox/assign", { id: tickets[4], assignee_id: null });

  // SMS tickets, one from a number Shopify also knows.
  await textIn(agent.request, "+14155550177", hostile("SMS:", 500), "SMseed1");
  await textIn(agent.request, "+14155550178", "Is my order on its way?", "SMseed2");

  // Shopify: a customer and an order, every text field hostile.
  const customer = {
    id: 800,
    email: "s0@shop.example",
    first_name: HOSTILE[0],
    last_name: HOSTILE[1],
    phone: "+14155550177",
    created_at: "2025-03-01T10:00:00Z",
    default_address: { city: HOSTILE[2], province: HOSTILE[3], country: HOSTILE[4] },
  };
  await shopifyWebhook(agent.request, "customers/update", "seed-customer", customer);
  await shopifyWebhook(agent.request, "orders/create", "seed-order", {
    id: 5001,
    name: `#1001${HOSTILE[1]}`,
    created_at: "2026-11-20T10:00:00Z",
    currency: "USD",
    total_price: "84.00",
    line_items: [{ quantity: 2 }],
    customer,
  });

  // The events API.
  const key = await serverFn(agent, "settings/create_api_key", { name: hostile("Key", 60) });
  const event = await agent.request.post(`${exploreUrl}/api/events`, {
    headers: { Authorization: `Bearer ${key.secret}` },
    data: {
      metric: hostile("Metric", 100),
      profile: { customer_id: "800" },
      properties: { subject: hostile("Subject"), title: HOSTILE[2] },
      unique_id: "seed-event-1",
    },
  });
  expect(event.status(), await event.text()).toBe(202);

  // What agents write: macros, FAQs, an article, the team's settings.
  await serverFn(agent, "settings/create_macro", {
    input: { name: hostile("Macro", 80), body: hostile("Hello {{first_name}}") },
  });
  await serverFn(agent, "settings/create_faq", {
    input: { question: hostile("FAQ?", 200), answer: hostile("Answer"), published: true },
  });
  await serverFn(agent, "settings/create_article", {
    input: { title: hostile("Article", 120), body: `Returns are free within 30 days. ${hostile("")}`, published: true },
  });

  // A chat the AI agent is answering (the agent is then left on).
  await serverFn(agent, "settings/save_ai_agent", {
    settings: { enabled: true, handoff: { type: "helpdesk" }, unhelpful_limit: 2 },
  });
  await shopperWrites(storefront, { id: "899", name: hostile("AiShopper", 100), email: "ai@shop.example" }, "Are returns free?");
}
