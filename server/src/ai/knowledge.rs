//! What the AI agent may answer from: the merchant's FAQs, knowledge articles and
//! product catalogue, cut into passages (an FAQ's answer, an article's paragraph, a
//! product's summary or one of its listed features). Every passage names its source,
//! which the shopper sees as "From: Returns policy".

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Faq,
    Article,
    Product,
}

/// Something the merchant wrote or sells, cited by its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// `faq-…`/`article-…` ids as stored, `product-<handle>` for products.
    pub id: String,
    pub kind: SourceKind,
    pub title: String,
}

/// One answerable piece of a source.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Index into [`Knowledge::sources`].
    pub source: usize,
    /// What the passage is about, weighted above its text in retrieval: an FAQ's
    /// question, an article paragraph's lead-in, a product's title.
    pub heading: String,
    /// What the shopper is shown.
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    /// The shop's name, which says nothing about what a question asks.
    pub store_name: String,
    pub sources: Vec<Source>,
    pub passages: Vec<Passage>,
}

/// The longest lead-in ("Return shipping costs:") taken as a paragraph's heading.
const MAX_LEAD_IN: usize = 60;

impl Knowledge {
    fn add_source(&mut self, id: String, kind: SourceKind, title: &str) -> usize {
        self.sources.push(Source {
            id,
            kind,
            title: title.trim().to_owned(),
        });
        self.sources.len() - 1
    }

    pub fn add_faq(&mut self, id: &str, question: &str, answer: &str) {
        let source = self.add_source(id.to_owned(), SourceKind::Faq, question);
        self.passages.push(Passage {
            source,
            heading: question.trim().to_owned(),
            text: answer.trim().to_owned(),
        });
    }

    /// An article becomes one passage per paragraph (blank-line separated).
    pub fn add_article(&mut self, id: &str, title: &str, body: &str) {
        let source = self.add_source(id.to_owned(), SourceKind::Article, title);
        for paragraph in paragraphs(body) {
            let heading = paragraph
                .split_once(':')
                .map(|(lead_in, _)| lead_in.trim())
                .filter(|lead_in| lead_in.len() <= MAX_LEAD_IN && !lead_in.contains('.'))
                .unwrap_or_default()
                .to_owned();
            self.passages.push(Passage {
                source,
                heading,
                text: paragraph,
            });
        }
    }

    /// A product becomes a summary passage (description, price, options) and one
    /// passage per listed feature, each headed by the product's title.
    pub fn add_product(&mut self, product: &ShopifyProduct) {
        let source = self.add_source(
            format!("product-{}", product.handle),
            SourceKind::Product,
            &product.title,
        );
        let body = product.body_html.as_deref().unwrap_or_default();
        let (prose, features) = split_product_html(body);
        let mut summary = prose;
        if let Some(price) = product.price_text() {
            push_sentence(&mut summary, &price);
        }
        for option in &product.options {
            if option.values.len() > 1 || option.name != "Title" {
                push_sentence(
                    &mut summary,
                    &format!("{}: {}", option.name, option.values.join(", ")),
                );
            }
        }
        let tags = product.tags.list();
        if !product.product_type.is_empty() || !tags.is_empty() {
            let mut kinds = vec![product.product_type.clone()];
            kinds.extend(tags);
            kinds.retain(|kind| !kind.trim().is_empty());
            push_sentence(&mut summary, &format!("Type: {}", kinds.join(", ")));
        }
        self.passages.push(Passage {
            source,
            heading: product.title.clone(),
            text: summary,
        });
        for feature in features {
            self.passages.push(Passage {
                source,
                heading: product.title.clone(),
                text: feature,
            });
        }
    }

    pub fn source_of(&self, passage: &Passage) -> &Source {
        &self.sources[passage.source]
    }
}

fn push_sentence(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        if !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
        text.push(' ');
    }
    text.push_str(sentence);
}

fn paragraphs(body: &str) -> Vec<String> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// A product description's prose and its list items, as plain text.
fn split_product_html(html: &str) -> (String, Vec<String>) {
    let mut prose = Vec::new();
    let mut features = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<li") {
        prose.push(plain_text(&rest[..start]));
        let item = &rest[start..];
        let end = item.find("</li>").unwrap_or(item.len());
        features.push(plain_text(&item[..end]));
        rest = item.get(end + "</li>".len()..).unwrap_or_default();
    }
    prose.push(plain_text(rest));
    prose.retain(|text| !text.is_empty());
    features.retain(|text| !text.is_empty());
    (prose.join(" "), features)
}

