// An SMS conversation through the real server and a fake SMS provider (a local HTTP
// server that checks the server's credentials and records what it must send): a text
// appears live in the agent's inbox as an SMS ticket, the agent's reply goes out by SMS,
// and the provider's delivery report shows in the thread.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { shopifySecret, sms, smsPort } from "../playwright.config";
import { expectAccessible, logInAsOwner, shots, watchErrors } from "./support";

type Sent = { to: string; from: string; body: string };

/** The fake provider: answers like the real API, records each SMS it is asked to send. */
function fakeProvider(): Promise<{ server: Server; sent: Sent[]; next: () => Promise<Sent> }> {
  const sent: Sent[] = [];
  const waiting: ((sms: Sent) => void)[] = [];
  const expected = "Basic " + Buffer.from(`${sms.account}:${sms.token}`).toString("base64");
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const path = `/2010-04-01/Accounts/${sms.account}/Messages.json`;
      if (request.url !== path || request.headers.authorization !== expected) {
        response.writeHead(401).end();
        return;
      }
      const form = new URLSearchParams(body);
      const message = { to: form.get("To") ?? "", from: form.get("From") ?? "", body: form.get("Body") ?? "" };
      sent.push(message);
      waiting.shift()?.(message);
      response.writeHead(201, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ sid: `SMfake${sent.length}`, status: "queued" }));
    });
  });
  const next = () =>
    new Promise<Sent>((resolve) => (sent.length > waiting.length ? resolve(sent[sent.length - 1]) : waiting.push(resolve)));
  return new Promise((resolve) => server.listen(Number(smsPort), "127.0.0.1", () => resolve({ server, sent, next })));
}

/** POSTs a provider webhook to the server, signed as the provider signs it. */
async function webhook(page: Page, path: string, params: Record<string, string>) {
  const url = new URL(path, page.url()).toString();
  const signed = Object.keys(params).sort().reduce((text, key) => text + key + params[key], url);
  const signature = createHmac("sha1", sms.token).update(signed).digest("base64");
  const response = await page.request.post(url, { form: params, headers: { "X-Twilio-Signature": signature } });
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
}

test("a text message becomes a live SMS ticket, and the reply goes out by SMS", async ({ browser }) => {
  const provider = await fakeProvider();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await context.newPage();
  const errors = watchErrors(agent);
  await logInAsOwner(agent);
  await expect(agent.getByText(/^Connecting/)).toBeHidden();

  await webhook(agent, "/api/sms/inbound", {
    MessageSid: "SMe2e1",
    AccountSid: sms.account,
    From: "+14155550123",
    To: sms.from,
    Body: "Hi! Do you ship to Canada?",
    NumMedia: "0",
  });
  const row = agent.getByRole("link", { name: /\+14155550123/ });
  await expect(row).toBeVisible();
  await expect(row.getByRole("img", { name: "SMS" })).toBeVisible();
  await row.click();
  const thread = agent.getByRole("log", { name: "Conversation with +14155550123" });
  await expect(thread).toContainText("Do you ship to Canada?");

  const reply = agent.getByLabel("Reply to +14155550123");
  await reply.fill("Yes! Shipping to Canada takes 5 to 7 days.");
  await reply.press("Enter");
  const out = await provider.next();
  expect(out).toEqual({ to: "+14155550123", from: sms.from, body: "Yes! Shipping to Canada takes 5 to 7 days." });
  await expect(thread).toContainText("SMS queued");

  await webhook(agent, "/api/sms/status", { MessageSid: "SMfake1", MessageStatus: "delivered", AccountSid: sms.account });
  await agent.reload();
  await expect(thread).toContainText("SMS delivered");
  await expectAccessible(agent);
  await agent.screenshot(shots("helpdesk-sms"));

  // Shopify then sends a customer with the same phone: only a suggestion, until linked.
  const customer = JSON.stringify({
    id: 555001, email: "dana@example.com", first_name: "Dana", last_name: "Reyes",
    phone: "+14155550123", created_at: "2025-03-01T10:00:00Z",
  });
  const hmac = createHmac("sha256", shopifySecret).update(customer).digest("base64");
  const delivered = await agent.request.post(new URL("/api/shopify/webhooks", agent.url()).toString(), {
    data: customer,
    headers: {
      "Content-Type": "application/json", "X-Shopify-Topic": "customers/create",
      "X-Shopify-Webhook-Id": "e2e-customer-1", "X-Shopify-Hmac-Sha256": hmac,
    },
  });
  expect(delivered.status()).toBe(200);
  const samePerson = agent.getByRole("region", { name: "Same person?" });
  await expect(async () => {
    await agent.reload();
    await expect(samePerson).toContainText("Dana Reyes", { timeout: 1000 });
  }).toPass();
  await expect(samePerson).toContainText("Same phone, not verified");
  await expectAccessible(agent);
  await agent.screenshot(shots("helpdesk-same-person"));
  await samePerson.getByRole("button", { name: "Link profiles" }).click();
  const linked = agent.getByRole("region", { name: "Linked profiles" });
  await expect(linked).toContainText("Dana Reyes");
  await linked.getByRole("button", { name: "Unlink" }).click();
  await expect(samePerson).toContainText("Dana Reyes");
  expect(errors).toEqual([]);
  provider.server.close();
  await context.close();
});
