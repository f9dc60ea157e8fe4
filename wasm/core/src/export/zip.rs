//! A streaming zip writer for the XLSX container, resumable between chunks.
//!
//! Hand-written (about 250 lines) because the zip crates write to a seekable file or
//! keep their state in memory only, while an export here is written over several
//! invocations: the whole state is a few offsets and checksums ([`ZipState`]), each
//! chunk ends on a deflate *sync flush*, and the next chunk starts a fresh
//! compressor whose blocks simply follow (a deflate stream is a sequence of blocks;
//! only the very last one is marked final, and a fresh compressor never refers back
//! across the boundary). Entries use data descriptors (general purpose flag bit 3),
//! as Java's `ZipOutputStream` and Apache POI do, so no header is patched afterwards.
//! Deflate is `flate2`'s, checksums `crc32fast`'s.
//!
//! No zip64: the file stays below 4 GiB, else a limit error.

use crc32fast::Hasher;
use flate2::{Compress, Compression, FlushCompress, Status};
use serde::{Deserialize, Serialize};

use super::invalid_state;
use crate::error::Error;

/// Deflate level: 1 compresses sheet XML about 10:1 at a fraction of level 6's time.
const LEVEL: u32 = 1;
/// DOS date of 1980-01-01 (the core reads no clock; the date is the format's epoch).
const DOS_DATE: u16 = 0x21;
const FLAGS: u16 = 0x0008; // sizes and checksum follow the data
const DEFLATE: u16 = 8;
const VERSION: u16 = 20;

/// One entry, written or being written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntryState {
    /// The file name in the archive.
    pub name: String,
    /// CRC-32 of the uncompressed bytes so far.
    pub crc: u32,
    /// Compressed bytes so far.
    pub compressed: u64,
    /// Uncompressed bytes so far.
    pub size: u64,
    /// Offset of the entry's local header.
    pub offset: u64,
}

/// Where a zip stands between chunks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ZipState {
    /// Bytes written so far.
    pub offset: u64,
    /// Entries written.
    pub entries: Vec<EntryState>,
    /// The entry being written.
    pub open: Option<EntryState>,
}

/// The streaming writer (see the module docs).
pub(crate) struct ZipWriter {
    state: ZipState,
    deflate: Option<Compress>,
    /// Uncompressed bytes given to the compressor since the last flush.
    held: usize,
}

impl std::fmt::Debug for ZipWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipWriter")
            .field("state", &self.state)
            .field("held", &self.held)
            .finish()
    }
}

fn too_large() -> Error {
    Error::limit(
        "export-too-large",
        "the xlsx file would pass 4 GiB, the most a zip without zip64 holds (export fewer rows, or csv)".to_owned(),
    )
}

fn u32_of(value: u64) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| too_large())
}

fn u16_of(value: usize) -> Result<u16, Error> {
    u16::try_from(value).map_err(|_| too_large())
}

impl ZipWriter {
    pub(crate) fn new() -> Self {
        ZipWriter {
            state: ZipState::default(),
            deflate: None,
            held: 0,
        }
    }

    /// Continues from `state`; entry names must be among `names`.
    pub(crate) fn resume(state: ZipState, names: &[&str]) -> Result<Self, Error> {
        let all = state.entries.iter().chain(state.open.as_ref());
        let mut end = 0_u64;
        for entry in all {
            if !names.contains(&entry.name.as_str()) {
                return Err(invalid_state("unknown zip entry"));
            }
            if entry.offset < end || entry.offset > state.offset {
                return Err(invalid_state("zip offsets out of order"));
            }
            end = entry.offset;
        }
        if state.entries.len() > names.len() || state.offset > u64::from(u32::MAX) {
            return Err(invalid_state("too many zip entries"));
        }
        Ok(ZipWriter {
            state,
            deflate: None,
            held: 0,
        })
    }

    pub(crate) fn state(&self) -> ZipState {
        self.state.clone()
    }

    fn emit(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        out.extend_from_slice(bytes);
        self.state.offset = self
            .state
            .offset
            .checked_add(bytes.len() as u64)
            .ok_or_else(too_large)?;
        u32_of(self.state.offset).map(|_| ())
    }

