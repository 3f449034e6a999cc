//! Streaming batch decisions: one household per input line, one decision (or
//! `{"line": N, "error": "..."}`) per output line, in input order.
//!
//! A reader thread cuts the input into chunks of whole lines, workers (one
//! per core) parse, decide and render each chunk, and a writer puts chunks
//! back in order. Channels are bounded, so memory stays flat however large
//! the file is: nothing holds the whole input or output.

use anju_policy::engine::Decision;
use anju_policy::render::json_str;
use anju_policy::{Evaluator, Household, MessageCache, Renderer};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Condvar, Mutex};

/// Input bytes per chunk: big enough to amortise channel traffic, small
/// enough that the decisions of a few chunks in flight fit in memory.
const CHUNK: usize = 512 * 1024;

struct Chunk {
    seq: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

pub fn run(
    ev: &Evaluator,
    mut input: Box<dyn Read + Send>,
    size: Option<u64>,
    progress: bool,
) -> io::Result<()> {
    let renderer = Renderer::new(ev);
    let bar = progress.then(|| {
        let bar = match size {
            Some(s) => indicatif::ProgressBar::new(s),
            None => indicatif::ProgressBar::no_length(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} 判定中 {bytes}/{total_bytes} [{wide_bar}] {bytes_per_sec} 剩余 {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let bar = bar.as_ref();
    let out = raw_stdout()?;
    // Three ways out, best first: a regular file (not opened for append)
    // with O_DIRECT when the filesystem allows (see direct_out for why);
    // a regular file at claimed offsets; anything else in order.
    let direct = if opened_for_append(1) {
        None
    } else {
        crate::direct_out::open(&out)?
    };
    let result = if let Some(mut direct) = direct {
        ordered(ev, &renderer, &mut input, bar, |b| direct.write(b)).and_then(|()| direct.finish())
    } else if let Some(positional) = Positional::new(&out)? {
        in_place(ev, &renderer, &mut input, bar, &positional).and_then(|()| positional.finish(&out))
    } else {
        let mut out = &out;
        ordered(ev, &renderer, &mut input, bar, |b| out.write_all(b)).and_then(|()| out.flush())
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// One worker per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Workers write their chunks themselves at known offsets, so copying
/// gigabytes into the page cache is shared by every core instead of
/// queuing behind one writer thread.
fn in_place(
    ev: &Evaluator,
    renderer: &Renderer,
    input: &mut (dyn Read + Send),
    bar: Option<&indicatif::ProgressBar>,
    positional: &Positional<'_>,
) -> io::Result<()> {
    let workers = workers();
    let (work_tx, work_rx) = sync_channel::<Chunk>(workers * 2);
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|s| -> io::Result<()> {
        for _ in 0..workers {
            let work_rx = &work_rx;
            s.spawn(move || {
                worker(ev, renderer, work_rx, |seq, bytes: &mut Vec<u8>| {
                    let ok = positional.write(seq, bytes);
                    // Reused for the next chunk: fresh multi-megabyte
                    // buffers would cost a page fault per 4 KiB.
                    bytes.clear();
                    ok
                })
            });
        }
        let read_result = read_chunks(input, |c| work_tx.send(c).is_ok(), bar);
        drop(work_tx);
        read_result
    })
}

/// Workers decide chunks in any order; the calling thread's `sink` gets
/// their output in input order. Output buffers go back to the workers
/// through `spare` (fresh multi-megabyte buffers would cost a page fault
/// per 4 KiB).
fn ordered(
    ev: &Evaluator,
    renderer: &Renderer,
    input: &mut (dyn Read + Send),
    bar: Option<&indicatif::ProgressBar>,
    mut sink: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let workers = workers();
    let (work_tx, work_rx) = sync_channel::<Chunk>(workers * 2);
    let work_rx = &Mutex::new(work_rx);
    let spare = &Mutex::new(Vec::<Vec<u8>>::new());
    let (done_tx, done_rx) = sync_channel::<(u64, Vec<u8>)>(workers * 2);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| -> io::Result<()> {
        for _ in 0..workers {
            let done_tx: SyncSender<(u64, Vec<u8>)> = done_tx.clone();
            s.spawn(move || {
                worker(ev, renderer, work_rx, |seq, bytes: &mut Vec<u8>| {
                    let fresh = spare
                        .lock()
                        .ok()
                        .and_then(|mut s| s.pop())
                        .unwrap_or_default();
                    done_tx.send((seq, std::mem::replace(bytes, fresh))).is_ok()
                })
            });
        }
        drop(done_tx);
        let stop = &stop;
        let reader = s.spawn(move || {
            let r = read_chunks(
                input,
                |c| !stop.load(Ordering::Relaxed) && work_tx.send(c).is_ok(),
                bar,
            );
            drop(work_tx);
            r
        });
        let mut next = 0u64;
        let mut pending: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut write_result = Ok(());
        for (seq, bytes) in done_rx {
            pending.insert(seq, bytes);
            while let Some(mut b) = pending.remove(&next) {
                if write_result.is_ok() {
                    write_result = sink(&b);
                }
                b.clear();
                if let Ok(mut s) = spare.lock() {
                    s.push(b);
                }
                next += 1;
            }
            if write_result.is_err() {
                // Stop the reader, and the workers: dropping the receiver
                // fails their sends.
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        let read_result = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("reader thread panicked")));
        write_result?;
        read_result
    })
}

/// Chunks written in place: each worker claims the next offset in input
/// order (waiting for its turn only to learn where its bytes go), then
/// writes without holding any lock.
struct Positional<'f> {
    file: &'f File,
    base: u64,
    /// (next chunk sequence number, offset where it goes)
    turn: Mutex<(u64, u64)>,
    next: Condvar,
    error: Mutex<Option<io::Error>>,
}

impl<'f> Positional<'f> {
    fn new(file: &'f File) -> io::Result<Option<Self>> {
        if !file.metadata()?.file_type().is_file() || opened_for_append(1) {
            return Ok(None);
        }
        let base = (&*file).stream_position()?;
        Ok(Some(Positional {
            file,
            base,
            turn: Mutex::new((0, base)),
            next: Condvar::new(),
            error: Mutex::new(None),
        }))
    }

    fn write(&self, seq: u64, bytes: &[u8]) -> bool {
        let offset = {
            let Ok(mut turn) = self.turn.lock() else {
                return false;
            };
            while turn.0 != seq {
                turn = match self.next.wait(turn) {
                    Ok(t) => t,
                    Err(_) => return false,
                };
            }
            let offset = turn.1;
            turn.0 += 1;
            turn.1 += bytes.len() as u64;
            self.next.notify_all();
            offset
        };
        if let Err(e) = self.file.write_all_at(bytes, offset) {
            if let Ok(mut slot) = self.error.lock() {
                slot.get_or_insert(e);
            }
        }
        true
    }

    /// Leaves the file position after the last decision, as a sequential
    /// write would, so later writes to the same stdout append.
    fn finish(self, mut file: &File) -> io::Result<()> {
        if let Some(e) = self.error.into_inner().ok().flatten() {
            return Err(e);
        }
        let end = self.turn.into_inner().map_or(self.base, |t| t.1);
        file.seek(SeekFrom::Start(end))?;
        Ok(())
    }
}

/// Whether fd was opened with O_APPEND (`>>`), where positional writes
/// would all land at the end. Read from /proc; when unknown, say yes so the
/// safe sequential writer is used.
fn opened_for_append(fd: u32) -> bool {
    const O_APPEND: u32 = 0o2000;
    let Ok(info) = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")) else {
        return true;
    };
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .is_none_or(|flags| flags & O_APPEND != 0)
}

/// Splits the input into chunks of whole lines.
fn read_chunks(
    input: &mut dyn Read,
    mut send: impl FnMut(Chunk) -> bool,
    bar: Option<&indicatif::ProgressBar>,
) -> io::Result<()> {
    let mut seq = 0u64;
    let mut line = 1u64;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut buf = std::mem::take(&mut carry);
        let start = buf.len();
        buf.resize(start + CHUNK, 0);
        let mut filled = start;
        // Fill the buffer (short reads from pipes are normal).
        while filled < buf.len() {
            match input.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        let eof = filled < buf.len();
        buf.truncate(filled);
        if let Some(b) = bar {
            b.inc((filled - start) as u64);
        }
        if !eof {
            match buf.iter().rposition(|&c| c == b'\n') {
                Some(i) => carry = buf.split_off(i + 1),
                // A single line longer than the chunk: keep reading into it.
                None => {
                    carry = buf;
                    continue;
                }
            }
        }
        if !buf.is_empty() {
            let lines = buf.iter().filter(|&&c| c == b'\n').count() as u64
                + u64::from(buf.last() != Some(&b'\n'));
            if !send(Chunk {
                seq,
                first_line: line,
                bytes: buf,
            }) {
                return Ok(());
            }
            seq += 1;
            line += lines;
        }
        if eof {
            return Ok(());
        }
    }
}

fn worker(
    ev: &Evaluator,
    renderer: &Renderer,
    work_rx: &Mutex<Receiver<Chunk>>,
    mut emit: impl FnMut(u64, &mut Vec<u8>) -> bool,
) {
    let mut decision = Decision::default();
    let mut cache = MessageCache::default();
    let mut out = Vec::new();
    loop {
        let chunk = {
            let Ok(rx) = work_rx.lock() else { return };
            match rx.recv() {
                Ok(c) => c,
                Err(_) => return,
            }
        };
        out.reserve(chunk.bytes.len() * 8);
        let body = chunk.bytes.strip_suffix(b"\n").unwrap_or(&chunk.bytes);
        for (n, raw) in (chunk.first_line..).zip(body.split(|&c| c == b'\n')) {
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            decide_line(ev, renderer, line, n, &mut decision, &mut cache, &mut out);
            out.push(b'\n');
        }
        if !emit(chunk.seq, &mut out) {
            // The output failed: keep taking chunks (and dropping them) so
            // the reader is never stuck on a full queue; it stops soon.
            while work_rx.lock().is_ok_and(|rx| rx.recv().is_ok()) {}
            return;
        }
    }
}

fn decide_line(
    ev: &Evaluator,
    renderer: &Renderer,
    line: &[u8],
    n: u64,
    d: &mut Decision,
    cache: &mut MessageCache,
    out: &mut Vec<u8>,
) {
    let error = |out: &mut Vec<u8>, msg: &str| {
        out.extend_from_slice(b"{\"line\":");
        out.extend_from_slice(n.to_string().as_bytes());
        out.extend_from_slice(b",\"error\":");
        json_str(out, msg);
        out.push(b'}');
    };
    if line.iter().all(u8::is_ascii_whitespace) {
        error(out, "空行，没有家庭数据 (empty line)");
        return;
    }
    match Household::from_json(line) {
        Err(e) => error(out, &e.to_string_in_line()),
        Ok(h) => match ev.decide_into(&h, d) {
            Err(e) => error(out, &e.to_string_in_line()),
            Ok(()) => renderer.write_json_cached(&h, d, cache, out),
        },
    }
}

/// Stdout without Rust's line buffering: decisions are written in
/// megabyte-sized blocks, not line by line.
fn raw_stdout() -> io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}
