//! Attachment files: type sniffing and limits, storage under the data directory, and the
//! signed download URLs that only the conversation's visitor and agents receive.

use crate::domain::id::WorkspaceId;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;

/// Largest accepted file.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// How long a download URL works (rounded up to the hour so URLs stay cacheable).
const URL_LIFETIME_SECS: i64 = 24 * 3600;

/// Content types accepted, decided from the bytes, never from the uploader's claim.
const ALLOWED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/plain",
];

/// The content type of `data` if it is one we accept.
pub fn sniff(data: &[u8]) -> Result<&'static str, Error> {
    if data.is_empty() {
        return Err(Error::invalid("data", "the file is empty"));
    }
    if data.len() > MAX_BYTES {
        return Err(Error::invalid("data", format!("the file is larger than {} MiB", MAX_BYTES / 1024 / 1024)));
    }
    let detected = match infer::get(data) {
        Some(kind) => kind.mime_type(),
        // Plain text has no magic number: accept valid UTF-8 without NUL bytes.
        None if std::str::from_utf8(data).is_ok() && !data.contains(&0) => "text/plain",
        None => "application/octet-stream",
    };
    ALLOWED.iter().copied().find(|allowed| *allowed == detected).ok_or_else(|| {
        Error::invalid(
            "data",
            format!("files of type {detected} are not allowed; send images, PDF, Office documents, ZIP or plain text"),
        )
    })
}

/// A file name safe to store and show: no path, no control characters, at most 200 chars.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "file".to_owned() } else { cleaned }
}

/// Where an attachment's bytes live.
pub fn path(data_dir: &Path, workspace_id: &WorkspaceId, attachment_id: &str) -> PathBuf {
    data_dir.join("attachments").join(workspace_id.as_str()).join(attachment_id)
}

/// Writes the bytes (to a temporary name first, so a crash never leaves half a file).
pub async fn save(data_dir: &Path, workspace_id: &WorkspaceId, attachment_id: &str, data: &[u8]) -> Result<(), Error> {
    let final_path = path(data_dir, workspace_id, attachment_id);
    let dir = final_path.parent().ok_or_else(|| Error::internal("attachment path has no parent"))?;
    tokio::fs::create_dir_all(dir).await.map_err(Error::internal)?;
    let partial = final_path.with_extension("partial");
    tokio::fs::write(&partial, data).await.map_err(Error::internal)?;
    tokio::fs::rename(&partial, &final_path).await.map_err(Error::internal)?;
    Ok(())
}

/// Deletes the files of attachment records already deleted from the store (expired
/// uploads, an erased visitor's). A file that is already gone is fine; any other failure is
/// logged with `why` and the rest are still deleted.
pub async fn remove_files(data_dir: &Path, rows: &[crate::store::models::AttachmentRow], why: &str) {
    for row in rows {
        let file = path(data_dir, &row.workspace_id, &row.id);
        if let Err(error) = tokio::fs::remove_file(&file).await
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::error!(%error, path = %file.display(), why, "an attachment's file could not be deleted");
        }
    }
}

/// Signs and checks download URLs.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
    public_url: String,
}

impl Signer {
    pub fn new(key: &[u8], public_url: &str) -> Self {
        Self { key: key.to_vec(), public_url: public_url.trim_end_matches('/').to_owned() }
    }

    fn mac(&self, attachment_id: &str, expires: i64) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(format!("attachment:{attachment_id}:{expires}").as_bytes());
        Some(mac)
    }

    /// An absolute download URL valid for about a day.
    pub fn url(&self, attachment_id: &str, file_name: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        let expires = (now + URL_LIFETIME_SECS).div_euclid(3600) * 3600 + 3600;
        let name: String = url::form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
        let signature =
            self.mac(attachment_id, expires).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default();
        format!("{}/attachments/{attachment_id}/{name}?exp={expires}&sig={signature}", self.public_url)
    }

    /// Whether `sig` signs `attachment_id` until `expires`, and that is still in the future.
    pub fn verify(&self, attachment_id: &str, expires: i64, sig: &str) -> bool {
        let (Some(mac), Ok(bytes)) = (self.mac(attachment_id, expires), hex::decode(sig)) else { return false };
        expires > chrono::Utc::now().timestamp() && mac.verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_ignores_claims() {
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];
        assert_eq!(sniff(&png).unwrap(), "image/png");
        assert_eq!(sniff(b"hello").unwrap(), "text/plain");
        assert_eq!(sniff(b"<svg onload=alert(1)>").unwrap(), "text/plain", "served as text, never as SVG");
        let elf = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(sniff(&elf).is_err());
        assert!(sniff(&[]).is_err());
        assert!(sniff(&vec![b'a'; MAX_BYTES + 1]).is_err());
    }

    #[test]
    fn file_names() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\x\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name(".."), "file");
        assert_eq!(clean_file_name("a\"b\n.txt"), "ab.txt");
    }

    #[test]
    fn signed_urls() {
        let signer = Signer::new(b"key", "http://x");
        let url = signer.url("att_1", "a b.png");
        assert!(url.starts_with("http://x/attachments/att_1/a+b.png?exp="), "{url}");
        let query = url.split_once('?').unwrap().1;
        let exp: i64 = query.split('&').next().unwrap().trim_start_matches("exp=").parse().unwrap();
        let sig = query.split("sig=").nth(1).unwrap();
        assert!(signer.verify("att_1", exp, sig));
        assert!(!signer.verify("att_2", exp, sig));
        assert!(!signer.verify("att_1", exp + 1, sig));
        assert!(!Signer::new(b"other", "http://x").verify("att_1", exp, sig));
    }
}
