//! What an uploaded file really is: its type is read from its first bytes (never from
//! the name or the declared type), and its pixel size from its header, so a file that
//! only claims to be an image, or one too large to show, is refused before it is stored.

use protocol::attachments::{MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};

/// The image formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("The file is empty.")]
    Empty,
    #[error("Images can be at most {} MB.", MAX_IMAGE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("Only PNG, JPEG, GIF and WebP images can be sent.")]
    NotAnImage,
    #[error("The image file is damaged or incomplete.")]
    Damaged,
    #[error("Images can be at most {MAX_IMAGE_SIDE} pixels wide or tall.")]
    TooManyPixels,
}

/// Checks `bytes` is an accepted image of an acceptable size.
pub fn inspect(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageError::TooLarge);
    }
    let (kind, width, height) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The IHDR chunk comes first: length, "IHDR", width, height (big-endian).
        if bytes.get(12..16) != Some(b"IHDR") {
            return Err(ImageError::Damaged);
        }
        (ImageKind::Png, be32(bytes, 16)?, be32(bytes, 20)?)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        (
            ImageKind::Gif,
            u32::from(le16(bytes, 6)?),
            u32::from(le16(bytes, 8)?),
        )
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let (width, height) = jpeg_size(bytes)?;
        (ImageKind::Jpeg, width, height)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let (width, height) = webp_size(bytes)?;
        (ImageKind::Webp, width, height)
    } else {
        return Err(ImageError::NotAnImage);
    };
    if width == 0 || height == 0 {
        return Err(ImageError::Damaged);
    }
    if width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
    {
        return Err(ImageError::TooManyPixels);
    }
    Ok(ImageInfo {
        kind,
        width,
        height,
    })
}

fn be16(bytes: &[u8], at: usize) -> Result<u16, ImageError> {
    let b = bytes.get(at..at + 2).ok_or(ImageError::Damaged)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

fn be32(bytes: &[u8], at: usize) -> Result<u32, ImageError> {
    let b = bytes.get(at..at + 4).ok_or(ImageError::Damaged)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le16(bytes: &[u8], at: usize) -> Result<u16, ImageError> {
    let b = bytes.get(at..at + 2).ok_or(ImageError::Damaged)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn le24(bytes: &[u8], at: usize) -> Result<u32, ImageError> {
    let b = bytes.get(at..at + 3).ok_or(ImageError::Damaged)?;
    Ok(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// Walks the JPEG markers to the first start-of-frame, which holds the size.
fn jpeg_size(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return Err(ImageError::Damaged);
        }
        let marker = *bytes.get(at + 1).ok_or(ImageError::Damaged)?;
        // Start-of-frame markers (not DHT C4, JPG C8, DAC CC).
        let start_of_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if start_of_frame {
            let height = be16(bytes, at + 5)?;
            let width = be16(bytes, at + 7)?;
            return Ok((u32::from(width), u32::from(height)));
        }
        if marker == 0xD9 || marker == 0xDA {
            // End of image, or image data, before any frame header.
            return Err(ImageError::Damaged);
        }
        let length = usize::from(be16(bytes, at + 2)?);
        if length < 2 {
            return Err(ImageError::Damaged);
        }
        at += 2 + length;
    }
}

/// The canvas size from a WebP's first chunk (lossy, lossless or extended).
fn webp_size(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    match bytes.get(12..16).ok_or(ImageError::Damaged)? {
        b"VP8 " => {
            // Frame header: 3 bytes tag, start code 9D 01 2A, then 14-bit sizes.
            if bytes.get(23..26) != Some(&[0x9D, 0x01, 0x2A]) {
                return Err(ImageError::Damaged);
            }
            Ok((
                u32::from(le16(bytes, 26)? & 0x3FFF),
                u32::from(le16(bytes, 28)? & 0x3FFF),
            ))
        }
        b"VP8L" => {
            if bytes.get(20) != Some(&0x2F) {
                return Err(ImageError::Damaged);
            }
            let b = bytes.get(21..25).ok_or(ImageError::Damaged)?;
            let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Ok((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => Err(ImageError::Damaged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1x1 PNG (the smallest valid one, byte for byte).
    pub const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = TINY_PNG.to_vec();
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        bytes
    }

    #[test]
    fn formats_are_read_from_their_headers() {
        assert_eq!(
            inspect(TINY_PNG),
            Ok(ImageInfo {
                kind: ImageKind::Png,
                width: 1,
                height: 1
            })
        );
        let gif = b"GIF89a\x40\x01\xF0\x00\x80\x00\x00";
        assert_eq!(
            inspect(gif),
            Ok(ImageInfo {
                kind: ImageKind::Gif,
                width: 320,
                height: 240
            })
        );
        // SOI, an APP0 segment of 16 bytes, then SOF0 with height 480 and width 640.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend_from_slice(&[0; 14]);
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03]);
        assert_eq!(
            inspect(&jpeg),
            Ok(ImageInfo {
                kind: ImageKind::Jpeg,
                width: 640,
                height: 480
            })
        );
        let mut webp = b"RIFF\x00\x00\x00\x00WEBPVP8X\x0A\x00\x00\x00\x00\x00\x00\x00".to_vec();
        webp.extend_from_slice(&[0x1F, 0x03, 0x00, 0x57, 0x02, 0x00]);
        assert_eq!(
            inspect(&webp),
            Ok(ImageInfo {
                kind: ImageKind::Webp,
                width: 800,
                height: 600
            })
        );
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        assert_eq!(inspect(b""), Err(ImageError::Empty));
        assert_eq!(
            inspect(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(ImageError::NotAnImage)
        );
        assert_eq!(inspect(b"%PDF-1.7"), Err(ImageError::NotAnImage));
        assert_eq!(inspect(&TINY_PNG[..14]), Err(ImageError::Damaged));
        assert_eq!(
            inspect(&png(MAX_IMAGE_SIDE + 1, 10)),
            Err(ImageError::TooManyPixels)
        );
        assert_eq!(inspect(&png(0, 10)), Err(ImageError::Damaged));
        let mut huge = png(10, 10);
        huge.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(inspect(&huge), Err(ImageError::TooLarge));
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF, 0xD9]), Err(ImageError::Damaged));
    }
}
