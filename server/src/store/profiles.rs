//! Shopper profiles (`customers`' summary columns) and their timeline
//! (`profile_events`). Every event enters through [`Store::record_profile_event`]:
//! idempotent by the sender's unique id, and for orders the summary (orders count,
//! total spent, last order number) changes in the same transaction.

use protocol::{
    profile::{
        format_money, CustomerProfile, EventCursor, ProfileEvent, ProfileEventsPage, EVENTS_PAGE,
    },
    TicketSummary,
};

use super::{
    links::group_of,
    summaries::{SummaryRow, SUMMARY_SELECT},
    Store, StoreError,
};
use crate::ids::{new_id, now_ms};

/// An event to record for a profile.
#[derive(Debug, Clone)]
pub struct NewProfileEvent {
    pub metric: String,
    pub summary: String,
    /// The event's own fields.
    pub properties: serde_json::Value,
    pub occurred_at: i64,
    pub source: String,
    /// The sender's id for this event; recording it again changes nothing.
    pub unique_id: Option<String>,
    /// A placed order: counted in the profile's summary.
    pub order: Option<PlacedOrder>,
}

/// What a placed order adds to the profile summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    /// As the store shows it ("#1001").
    pub number: String,
    pub total_minor: i64,
    pub currency: String,
}

impl NewProfileEvent {
    /// A "Placed Order" event: "Placed order #1001, 2 items, $84.00".
    pub fn placed_order(order: PlacedOrder, items: i64, occurred_at: i64, source: &str) -> Self {
        let summary = format!(
            "Placed order {}, {} {}, {}",
            order.number,
            items,
            if items == 1 { "item" } else { "items" },
            format_money(order.total_minor, &order.currency)
        );
        NewProfileEvent {
            metric: "Placed Order".to_owned(),
            summary,
            properties: serde_json::json!({
                "order_number": order.number,
                "items": items,
                "total_minor": order.total_minor,
                "currency": order.currency,
            }),
            occurred_at,
            source: source.to_owned(),
            unique_id: None,
            order: Some(order),
        }
    }
}

/// Profile details the store knows beyond name and email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDetails {
    pub phone: Option<String>,
    pub location: Option<String>,
    pub customer_since: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: String,
    name: String,
    email: String,
    phone: Option<String>,
    location: Option<String>,
    customer_since: i64,
    orders_count: i64,
    total_spent_minor: i64,
    currency: String,
    last_order_number: Option<String>,
    sms_opted_out_at: Option<i64>,
}

impl From<ProfileRow> for CustomerProfile {
    fn from(row: ProfileRow) -> Self {
        CustomerProfile {
            id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            location: row.location,
            customer_since: row.customer_since,
            orders_count: row.orders_count,
            total_spent_minor: row.total_spent_minor,
            currency: row.currency,
            last_order_number: row.last_order_number,
            sms_opted_out_at: row.sms_opted_out_at,
        }
    }
}

impl Store {
    /// A shopper's profile summary.
    pub async fn customer_profile(
        &self,
        customer_id: &str,
    ) -> Result<Option<CustomerProfile>, StoreError> {
        let row: Option<ProfileRow> = sqlx::query_as(
            "SELECT id, name, email, phone, location,
                COALESCE(customer_since, created_at) AS customer_since, orders_count,
                total_spent_minor, currency, last_order_number, sms_opted_out_at
             FROM customers WHERE id = $1",
        )
        .bind(customer_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(CustomerProfile::from))
    }

