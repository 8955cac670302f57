//! Uploaded files' metadata (the bytes live under `data_dir/files/`).

use super::messages::Columns;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// One stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    /// The name it is stored and downloaded under.
    pub key: String,
    /// The uploader.
    pub owner: String,
    /// Bytes.
    pub size: i64,
    /// MIME type given at upload.
    pub content_type: String,
    /// The uploader's file name.
    pub file_name: String,
    /// Hex SHA-1 of the bytes.
    pub sha1: String,
}

/// Records a file (replacing an earlier upload under the same key).
pub fn insert(conn: &Connection, file: &FileRecord, now: i64) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO files (key, owner, size, content_type, file_name, sha1, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            file.key,
            file.owner,
            file.size,
            file.content_type,
            file.file_name,
            file.sha1,
            now
        ],
    )?;
    Ok(())
}

/// The file stored under `key`.
pub fn get(conn: &Connection, key: &str) -> Result<Option<FileRecord>> {
    Ok(conn
        .query_row(
            "SELECT key, owner, size, content_type, file_name, sha1 FROM files WHERE key = ?1",
            [key],
            |r| {
                let mut c = Columns::new(r);
                Ok(FileRecord {
                    key: c.take()?,
                    owner: c.take()?,
                    size: c.take()?,
                    content_type: c.take()?,
                    file_name: c.take()?,
                    sha1: c.take()?,
                })
            },
        )
        .optional()?)
}
