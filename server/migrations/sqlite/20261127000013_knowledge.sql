-- What the AI agent answers from besides the FAQs: the merchant's knowledge articles
-- and the product catalogue (from a Shopify products.json export or the products
-- webhooks). The same statements on both backends.

CREATE TABLE knowledge_articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per Shopify product, keyed by Shopify's id. `data` is the product as Shopify
-- sent it (JSON), so better parsing later needs no re-import; `shopify_updated_at`
-- (ms) keeps a late, older webhook from overwriting a newer version.
CREATE TABLE products (
    id TEXT PRIMARY KEY,
    handle TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    shopify_updated_at BIGINT NOT NULL,
    imported_at BIGINT NOT NULL
);
CREATE INDEX products_by_title ON products (title);