    /// Sets the details the store knows (each `None` leaves the stored value).
    pub async fn update_profile_details(
        &self,
        customer_id: &str,
        details: &ProfileDetails,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE customers SET phone = COALESCE($1, phone), location = COALESCE($2, location),
                customer_since = COALESCE($3, customer_since), updated_at = $4
             WHERE id = $5",
        )
        .bind(details.phone.as_deref())
        .bind(details.location.as_deref())
        .bind(details.customer_since)
        .bind(now_ms())
        .bind(customer_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Records an event on the shopper's timeline; `false` when its unique id was
    /// already recorded (nothing changed).
    pub async fn record_profile_event(
        &self,
        customer_id: &str,
        event: &NewProfileEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        if let Some(unique_id) = &event.unique_id {
            let seen: Option<(String,)> =
                sqlx::query_as("SELECT id FROM profile_events WHERE unique_id = $1")
                    .bind(unique_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if seen.is_some() {
                return Ok(false);
            }
        }
        sqlx::query(
            "INSERT INTO profile_events (id, customer_id, metric, summary, properties,
                occurred_at, source, unique_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(customer_id)
        .bind(&event.metric)
        .bind(&event.summary)
        .bind(event.properties.to_string())
        .bind(event.occurred_at)
        .bind(&event.source)
        .bind(event.unique_id.as_deref())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if let Some(order) = &event.order {
            // The latest order by time names the last order number, whatever the
            // order events arrive in.
            sqlx::query(
                "UPDATE customers SET orders_count = orders_count + 1,
                    total_spent_minor = total_spent_minor + $1, currency = $2,
                    last_order_number = CASE
                        WHEN NOT EXISTS (SELECT 1 FROM profile_events
                            WHERE customer_id = $4 AND metric = 'Placed Order' AND occurred_at > $5)
                        THEN $3 ELSE last_order_number END
                 WHERE id = $4",
            )
            .bind(order.total_minor)
            .bind(&order.currency)
            .bind(&order.number)
            .bind(customer_id)
            .bind(event.occurred_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A page of the shopper's timeline, newest first.
    pub async fn profile_events(
        &self,
        customer_id: &str,
        after: Option<&EventCursor>,
    ) -> Result<ProfileEventsPage, StoreError> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT id, metric, summary, occurred_at FROM profile_events
             WHERE customer_id IN ({group})
               AND ($2 = 0 OR occurred_at < $3 OR (occurred_at = $3 AND id < $4))
             ORDER BY occurred_at DESC, id DESC LIMIT $5",
            group = group_of("$1")
        ))
        .bind(customer_id)
        .bind(i64::from(after.is_some()))
        .bind(after.map_or(0, |cursor| cursor.occurred_at))
        .bind(after.map_or("", |cursor| cursor.id.as_str()))
        .bind(EVENTS_PAGE as i64 + 1)
        .fetch_all(&self.reader)
        .await?;
        let mut events: Vec<ProfileEvent> = rows
            .into_iter()
            .map(|(id, metric, summary, occurred_at)| ProfileEvent {
                id,
                metric,
                summary,
                occurred_at,
            })
            .collect();
        let next = if events.len() > EVENTS_PAGE {
            events.truncate(EVENTS_PAGE);
            events.last().map(|last| EventCursor {
                occurred_at: last.occurred_at,
                id: last.id.clone(),
            })
        } else {
            None
        };
        Ok(ProfileEventsPage { events, next })
    }

    /// The shopper's tickets that are not closed, except `except`, newest first.
    pub async fn other_live_tickets(
        &self,
        customer_id: &str,
        except: &str,
        agent_id: &str,
    ) -> Result<Vec<TicketSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "{SUMMARY_SELECT} WHERE c.customer_id IN ({group}) AND c.id <> $3
               AND c.status <> 'closed'
             ORDER BY c.last_activity_at DESC LIMIT 10",
            group = group_of("$2")
        ))
        .bind(agent_id)
        .bind(customer_id)
        .bind(except)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(TicketSummary::try_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    fn order(number: &str, total_minor: i64, at: i64) -> NewProfileEvent {
        let order = PlacedOrder {
            number: number.into(),
            total_minor,
            currency: "USD".into(),
        };
        NewProfileEvent {
            unique_id: Some(format!("order-{number}")),
            ..NewProfileEvent::placed_order(order, 2, at, "test")
        }
    }

    #[tokio::test]
    async fn orders_update_the_summary_once_each_whatever_their_order_of_arrival() {
        let (store, _dir) = temp_store().await;
        let ana = store
            .upsert_customer("7001", "Ana Souza", "ana@example.com")
            .await
            .expect("ana");
        assert!(store
            .record_profile_event(&ana.id, &order("#1002", 5_000, 2_000))
            .await
            .expect("2"));
        assert!(store
            .record_profile_event(&ana.id, &order("#1001", 3_400, 1_000))
            .await
            .expect("1"));
        assert!(!store
            .record_profile_event(&ana.id, &order("#1002", 5_000, 2_000))
            .await
            .expect("again"));
        let profile = store
            .customer_profile(&ana.id)
            .await
            .expect("query")
            .expect("profile");
        assert_eq!(profile.orders_count, 2);
        assert_eq!(profile.total_spent_minor, 8_400);
        assert_eq!(profile.last_order_number.as_deref(), Some("#1002"));
        let page = store.profile_events(&ana.id, None).await.expect("events");
        assert_eq!(
            page.events[0].summary,
            "Placed order #1002, 2 items, $50.00"
        );
        assert_eq!(page.events.len(), 2);
        assert!(page.next.is_none());
    }

    #[tokio::test]
    async fn timelines_page_newest_first_without_gaps() {
        let (store, _dir) = temp_store().await;
        let ana = store.upsert_customer("7001", "Ana", "").await.expect("ana");
        for index in 0..(EVENTS_PAGE as i64 + 3) {
            let event = NewProfileEvent {
                metric: "Received Email".into(),
                summary: format!("Received email {index}"),
                properties: serde_json::json!({}),
                // Two events share each time: the id breaks the tie.
                occurred_at: index / 2,
                source: "test".into(),
                unique_id: None,
                order: None,
            };
            store
                .record_profile_event(&ana.id, &event)
                .await
                .expect("recorded");
        }
        let first = store.profile_events(&ana.id, None).await.expect("first");
        assert_eq!(first.events.len(), EVENTS_PAGE);
        let second = store
            .profile_events(&ana.id, first.next.as_ref())
            .await
            .expect("second");
        assert_eq!(second.events.len(), 3);
        let mut all: Vec<String> = first
            .events
            .iter()
            .chain(&second.events)
            .map(|e| e.id.clone())
            .collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), EVENTS_PAGE + 3);
    }
}

