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
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

/// Input bytes per chunk: big enough to amortise channel traffic, small
/// enough that the decisions of a few chunks in flight fit in memory.
const CHUNK: usize = 512 * 1024;

struct Chunk {
    seq: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

pub fn run(ev: &Evaluator, mut input: Box<dyn Read + Send>, size: Option<u64>, progress: bool) -> io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
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
    let (work_tx, work_rx) = sync_channel::<Chunk>(workers * 2);
    let (done_tx, done_rx) = sync_channel::<(u64, Vec<u8>)>(workers * 2);
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|s| -> io::Result<()> {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let renderer = &renderer;
            s.spawn(move || worker(ev, renderer, work_rx, done_tx));
        }
        drop(done_tx);
        let writer = s.spawn(move || write_in_order(done_rx));
        let read_result = read_chunks(&mut input, |c| work_tx.send(c).is_ok(), bar.as_ref());
        drop(work_tx);
        let write_result = writer.join().unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")));
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        read_result?;
        write_result
    })
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
    done_tx: std::sync::mpsc::SyncSender<(u64, Vec<u8>)>,
) {
    let mut decision = Decision::default();
    let mut cache = MessageCache::default();
    loop {
        let chunk = {
            let Ok(rx) = work_rx.lock() else { return };
            match rx.recv() {
                Ok(c) => c,
                Err(_) => return,
            }
        };
        let mut out = Vec::with_capacity(chunk.bytes.len() * 10);
        let mut n = chunk.first_line;
        let body = chunk.bytes.strip_suffix(b"\n").unwrap_or(&chunk.bytes);
        for raw in body.split(|&c| c == b'\n') {
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            decide_line(ev, renderer, line, n, &mut decision, &mut cache, &mut out);
            out.push(b'\n');
            n += 1;
        }
        if done_tx.send((chunk.seq, out)).is_err() {
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

fn write_in_order(done_rx: Receiver<(u64, Vec<u8>)>) -> io::Result<()> {
    let mut out = raw_stdout()?;
    let mut next = 0u64;
    let mut pending: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    for (seq, bytes) in done_rx {
        pending.insert(seq, bytes);
        while let Some(b) = pending.remove(&next) {
            out.write_all(&b)?;
            next += 1;
        }
    }
    out.flush()
}

/// Stdout without Rust's line buffering: decisions are written in
/// megabyte-sized blocks, not line by line.
fn raw_stdout() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?))
}
