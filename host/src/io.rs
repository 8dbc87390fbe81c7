//! Files read once, for every face: documents against their limit, artifacts hashed as a
//! stream.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sigverify::limits::Document;

/// Why a document could not be read from a file.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// It is over its limit (`sigverify::Error::LimitExceeded`).
    TooLarge(sigverify::Error),
}

/// Reads a document file against its limit ([`Document::max_bytes`]): refused from its size
/// when the file system states one, and never more than the limit and one byte read (a pipe, a
/// file that grows), so a multi-gigabyte file costs the limit, not its size.
pub fn read_document(path: &Path, doc: Document) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    if let Ok(m) = file.metadata() {
        if m.is_file() {
            doc.check_size(m.len()).map_err(ReadError::TooLarge)?;
        }
    }
    let buf = read_prefix(file, doc.max_bytes()).map_err(ReadError::Io)?;
    doc.check_size(buf.len() as u64)
        .map_err(ReadError::TooLarge)?;
    Ok(buf)
}

/// At most `limit + 1` bytes of `file`: enough for the core to see that it is over `limit` and
/// say so with its own limit.
pub fn read_prefix(file: File, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The `alg` digest of a file, hashed as a stream in 64 KiB reads (never read whole).
pub fn hash_file(path: &Path, alg: sigverify::HashAlg) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut hasher = sigverify::Backend::default().hasher(alg);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hasher.finish())
}