/// Who an incoming event is about, by the identifiers its sender knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileIdentifiers {
    /// The store's customer id (strongest: the same one the theme and Shopify use).
    pub customer_id: Option<String>,
    /// Lowercased.
    pub email: Option<String>,
    /// Digits with an optional leading `+`.
    pub phone: Option<String>,
    pub name: Option<String>,
}

/// Why identifiers name no single profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileLookupError {
    #[error("several profiles have this email or phone; send the customer_id")]
    Ambiguous,
    #[error("the profile needs a customer_id, an email or a phone")]
    NoIdentifier,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ProfileLookupError {
    fn from(error: sqlx::Error) -> Self {
        ProfileLookupError::Store(error.into())
    }
}

impl Store {
    /// The profile `ids` name, created when there is none: by customer id first, else by
    /// the one profile with that email, else with that phone. Matching is exact, never
    /// fuzzy; an email or phone several profiles share is refused, not guessed.
    pub async fn profile_for(
        &self,
        ids: &ProfileIdentifiers,
    ) -> Result<String, ProfileLookupError> {
        let (external_id, existing) = if let Some(customer_id) = &ids.customer_id {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM customers WHERE external_id = $1")
                    .bind(customer_id)
                    .fetch_optional(&self.reader)
                    .await?;
            (customer_id.clone(), found.map(|(id,)| id))
        } else {
            let (column, value, prefix) = match (&ids.email, &ids.phone) {
                (Some(email), _) => ("lower(email)", email, "email:"),
                (None, Some(phone)) => ("phone", phone, "phone:"),
                (None, None) => return Err(ProfileLookupError::NoIdentifier),
            };
            let found: Vec<(String,)> = sqlx::query_as(&format!(
                "SELECT id FROM customers WHERE {column} = $1 ORDER BY created_at LIMIT 2"
            ))
            .bind(value)
            .fetch_all(&self.reader)
            .await?;
            if found.len() > 1 {
                return Err(ProfileLookupError::Ambiguous);
            }
            (
                format!("{prefix}{value}"),
                found.into_iter().next().map(|(id,)| id),
            )
        };
        let now = now_ms();
        let id = match existing {
            Some(id) => id,
            None => {
                let email = ids.email.clone().unwrap_or_default();
                let name = ids
                    .name
                    .clone()
                    .unwrap_or_else(|| super::fallback_name(&email));
                self.keyed_profile(&external_id, &name, &email, ids.phone.as_deref())
                    .await?
            }
        };
        // What the profile lacks, the sender may fill; nothing it has is overwritten.
        sqlx::query(
            "UPDATE customers SET
                email = CASE WHEN email = '' AND $1 IS NOT NULL THEN $1 ELSE email END,
                phone = COALESCE(phone, $2),
                updated_at = $3
             WHERE id = $4",
        )
        .bind(ids.email.as_deref())
        .bind(ids.phone.as_deref())
        .bind(now)
        .bind(&id)
        .execute(&self.writer)
        .await?;
        Ok(id)
    }
}
