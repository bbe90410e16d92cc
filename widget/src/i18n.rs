//! The drawer's words in the shopper's language: English and Brazilian Portuguese,
//! picked from the storefront's locale (Shopify's `request.locale`, or the page's
//! `lang`). Counts go through the browser's plural rules; times through its own
//! locale formatting (see `hours`). Merchant-written text (welcome message, FAQs)
//! shows as written.

use wasm_bindgen::{JsCast, JsValue};

/// Every fixed string the drawer shows. `{name}`-style holes are filled by [`fill`].
pub struct Text {
    /// The language's own tag, for the browser's plural rules.
    pub tag: &'static str,
    pub customer_hub: &'static str,
    pub support: &'static str,
    pub close: &'static str,
    pub tab_chat: &'static str,
    pub tab_orders: &'static str,
    pub loading: &'static str,
    pub connecting: &'static str,
    pub conversation: &'static str,
    pub chat_off: &'static str,
    pub chat_ended: &'static str,
    pub start_new_chat: &'static str,
    pub login_prompt: &'static str,
    pub log_in: &'static str,
    pub terms_before: &'static str,
    pub terms_of_service: &'static str,
    pub terms_and: &'static str,
    pub privacy_policy: &'static str,
    pub terms_after: &'static str,
    pub you: &'static str,
    pub automated: &'static str,
    /// The AI agent's answers: who wrote them, where from, and the shopper's verdict.
    pub ai_assistant: &'static str,
    pub from_source: &'static str,
    pub did_that_help: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub thanks_for_feedback: &'static str,
    pub talk_to_person: &'static str,
    /// "Back {when}", under an away message.
    pub back_at: &'static str,
    pub image_from: &'static str,
    pub open_image_from: &'static str,
    pub retry: &'static str,
    pub remove: &'static str,
    pub sending: &'static str,
    pub images_to_send: &'static str,
    pub remove_image: &'static str,
    pub uploading: &'static str,
    pub attach_images: &'static str,
    pub message: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub emoji: &'static str,
    pub common_questions: &'static str,
    pub other_questions: &'static str,
    pub still_need_help: &'static str,
    pub away_until: &'static str,
    pub away: &'static str,
    pub too_many_images: &'static str,
    pub not_an_image: &'static str,
    pub image_too_big: &'static str,
    pub upload_failed: &'static str,
    pub chat_switched_off: &'static str,
    pub could_not_send: &'static str,
    /// `{seconds}`: when it goes out again by itself.
    pub too_fast: &'static str,
    pub refused: &'static str,
    pub unreachable: &'static str,
    pub unavailable: &'static str,
    pub typing: &'static str,
    pub end_chat: &'static str,
    pub end_chat_question: &'static str,
    pub end_chat_detail: &'static str,
    pub cancel: &'static str,
    pub past_chats: &'static str,
    pub back_to_chat: &'static str,
    pub back_to_list: &'static str,
    pub ended_on: &'static str,
    pub messages: Plural,
    pub order: &'static str,
    pub items: Plural,
    pub placed_on: &'static str,
}

/// A count's words: `one` and `other` as the language's plural rules pick them
/// (Portuguese says "0 mensagem", English "0 messages").
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

