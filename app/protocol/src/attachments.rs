//! Images in messages: what a message carries about each, and the limits both sides
//! check (the browser before uploading, the server on arrival).

use serde::{Deserialize, Serialize};

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Widest or tallest image accepted, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 10_000;
/// Most pixels in one image (decoding cost on the reader's device).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// Images per message.
pub const MAX_ATTACHMENTS: usize = 4;
/// The types accepted (read from the file's bytes on the server).
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// An uploaded image, as messages carry it. Served at `/files/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub id: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
}

impl Attachment {
    /// Where the image is served, relative to the chat server.
    pub fn path(&self) -> String {
        format!("/files/{}", self.id)
    }
}

/// Why the browser will not upload a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageProblem {
    NotAnImage,
    TooLarge,
}

impl ImageProblem {
    /// The problem in English (the widget words it in the shopper's language).
    pub fn message(self) -> String {
        match self {
            ImageProblem::NotAnImage => "Only PNG, JPEG, GIF and WebP images can be sent.".into(),
            ImageProblem::TooLarge => format!(
                "Images can be at most {} MB.",
                MAX_IMAGE_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// Checks a file before uploading it (the server checks again).
pub fn precheck(content_type: &str, size: u64) -> Result<(), ImageProblem> {
    if !IMAGE_TYPES.contains(&content_type) {
        return Err(ImageProblem::NotAnImage);
    }
    if size > MAX_IMAGE_BYTES as u64 {
        return Err(ImageProblem::TooLarge);
    }
    Ok(())
}
