-- Whether a shopper's name and email are vouched for: by the store itself (Shopify's
-- webhooks, the events API, SMS) or by a theme signature that covers them. A widget
-- session signed for the customer id alone brings only claims: the helpdesk shows them
-- as unverified, and they never replace details that were vouched for.
ALTER TABLE customers ADD COLUMN details_verified BIGINT NOT NULL DEFAULT 1;

-- Profiles the widget made before signatures covered the details hold claims only.
UPDATE customers SET details_verified = 0
 WHERE customer_since IS NULL AND orders_count = 0
   AND external_id NOT LIKE 'email:%' AND external_id NOT LIKE 'phone:%';