pub const EN: Text = Text {
    tag: "en",
    customer_hub: "Customer Hub",
    support: "Support",
    close: "Close",
    tab_chat: "Chat",
    tab_orders: "Orders",
    loading: "Loading…",
    connecting: "Connecting…",
    conversation: "Conversation",
    chat_off: "Chat is not available right now.",
    chat_ended: "This chat has ended.",
    start_new_chat: "Start a new chat",
    login_prompt: "Log in to your account to chat with our team. We'll keep your conversation with your order history.",
    log_in: "Log in",
    terms_before: "By chatting, you agree to our ",
    terms_of_service: "Terms of Service",
    terms_and: " and ",
    privacy_policy: "Privacy Policy",
    terms_after: ".",
    you: "You",
    automated: "Automated",
    ai_assistant: "AI assistant · Automated",
    from_source: "From: {source}",
    did_that_help: "Did that answer your question?",
    yes: "Yes",
    no: "No",
    thanks_for_feedback: "Thanks for telling us.",
    talk_to_person: "Talk to a person",
    back_at: "Back {when}",
    image_from: "Image from {who}",
    open_image_from: "Open image from {who}",
    retry: "Retry",
    remove: "Remove",
    sending: "Sending…",
    images_to_send: "Images to send",
    remove_image: "Remove image",
    uploading: "Uploading…",
    attach_images: "Attach images",
    message: "Message",
    placeholder: "Type your message…",
    send: "Send",
    emoji: "Emoji",
    common_questions: "Common questions",
    other_questions: "Other questions",
    still_need_help: "I still need help",
    away_until: "We're away right now. We'll be back {when}.",
    away: "We're away right now. We'll reply as soon as we can.",
    too_many_images: "You can send {count} images at a time.",
    not_an_image: "Only PNG, JPEG, GIF and WebP images can be sent.",
    image_too_big: "Images can be at most {count} MB.",
    upload_failed: "The image could not be sent. Try again.",
    chat_switched_off: "Chat is switched off.",
    could_not_send: "Couldn't send.",
    too_fast: "You're sending messages too fast. Trying again in {seconds} s…",
    refused: "This message was not accepted.",
    unreachable: "The chat is unreachable right now.",
    unavailable: "The chat is unavailable right now.",
    typing: "{name} is typing…",
    end_chat: "End chat",
    end_chat_question: "End this chat?",
    end_chat_detail: "The team will see it has ended. You can start a new chat anytime.",
    cancel: "Cancel",
    past_chats: "Past chats",
    back_to_chat: "Back to chat",
    back_to_list: "All past chats",
    ended_on: "Ended {when}",
    messages: Plural {
        one: "{count} message",
        other: "{count} messages",
    },
    order: "Order {number}",
    items: Plural {
        one: "{count} item",
        other: "{count} items",
    },
    placed_on: "Placed {when}",
};

pub const PT_BR: Text = Text {
    tag: "pt-BR",
    customer_hub: "Central do cliente",
    support: "Atendimento",
    close: "Fechar",
    tab_chat: "Chat",
    tab_orders: "Pedidos",
    loading: "Carregando…",
    connecting: "Conectando…",
    conversation: "Conversa",
    chat_off: "O chat não está disponível agora.",
    chat_ended: "Este chat foi encerrado.",
    start_new_chat: "Iniciar um novo chat",
    login_prompt: "Entre na sua conta para falar com nossa equipe. Guardaremos a conversa junto com o seu histórico de pedidos.",
    log_in: "Entrar",
    terms_before: "Ao conversar, você concorda com nossos ",
    terms_of_service: "Termos de Serviço",
    terms_and: " e ",
    privacy_policy: "Política de Privacidade",
    terms_after: ".",
    you: "Você",
    automated: "Automática",
    ai_assistant: "Assistente de IA · Automática",
    from_source: "Fonte: {source}",
    did_that_help: "Isso respondeu à sua pergunta?",
    yes: "Sim",
    no: "Não",
    thanks_for_feedback: "Obrigado por nos contar.",
    talk_to_person: "Falar com uma pessoa",
    back_at: "Voltamos {when}",
    image_from: "Imagem de {who}",
    open_image_from: "Abrir imagem de {who}",
    retry: "Tentar de novo",
    remove: "Remover",
    sending: "Enviando…",
    images_to_send: "Imagens para enviar",
    remove_image: "Remover imagem",
    uploading: "Enviando imagem…",
    attach_images: "Anexar imagens",
    message: "Mensagem",
    placeholder: "Digite sua mensagem…",
    send: "Enviar",
    emoji: "Emoji",
    common_questions: "Perguntas frequentes",
    other_questions: "Outras perguntas",
    still_need_help: "Ainda preciso de ajuda",
    away_until: "Estamos ausentes agora. Voltamos {when}.",
    away: "Estamos ausentes agora. Responderemos assim que possível.",
    too_many_images: "Você pode enviar {count} imagens por vez.",
    not_an_image: "Só é possível enviar imagens PNG, JPEG, GIF e WebP.",
    image_too_big: "As imagens podem ter no máximo {count} MB.",
    upload_failed: "Não foi possível enviar a imagem. Tente de novo.",
    chat_switched_off: "O chat está desligado.",
    could_not_send: "Não foi possível enviar.",
    too_fast: "Você está enviando mensagens rápido demais. Tentando de novo em {seconds} s…",
    refused: "Esta mensagem não foi aceita.",
    unreachable: "O chat está fora do ar no momento.",
    unavailable: "O chat está indisponível no momento.",
    typing: "{name} está digitando…",
    end_chat: "Encerrar chat",
    end_chat_question: "Encerrar este chat?",
    end_chat_detail: "A equipe verá que ele foi encerrado. Você pode iniciar um novo chat quando quiser.",
    cancel: "Cancelar",
    past_chats: "Chats anteriores",
    back_to_chat: "Voltar ao chat",
    back_to_list: "Todos os chats anteriores",
    ended_on: "Encerrado {when}",
    messages: Plural {
        one: "{count} mensagem",
        other: "{count} mensagens",
    },
    order: "Pedido {number}",
    items: Plural {
        one: "{count} item",
        other: "{count} itens",
    },
    placed_on: "Feito {when}",
};