    /// Starts an entry.
    pub(crate) fn start(&mut self, name: &str, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.state.open.is_some() {
            return Err(invalid_state("a zip entry is already open"));
        }
        let mut header = Vec::with_capacity(30_usize.saturating_add(name.len()));
        header.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        for field in [VERSION, FLAGS, DEFLATE, 0, DOS_DATE] {
            header.extend_from_slice(&field.to_le_bytes());
        }
        header.extend_from_slice(&[0; 12]); // checksum and sizes: in the data descriptor
        header.extend_from_slice(&u16_of(name.len())?.to_le_bytes());
        header.extend_from_slice(&0_u16.to_le_bytes());
        header.extend_from_slice(name.as_bytes());
        let offset = self.state.offset;
        self.emit(&header, out)?;
        self.state.open = Some(EntryState {
            name: name.to_owned(),
            crc: 0,
            compressed: 0,
            size: 0,
            offset,
        });
        self.deflate = None;
        self.held = 0;
        Ok(())
    }

    /// Compresses `input` with `flush` into `out`, counting the bytes.
    fn deflate(
        &mut self,
        mut input: &[u8],
        flush: FlushCompress,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let compressor = self
            .deflate
            .get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
        let start = out.len();
        loop {
            out.reserve(input.len().saturating_add(1024));
            let (before_in, before_out) = (compressor.total_in(), out.len());
            let status = compressor
                .compress_vec(input, out, flush)
                .map_err(|_| Error::overflow("the compressed sheet"))?;
            let consumed = usize::try_from(compressor.total_in().saturating_sub(before_in))
                .unwrap_or(usize::MAX);
            input = input.get(consumed..).unwrap_or_default();
            let room_left = out.len() < out.capacity();
            let progressed = consumed > 0 || out.len() > before_out;
            let done = match flush {
                FlushCompress::Finish => status == Status::StreamEnd,
                _ => input.is_empty() && room_left,
            };
            if done || !progressed {
                break;
            }
        }
        let written = out.len().saturating_sub(start) as u64;
        self.state.offset = self
            .state
            .offset
            .checked_add(written)
            .ok_or_else(too_large)?;
        u32_of(self.state.offset)?;
        if let Some(open) = self.state.open.as_mut() {
            open.compressed = open.compressed.saturating_add(written);
        }
        Ok(())
    }

    /// Adds bytes to the open entry.
    pub(crate) fn write(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let open = self
            .state
            .open
            .as_mut()
            .ok_or_else(|| invalid_state("no zip entry is open"))?;
        let mut hasher = Hasher::new_with_initial_len(open.crc, open.size);
        hasher.update(data);
        open.crc = hasher.finalize();
        open.size = open
            .size
            .checked_add(data.len() as u64)
            .ok_or_else(too_large)?;
        u32_of(open.size)?;
        self.held = self.held.saturating_add(data.len());
        self.deflate(data, FlushCompress::None, out)
    }

    /// Emits everything the compressor holds, ending on a byte boundary.
    pub(crate) fn sync(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.state.open.is_some() && self.held > 0 {
            self.deflate(&[], FlushCompress::Sync, out)?;
        }
        self.held = 0;
        Ok(())
    }

    /// Ends the open entry with its final block and data descriptor.
    pub(crate) fn end(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.deflate(&[], FlushCompress::Finish, out)?;
        self.deflate = None;
        self.held = 0;
        let entry = self
            .state
            .open
            .take()
            .ok_or_else(|| invalid_state("no zip entry is open"))?;
        let mut descriptor = Vec::with_capacity(16);
        descriptor.extend_from_slice(&0x0807_4b50_u32.to_le_bytes());
        descriptor.extend_from_slice(&entry.crc.to_le_bytes());
        descriptor.extend_from_slice(&u32_of(entry.compressed)?.to_le_bytes());
        descriptor.extend_from_slice(&u32_of(entry.size)?.to_le_bytes());
        self.emit(&descriptor, out)?;
        self.state.entries.push(entry);
        Ok(())
    }

    /// Writes a whole entry.
    pub(crate) fn entry(
        &mut self,
        name: &str,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.start(name, out)?;
        self.write(data, out)?;
        self.end(out)
    }

