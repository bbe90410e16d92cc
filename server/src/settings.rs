//! The shop's settings as this node serves them: loaded once, kept in memory (the
//! message path and CORS checks read them on every request), and reloaded whenever a
//! merchant saves a change, on this node directly and on the others by notice (see
//! `fanout`). Also what the settings mean for a shopper: the widget's view of them.

use std::sync::{Arc, RwLock};

use protocol::settings::{Availability, LauncherSettings, PublicFaq, WidgetSettings};

use crate::{
    hours::Schedule,
    ids::now_ms,
    state::origin_listed,
    store::{ShopRecord, Store, StoreError},
};

/// One consistent reading of the settings.
#[derive(Debug)]
pub struct Loaded {
    pub shop: ShopRecord,
    /// The business hours, ready to answer "open now?" and "back when?".
    pub schedule: Schedule,
    pub faqs: Vec<PublicFaq>,
}

impl Loaded {
    pub fn availability(&self, now: i64) -> Availability {
        let open_now = self.schedule.is_open(now);
        Availability {
            open_now,
            next_open_at: if open_now {
                None
            } else {
                self.schedule.next_open(now)
            },
        }
    }

    pub fn widget_settings(&self, now: i64) -> WidgetSettings {
        let general = &self.shop.general;
        let link = |url: &str| (!url.is_empty()).then(|| url.to_owned());
        WidgetSettings {
            version: self.shop.version,
            chat_enabled: self.shop.web_chat.enabled,
            login_status: self.shop.web_chat.login_status,
            store_name: general.store_name.clone(),
            welcome_message: self.shop.web_chat.welcome_message.clone(),
            brand_color: general.brand_color.clone(),
            launcher_position: general.launcher_position,
            privacy_policy_url: link(&general.privacy_policy_url),
            terms_of_service_url: link(&general.terms_of_service_url),
            faqs: self.faqs.clone(),
            availability: self.availability(now),
            ai_agent: self.shop.ai_agent.enabled,
        }
    }

    pub fn launcher(&self) -> LauncherSettings {
        LauncherSettings {
            chat_enabled: self.shop.web_chat.enabled,
            login_status: self.shop.web_chat.login_status,
            brand_color: self.shop.general.brand_color.clone(),
            launcher_position: self.shop.general.launcher_position,
        }
    }

    /// Whether a merchant listed `origin` as one of their storefronts.
    pub fn lists_origin(&self, origin: &str) -> bool {
        origin_listed(&self.shop.general.allowed_origins, origin)
    }
}

#[derive(Clone)]
pub struct Settings {
    current: Arc<RwLock<Arc<Loaded>>>,
    store: Store,
}

async fn read(store: &Store) -> Result<Loaded, StoreError> {
    let shop = store.shop().await?;
    let faqs = store.published_faqs().await?;
    let schedule = match Schedule::parse(&shop.hours) {
        Ok((schedule, _)) => schedule,
        Err(errors) => {
            // Saved hours were validated; this only happens if the zone database changed.
            tracing::error!(
                ?errors,
                "stored business hours are invalid; treating the team as always available"
            );
            Schedule::always_open()
        }
    };
    Ok(Loaded {
        shop,
        schedule,
        faqs,
    })
}

impl Settings {
    pub async fn load(store: Store) -> Result<Self, StoreError> {
        let loaded = read(&store).await?;
        Ok(Settings {
            current: Arc::new(RwLock::new(Arc::new(loaded))),
            store,
        })
    }

    /// The settings as last loaded (cheap: an `Arc` clone under a read lock).
    pub fn current(&self) -> Arc<Loaded> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Reads the settings again from the database.
    pub async fn reload(&self) -> Result<Arc<Loaded>, StoreError> {
        let loaded = Arc::new(read(&self.store).await?);
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Two reloads may race; keep the newer reading.
        if loaded.shop.version >= guard.shop.version {
            *guard = Arc::clone(&loaded);
        }
        Ok(Arc::clone(&guard))
    }

    pub fn now_widget_settings(&self) -> WidgetSettings {
        self.current().widget_settings(now_ms())
    }
}
