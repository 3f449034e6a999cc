//! `anju lottery`: the verifiable allotment draw (docs/lottery.md), from
//! and to the published files only.

use anju_lottery::{draw, verify, verify_committed, EntrantList, Reveal};
use clap::Subcommand;
use std::path::PathBuf;

use crate::Fail;

#[derive(Subcommand)]
pub enum LotteryCommand {
    /// 生成参与名单文件并给出承诺值: canonical entrant file from a list of ids (one per line).
    Commit {
        /// Plain text, one entrant id (e.g. an application number) per line.
        #[arg(long)]
        ids: PathBuf,
        /// Where to write the canonical entrant file to publish.
        #[arg(long)]
        out: PathBuf,
    },
    /// 摇号: draw from the published entrant file and the notary's reveal.
    Draw {
        #[arg(long)]
        entrants: PathBuf,
        /// The public random value entered by the notary, exactly as the plan fixes its format
        /// (a value starting with `-` is taken as the value: `--reveal -5`).
        #[arg(long, allow_hyphen_values = true)]
        reveal: String,
        /// Result file to write (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 复核: re-run a published draw and compare, position by position.
    Verify {
        #[arg(long)]
        entrants: PathBuf,
        /// The notary's value as announced (a value starting with `-` is taken as the value).
        #[arg(long, allow_hyphen_values = true)]
        reveal: String,
        #[arg(long)]
        result: PathBuf,
        /// 摇号前公布的承诺值: the commitment published before the draw (64 hex digits).
        /// Without it, only the files' agreement with each other is checked, not that
        /// the entrant file is the one published before the draw.
        #[arg(long)]
        commitment: Option<String>,
    },
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Fail> {
    std::fs::read(path)
        .map_err(|e| Fail(format!("{}: 无法读取 (cannot read: {e})", path.display())))
}

fn write(path: &PathBuf, bytes: &[u8]) -> Result<(), Fail> {
    std::fs::write(path, bytes)
        .map_err(|e| Fail(format!("{}: 无法写入 (cannot write: {e})", path.display())))
}

pub fn run(cmd: LotteryCommand) -> Result<(), Fail> {
    match cmd {
        LotteryCommand::Commit { ids, out } => {
            let text = String::from_utf8(read(&ids)?).map_err(|_| {
                Fail(format!(
                    "{}: 不是 UTF-8 文本 (not UTF-8 text)",
                    ids.display()
                ))
            })?;
            let list = EntrantList::from_ids(text.lines().map(str::trim).filter(|l| !l.is_empty()))
                .map_err(|e| Fail(format!("{}: {e}", ids.display())))?;
            write(&out, &list.to_csv())?;
            println!("{}", list.commitment_hex());
            eprintln!("{} 名参与者；请在摇号前公布 {} 及上面的承诺值 (publish the file and commitment before the draw)", list.len(), out.display());
            Ok(())
        }
        LotteryCommand::Draw {
            entrants,
            reveal,
            out,
        } => {
            let list = EntrantList::parse(&read(&entrants)?)
                .map_err(|e| Fail(format!("{}: {e}", entrants.display())))?;
            let reveal = Reveal::new(&reveal).map_err(|e| Fail(format!("--reveal: {e}")))?;
            let result = draw(&list, &reveal).to_file();
            match out {
                Some(p) => write(&p, &result)?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&result)?;
                }
            }
            Ok(())
        }
        LotteryCommand::Verify {
            entrants,
            reveal,
            result,
            commitment,
        } => {
            let reveal = Reveal::new(&reveal).map_err(|e| Fail(format!("--reveal: {e}")))?;
            let entrant_bytes = read(&entrants)?;
            let file_commitment =
                anju_lottery::to_hex(&anju_lottery::commitment_of(&entrant_bytes));
            let checked = match &commitment {
                Some(c) => verify_committed(&entrant_bytes, c, &reveal, &read(&result)?),
                None => verify(&entrant_bytes, &reveal, &read(&result)?),
            };
            let said = match &commitment {
                Some(c) => format!("摇号前公布的承诺值 (published commitment) {}", c.trim().to_ascii_lowercase()),
                None => "未给出摇号前公布的承诺值：只核对了文件之间是否一致 (no published commitment given: only the files' agreement was checked; pass --commitment)".to_string(),
            };
            checked.map_err(|e| {
                Fail(format!(
                    "复核不一致 (verification failed): {e}\n名单文件承诺值 (entrant file commitment) {file_commitment}\n{said}"
                ))
            })?;
            println!(
                "复核一致 (verified): {} 与公开随机值重新计算的顺序与 {} 完全相同\n名单文件承诺值 (entrant file commitment) {file_commitment}\n{said}",
                entrants.display(),
                result.display()
            );
            Ok(())
        }
    }
}
