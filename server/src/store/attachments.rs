//! The `attachments` table: uploaded images, then the message they were sent with.
//! An upload belongs to its uploader until sent; sending links it to one message, in
//! the message's own transaction, so an image is sent once, by its owner, or not at all.

use protocol::attachments::{Attachment, MAX_ATTACHMENTS};
use sqlx::AnyConnection;

use super::{Store, StoreError};
use crate::{
    ids::{new_id, now_ms},
    images::ImageInfo,
};

/// Why images cannot go with a message.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// An image is not the sender's, is unknown, is named twice or was already sent.
    #[error("that image cannot be sent (upload it again)")]
    Refused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ClaimError {
    fn from(error: sqlx::Error) -> Self {
        ClaimError::Store(error.into())
    }
}

/// The images `ids` as the message will carry them, checked: known, the sender's,
/// not sent yet, and few enough.
pub(super) async fn claim_in(
    connection: &mut AnyConnection,
    ids: &[String],
    owner_key: &str,
) -> Result<Vec<Attachment>, ClaimError> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(ClaimError::Refused);
    }
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, content_type, width, height, size FROM attachments
             WHERE id = $1 AND owner_key = $2 AND message_id IS NULL",
        )
        .bind(id)
        .bind(owner_key)
        .fetch_optional(&mut *connection)
        .await?;
        let (id, content_type, width, height, size) = row.ok_or(ClaimError::Refused)?;
        if claimed.iter().any(|held: &Attachment| held.id == id) {
            return Err(ClaimError::Refused);
        }
        claimed.push(Attachment {
            id,
            content_type,
            width: u32::try_from(width).unwrap_or(0),
            height: u32::try_from(height).unwrap_or(0),
            size: u64::try_from(size).unwrap_or(0),
        });
    }
    Ok(claimed)
}

/// Links the claimed images to the stored message. A concurrent send of the same image
/// finds it taken here and fails (its transaction rolls back).
pub(super) async fn link_in(
    connection: &mut AnyConnection,
    ids: &[String],
    message_id: &str,
) -> Result<(), ClaimError> {
    for id in ids {
        let linked = sqlx::query(
            "UPDATE attachments SET message_id = $1 WHERE id = $2 AND message_id IS NULL",
        )
        .bind(message_id)
        .bind(id)
        .execute(&mut *connection)
        .await?
        .rows_affected();
        if linked != 1 {
            return Err(ClaimError::Refused);
        }
    }
    Ok(())
}

impl Store {
    /// Stores an uploaded image (already inspected) for `owner_key` to send.
    pub async fn store_upload(
        &self,
        owner_key: &str,
        info: &ImageInfo,
        bytes: &[u8],
    ) -> Result<Attachment, StoreError> {
        let attachment = Attachment {
            id: new_id(),
            content_type: info.kind.content_type().to_owned(),
            width: info.width,
            height: info.height,
            size: bytes.len() as u64,
        };
        sqlx::query(
            "INSERT INTO attachments (id, owner_key, content_type, width, height, size, data,
                created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&attachment.id)
        .bind(owner_key)
        .bind(&attachment.content_type)
        .bind(i64::from(attachment.width))
        .bind(i64::from(attachment.height))
        .bind(bytes.len() as i64)
        .bind(bytes.to_vec())
        .bind(now_ms())
        .execute(&self.writer)
        .await?;
        Ok(attachment)
    }

    /// An image's type and bytes, to serve.
    pub async fn attachment_file(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT content_type, data FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.reader)
                .await?,
        )
    }
}
