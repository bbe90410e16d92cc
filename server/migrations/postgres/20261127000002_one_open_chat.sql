-- A shopper has at most one live web chat: two racing first messages cannot open two.
CREATE UNIQUE INDEX one_open_chat_per_customer ON conversations (customer_id)
    WHERE channel = 'chat' AND status <> 'closed';
