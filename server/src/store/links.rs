//! Linking profiles an agent decided are the same person (or dismissing the suggestion).
//! Suggestions come from a shared email or phone, which proves nothing by itself, so
//! nothing links without an agent. Linked profiles stay separate rows: the sidebar shows
//! the union of their tickets and history, and each shopper still reaches only their own
//! conversations. Undo deletes the decision.

use protocol::profile::{OtherProfile, ProfileSuggestion};

use super::{Store, StoreError};
use crate::ids::now_ms;

/// A profile's id and those it is linked to, as SQL for `customer_id IN (...)`, where
/// `param` (`"$1"`) is the profile's id.
pub(super) fn group_of(param: &str) -> String {
    format!(
        "SELECT {param} UNION SELECT other_id FROM profile_links
         WHERE customer_id = {param} AND verdict = 'linked'"
    )
}

/// What an agent decided about two profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    SamePerson,
    NotTheSame,
}

type OtherRow = (String, String, String, Option<String>);

fn other((id, name, email, phone): OtherRow) -> OtherProfile {
    OtherProfile {
        id,
        name,
        email,
        phone,
    }
}

impl Store {
    /// The profiles linked to `customer_id`.
    pub async fn linked_profiles(
        &self,
        customer_id: &str,
    ) -> Result<Vec<OtherProfile>, StoreError> {
        let rows: Vec<OtherRow> = sqlx::query_as(
            "SELECT c.id, c.name, c.email, c.phone FROM profile_links l
             JOIN customers c ON c.id = l.other_id
             WHERE l.customer_id = $1 AND l.verdict = 'linked' ORDER BY c.name, c.id",
        )
        .bind(customer_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(other).collect())
    }

    /// Profiles sharing this one's email or phone that no agent has decided about.
    pub async fn profile_suggestions(
        &self,
        customer_id: &str,
    ) -> Result<Vec<ProfileSuggestion>, StoreError> {
        let rows: Vec<(String, String, String, Option<String>, String)> =
            sqlx::query_as(
                "SELECT o.id, o.name, o.email, o.phone, me.email
                 FROM customers me
                 JOIN customers o ON o.id <> me.id AND (
                     (me.email <> '' AND lower(o.email) = lower(me.email))
                     OR (me.phone IS NOT NULL AND o.phone = me.phone))
                 WHERE me.id = $1 AND NOT EXISTS (
                     SELECT 1 FROM profile_links l WHERE l.customer_id = me.id AND l.other_id = o.id)
                 ORDER BY o.created_at LIMIT 5",
            )
            .bind(customer_id)
            .fetch_all(&self.reader)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, email, phone, my_email)| {
                let matched_on = if !my_email.is_empty() && my_email.eq_ignore_ascii_case(&email) {
                    "email"
                } else {
                    "phone"
                };
                ProfileSuggestion {
                    profile: other((id, name, email, phone)),
                    matched_on: matched_on.to_owned(),
                }
            })
            .collect())
    }

    /// Records an agent's decision about two profiles (both ways); `false` when either
    /// profile does not exist or they are the same one.
    pub async fn decide_profiles(
        &self,
        customer_id: &str,
        other_id: &str,
        verdict: Verdict,
        decided_by: &str,
    ) -> Result<bool, StoreError> {
        if customer_id == other_id {
            return Ok(false);
        }
        let (found,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM customers WHERE id = $1 OR id = $2")
                .bind(customer_id)
                .bind(other_id)
                .fetch_one(&self.reader)
                .await?;
        if found != 2 {
            return Ok(false);
        }
        let verdict = match verdict {
            Verdict::SamePerson => "linked",
            Verdict::NotTheSame => "dismissed",
        };
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        for (from, to) in [(customer_id, other_id), (other_id, customer_id)] {
            sqlx::query(
                "INSERT INTO profile_links (customer_id, other_id, verdict, decided_by, decided_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (customer_id, other_id) DO UPDATE
                   SET verdict = excluded.verdict, decided_by = excluded.decided_by,
                       decided_at = excluded.decided_at",
            )
            .bind(from)
            .bind(to)
            .bind(verdict)
            .bind(decided_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Undoes a decision (a link, or a dismissal): the suggestion may show again.
    pub async fn undo_profile_decision(
        &self,
        customer_id: &str,
        other_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM profile_links
             WHERE (customer_id = $1 AND other_id = $2) OR (customer_id = $2 AND other_id = $1)",
        )
        .bind(customer_id)
        .bind(other_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