/// The drawer's language for a BCP 47 tag: Portuguese for any `pt`, else English.
pub fn text_for(locale: &str) -> &'static Text {
    let language = locale.split(['-', '_']).next().unwrap_or_default();
    if language.eq_ignore_ascii_case("pt") {
        &PT_BR
    } else {
        &EN
    }
}

/// `template` with `{key}` replaced by `value`.
pub fn fill(template: &str, key: &str, value: &str) -> String {
    template.replace(&format!("{{{key}}}"), value)
}

impl Text {
    /// "3 messages": the plural form this language's rules pick for `count`.
    pub fn count(&self, plural: &Plural, count: i64) -> String {
        let form = if self.is_one(count) {
            plural.one
        } else {
            plural.other
        };
        fill(form, "count", &count.to_string())
    }

    /// Whether `count` takes the "one" form, by the browser's `Intl.PluralRules`
    /// (given our own tag, which it always accepts).
    fn is_one(&self, count: i64) -> bool {
        let locales = js_sys::Array::of1(&JsValue::from_str(self.tag));
        let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
        rules.select(count as f64) == "one"
    }
}

/// `at` (epoch ms) as the browser writes it for `locale`, in the shopper's zone, with
/// `Intl.DateTimeFormat` options such as `("hour", "numeric")`.
pub fn format_time(at: i64, locale: &str, fields: &[(&str, &str)]) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    let options = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    // Called through `Function::call2`, which catches: `toLocaleString` throws on a
    // malformed tag (the page's `lang` is not ours to trust), and js-sys's binding doesn't.
    let Some(format) = js_sys::Reflect::get(&date, &JsValue::from_str("toLocaleString"))
        .ok()
        .and_then(|format| format.dyn_into::<js_sys::Function>().ok())
    else {
        return String::new();
    };
    format
        .call2(&date, &JsValue::from_str(locale), &options)
        .or_else(|_| format.call2(&date, &JsValue::UNDEFINED, &options))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// `minor` units of `currency` as the browser writes money for `locale` ("R$ 84,00");
/// our own plain form when the browser refuses the currency or the tag.
pub fn format_money(minor: i64, currency: &str, locale: &str) -> String {
    let exponent = protocol::hub::currency_exponent(currency);
    let amount = minor as f64 / 10_f64.powi(exponent as i32);
    let options = js_sys::Object::new();
    for (key, value) in [("style", "currency"), ("currency", currency)] {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    let number = JsValue::from_f64(amount);
    // `Number.prototype.toLocaleString`, called on the amount.
    let key = |name: &str| JsValue::from_str(name);
    js_sys::Reflect::get(&js_sys::global(), &key("Number"))
        .and_then(|number| js_sys::Reflect::get(&number, &key("prototype")))
        .and_then(|prototype| js_sys::Reflect::get(&prototype, &key("toLocaleString")))
        .ok()
        .and_then(|format| format.dyn_into::<js_sys::Function>().ok())
        .and_then(|format| {
            format
                .call2(&number, &JsValue::from_str(locale), &options)
                .ok()
        })
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| protocol::profile::format_money(minor, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_tag_picks_the_language() {
        assert_eq!(text_for("pt-BR").tag, "pt-BR");
        assert_eq!(text_for("pt").tag, "pt-BR");
        assert_eq!(text_for("PT_br").tag, "pt-BR");
        assert_eq!(text_for("en-GB").tag, "en");
        assert_eq!(text_for("fr").tag, "en");
        assert_eq!(text_for("").tag, "en");
    }

    #[test]
    fn holes_are_filled() {
        assert_eq!(fill(EN.typing, "name", "Olga"), "Olga is typing…");
        assert_eq!(fill(PT_BR.order, "number", "#1001"), "Pedido #1001");
    }
}
