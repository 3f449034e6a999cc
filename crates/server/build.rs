//! Renders the lottery specification (docs/lottery.md) to HTML at build
//! time, so the site serves the very document the repository holds, from
//! the binary, with no Markdown parser at run time. Raw HTML in the
//! document is escaped (it is shown as text), mentions of the reference
//! script link to the site's download, and tables scroll on a phone.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

const SCRIPT: &str = "tools/lottery_reference.py";
const SCRIPT_URL: &str = "/lottery/lottery_reference.py";

fn main() {
    let dir = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let spec = dir.join("../../docs/lottery.md");
    println!("cargo:rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec).expect("docs/lottery.md");
    let mut events = Vec::new();
    for e in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => events.push(Event::Text(h)),
            Event::Code(c) if c.as_ref() == SCRIPT => {
                let link = Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: CowStr::Borrowed(SCRIPT_URL),
                    title: CowStr::Borrowed(""),
                    id: CowStr::Borrowed(""),
                };
                events.push(Event::Start(link));
                events.push(Event::Code(CowStr::Borrowed("lottery_reference.py")));
                events.push(Event::End(TagEnd::Link));
            }
            // In code blocks (the commands to run): the file as downloaded.
            Event::Text(t) if t.contains(SCRIPT) => events.push(Event::Text(
                t.replace(SCRIPT, "lottery_reference.py").into(),
            )),
            e => events.push(e),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    let out = out
        .replace("<table>", "<div class=\"scroll\"><table class=\"narrow\">")
        .replace("</table>", "</table></div>");
    let dest =
        std::path::PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("lottery.html");
    std::fs::write(dest, out).expect("write lottery.html");
}