    /// Writes the central directory and its end record.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.state.open.is_some() {
            self.end(out)?;
        }
        let start = self.state.offset;
        let mut directory = Vec::new();
        for entry in &self.state.entries {
            directory.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
            for field in [VERSION, VERSION, FLAGS, DEFLATE, 0, DOS_DATE] {
                directory.extend_from_slice(&field.to_le_bytes());
            }
            directory.extend_from_slice(&entry.crc.to_le_bytes());
            directory.extend_from_slice(&u32_of(entry.compressed)?.to_le_bytes());
            directory.extend_from_slice(&u32_of(entry.size)?.to_le_bytes());
            directory.extend_from_slice(&u16_of(entry.name.len())?.to_le_bytes());
            directory.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
            directory.extend_from_slice(&0_u32.to_le_bytes()); // external attributes
            directory.extend_from_slice(&u32_of(entry.offset)?.to_le_bytes());
            directory.extend_from_slice(entry.name.as_bytes());
        }
        let count = u16_of(self.state.entries.len())?;
        let size = u32_of(directory.len() as u64)?;
        directory.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
        directory.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        directory.extend_from_slice(&count.to_le_bytes());
        directory.extend_from_slice(&count.to_le_bytes());
        directory.extend_from_slice(&size.to_le_bytes());
        directory.extend_from_slice(&u32_of(start)?.to_le_bytes());
        directory.extend_from_slice(&0_u16.to_le_bytes());
        self.emit(&directory, out)
    }

    /// An upper bound of the compressed bytes for what the compressor holds plus
    /// `extra` more input, up to and including a sync flush (zlib's bound for stored
    /// blocks, generously rounded).
    pub(crate) fn held_bound(&self, extra: usize) -> usize {
        deflate_bound(self.held.saturating_add(extra))
    }
}

/// The most a deflate stream can grow `n` bytes, plus a flush.
pub(crate) fn deflate_bound(n: usize) -> usize {
    n.saturating_add(n >> 8).saturating_add(256)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// Reads a zip with data descriptors the simple way: via the central directory.
    pub(crate) fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], &0x0605_4b50_u32.to_le_bytes());
        let count = u16::from_le_bytes([zip[end + 10], zip[end + 11]]) as usize;
        let mut at = u32::from_le_bytes(zip[end + 16..end + 20].try_into().unwrap()) as usize;
        let mut found = Vec::new();
        for _ in 0..count {
            let d = &zip[at..];
            let crc = u32::from_le_bytes(d[16..20].try_into().unwrap());
            let csize = u32::from_le_bytes(d[20..24].try_into().unwrap()) as usize;
            let size = u32::from_le_bytes(d[24..28].try_into().unwrap()) as usize;
            let name_len = u16::from_le_bytes([d[28], d[29]]) as usize;
            let offset = u32::from_le_bytes(d[42..46].try_into().unwrap()) as usize;
            let name = String::from_utf8(d[46..46 + name_len].to_vec()).unwrap();
            let local_name_len = u16::from_le_bytes([zip[offset + 26], zip[offset + 27]]) as usize;
            let data = &zip[offset + 30 + local_name_len..][..csize];
            let mut plain = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .read_to_end(&mut plain)
                .unwrap();
            assert_eq!(plain.len(), size, "{name}");
            let mut hasher = Hasher::new();
            hasher.update(&plain);
            assert_eq!(hasher.finalize(), crc, "{name}");
            found.push((name, plain));
            at += 46 + name_len;
        }
        found
    }

    #[test]
    fn entries_written_across_resumes_read_back() {
        let names = ["a.txt", "b.xml"];
        let mut out = Vec::new();
        let mut zip = ZipWriter::new();
        zip.entry("a.txt", b"hello", &mut out).unwrap();
        zip.start("b.xml", &mut out).unwrap();
        let mut expected = Vec::new();
        for round in 0..5 {
            let piece = format!("<row r=\"{round}\">{}</row>", "x".repeat(round * 1000));
            expected.extend_from_slice(piece.as_bytes());
            zip.write(piece.as_bytes(), &mut out).unwrap();
            zip.sync(&mut out).unwrap();
            // Round-trip the state through JSON, as between two invocations.
            let json = serde_json::to_string(&zip.state()).unwrap();
            zip = ZipWriter::resume(serde_json::from_str(&json).unwrap(), &names).unwrap();
            assert_eq!(zip.state().offset as usize, out.len());
        }
        zip.finish(&mut out).unwrap();
        let read = entries(&out);
        assert_eq!(read[0], ("a.txt".to_owned(), b"hello".to_vec()));
        assert_eq!(read[1].0, "b.xml");
        assert_eq!(read[1].1, expected);
    }

    #[test]
    fn tampered_states_are_rejected() {
        let state = ZipState {
            offset: 10,
            entries: vec![EntryState {
                name: "../evil".to_owned(),
                crc: 0,
                compressed: 0,
                size: 0,
                offset: 0,
            }],
            open: None,
        };
        let err = ZipWriter::resume(state, &["a"]).unwrap_err();
        assert_eq!(err.reason(), "invalid-export-state");
    }
}