/// Tags dropped, entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for letter in html.chars() {
        match letter {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(letter),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&rsquo;", "’")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A product as Shopify exports it (`/products.json`, the products webhook).
#[derive(Debug, Clone, Deserialize)]
pub struct ShopifyProduct {
    pub id: i64,
    pub title: String,
    pub handle: String,
    #[serde(default)]
    pub body_html: Option<String>,
    #[serde(default)]
    pub product_type: String,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub variants: Vec<ShopifyVariant>,
    #[serde(default)]
    pub options: Vec<ShopifyOption>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShopifyVariant {
    #[serde(default)]
    pub title: String,
    /// A decimal string ("189.00").
    #[serde(default)]
    pub price: String,
    /// Storefront exports say whether it can be bought; the admin API leaves it out.
    #[serde(default)]
    pub available: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShopifyOption {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// Storefront exports list tags; the admin API and webhooks send one comma-separated string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Tags {
    List(Vec<String>),
    Joined(String),
}

impl Default for Tags {
    fn default() -> Self {
        Tags::List(Vec::new())
    }
}

impl Tags {
    pub fn list(&self) -> Vec<String> {
        match self {
            Tags::List(tags) => tags.clone(),
            Tags::Joined(joined) => joined
                .split(',')
                .map(str::trim)
                .filter(|tag| !tag.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl ShopifyProduct {
    /// "Price: $189.00" or "Price: $24.00 to $32.00", from the variants' prices, and
    /// which variants are sold out when the export says.
    fn price_text(&self) -> Option<String> {
        let mut cents: Vec<(i64, &str)> = self
            .variants
            .iter()
            .filter_map(|variant| Some((cents_of(&variant.price)?, variant.price.as_str())))
            .collect();
        cents.sort_by_key(|(cents, _)| *cents);
        let (low, high) = (cents.first()?, cents.last()?);
        let mut text = if low.0 == high.0 {
            format!("Price: ${}", low.1)
        } else {
            format!("Price: ${} to ${}", low.1, high.1)
        };
        let sold_out: Vec<&str> = self
            .variants
            .iter()
            .filter(|variant| variant.available == Some(false))
            .map(|variant| variant.title.as_str())
            .collect();
        if !sold_out.is_empty() && sold_out.len() < self.variants.len() {
            text.push_str(&format!(". Sold out: {}", sold_out.join(", ")));
        } else if !sold_out.is_empty() {
            text.push_str(". Sold out");
        }
        Some(text)
    }
}

/// "189.00" → 18900; anything else is not a price.
fn cents_of(price: &str) -> Option<i64> {
    let (whole, fraction) = price.split_once('.').unwrap_or((price, "0"));
    let fraction = format!("{fraction:0<2}");
    if fraction.len() != 2 {
        return None;
    }
    Some(whole.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?)
}

/// A `products.json` export: `{"products": [...]}`.
#[derive(Debug, Deserialize)]
pub struct ShopifyExport {
    pub products: Vec<ShopifyProduct>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_paragraphs_become_passages_with_their_lead_in() {
        let mut knowledge = Knowledge::default();
        knowledge.add_article(
            "article-returns",
            "Returns policy",
            "Our window: 60 days.\n\nRefunds: five days after we receive it.",
        );
        assert_eq!(knowledge.passages.len(), 2);
        assert_eq!(knowledge.passages[1].heading, "Refunds");
        assert_eq!(
            knowledge.source_of(&knowledge.passages[1]).title,
            "Returns policy"
        );
    }

    #[test]
    fn products_give_a_summary_and_one_passage_per_feature() {
        let product: ShopifyProduct = serde_json::from_value(serde_json::json!({
            "id": 1, "title": "Summit Puffer", "handle": "summit-puffer",
            "body_html": "<p>Warm &amp; light.</p><ul><li>Fill: 800 down</li><li>Weight: 370 g</li></ul>",
            "product_type": "Jackets", "tags": "down, winter",
            "variants": [
                {"title": "S", "price": "279.00", "available": true},
                {"title": "M", "price": "289.00", "available": false}
            ],
            "options": [{"name": "Size", "values": ["S", "M"]}]
        }))
        .expect("product");
        let mut knowledge = Knowledge::default();
        knowledge.add_product(&product);
        assert_eq!(knowledge.sources[0].id, "product-summit-puffer");
        let texts: Vec<&str> = knowledge.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Warm & light. Price: $279.00 to $289.00. Sold out: M. Size: S, M. Type: Jackets, down, winter",
                "Fill: 800 down",
                "Weight: 370 g"
            ]
        );
    }
}
