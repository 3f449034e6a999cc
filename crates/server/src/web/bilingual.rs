//! Messages written the anju way, `中文 (English)`: the Chinese and the
//! English of one message, told apart so that a page shows its own
//! language only (issue 12: no English inside the Chinese). Used by the
//! error envelope, the form errors and the page context; uses nothing.

/// Splits `中文 (English)` at its last top-level parenthesis; a message
/// without one is the same in both languages.
///
/// A message put together from bilingual parts (`身份证号码无效 (invalid
/// resident ID): 应为18位 (expected 18 characters)`, or a name with its
/// gloss inside a sentence, `持有房屋 (held home) 不存在 (not found)`) keeps
/// no English in its Chinese: every gloss (a bracketed group of Latin
/// words right after Chinese text) is taken out of the Chinese, and the
/// English is the glosses and the last group joined with `: `.
pub fn split_bilingual(message: &str) -> (String, String) {
    let m = message.trim();
    let Some((zh, en)) = split_last(m) else {
        // `请求内容有误 (invalid request body): missing field` — a gloss,
        // then a detail in neither language (a parser's words, a value):
        // the detail goes with both.
        let (zh, glosses, tail) = take_glosses(m);
        if glosses.is_empty() {
            return (m.to_string(), m.to_string());
        }
        let mut en = glosses.join(": ");
        if !tail.trim().is_empty() {
            en.push_str(": ");
            en.push_str(tail.trim());
        }
        return (zh, en);
    };
    let (zh, glosses, _) = take_glosses(zh);
    if glosses.is_empty() {
        return (zh, en.to_string());
    }
    let mut parts = glosses;
    parts.push(en.to_string());
    (zh, parts.join(": "))
}

/// `body (last)` split at the group that closes the message.
fn split_last(m: &str) -> Option<(&str, &str)> {
    let body = m.strip_suffix(')')?;
    // Find the '(' that opens the final group, counting nesting.
    let mut depth = 0usize;
    for (i, ch) in body.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' if depth == 0 => {
                let zh = body[..i].trim_end();
                return (!zh.is_empty()).then(|| (zh, &body[i + 1..]));
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// Takes the English glosses out of Chinese text: a group `(words)` of
/// ASCII starting with a letter, right after Chinese text (a space
/// between allowed). Returns the text without them (an ASCII colon after
/// a gloss becomes a Chinese one), the glosses in order, and the text
/// after the last gloss.
fn take_glosses(text: &str) -> (String, Vec<String>, &str) {
    let mut out = String::with_capacity(text.len());
    let mut glosses = Vec::new();
    let mut rest = text;
    let mut tail = "";
    while let Some(open) = rest.find('(') {
        let before = &rest[..open];
        let after = &rest[open + 1..];
        let gloss = after.find(')').map(|close| &after[..close]);
        let follows_chinese = before.trim_end().chars().last().is_some_and(is_cjk);
        match gloss {
            Some(g)
                if follows_chinese
                    && g.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && g.chars().all(|c| c.is_ascii() && c != '(') =>
            {
                out.push_str(before.trim_end());
                glosses.push(g.trim().to_string());
                rest = &after[g.len() + 1..];
                if let Some(r) = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(':')) {
                    out.push('：');
                    rest = r;
                } else {
                    rest = rest.trim_start();
                }
                tail = rest;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, glosses, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_messages_split_at_their_last_group() {
        assert_eq!(
            split_bilingual(
                "居民身份证号码应为18位，实际为11位 (expected 18 characters, found 11)"
            ),
            (
                "居民身份证号码应为18位，实际为11位".to_string(),
                "expected 18 characters, found 11".to_string()
            )
        );
        assert_eq!(
            split_bilingual(
                "第18位应为数字或X (character 18 must be a digit or 'X', found (\"Y\"))"
            ),
            (
                "第18位应为数字或X".to_string(),
                "character 18 must be a digit or 'X', found (\"Y\")".to_string()
            )
        );
        assert_eq!(
            split_bilingual("只有中文"),
            ("只有中文".to_string(), "只有中文".to_string())
        );
        // Bilingual parts inside a message: no English in the Chinese.
        assert_eq!(
            split_bilingual(
                "身份证号码无效 (invalid resident ID): 居民身份证号码应为18位，实际为11位 (expected 18 characters, found 11)"
            ),
            (
                "身份证号码无效：居民身份证号码应为18位，实际为11位".to_string(),
                "invalid resident ID: expected 18 characters, found 11".to_string()
            )
        );
        assert_eq!(
            split_bilingual("持有房屋 (held home) 不存在 (not found)"),
            (
                "持有房屋不存在".to_string(),
                "held home: not found".to_string()
            )
        );
        // A gloss, then a detail in neither language.
        assert_eq!(
            split_bilingual("请求内容有误 (invalid request body): missing field `x`"),
            (
                "请求内容有误：missing field `x`".to_string(),
                "invalid request body: missing field `x`".to_string()
            )
        );
        // A bracket that is not a gloss stays.
        assert_eq!(
            split_bilingual("第3行 A-1 (2024) 有误 (row 3 is wrong)").0,
            "第3行 A-1 (2024) 有误"
        );
    }
}
