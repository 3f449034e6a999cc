//! Message templates: plain Chinese sentences with `{name}` placeholders for
//! the figures compared ("家庭人均住房建筑面积 {per_capita}㎡，超过 {limit}㎡").
//! Placeholders are checked against the names a rule kind provides when the
//! policy is loaded, so a typo is a load error, not a broken message.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Var(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unclosed,
    Unknown { name: String, allowed: Vec<String> },
}

impl Template {
    /// Parses `text`, accepting only placeholders in `allowed`.
    pub fn parse(text: &str, allowed: &[&str]) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or(TemplateError::Unclosed)?;
            let name = &after[..close];
            if !allowed.contains(&name) {
                return Err(TemplateError::Unknown {
                    name: name.to_string(),
                    allowed: allowed.iter().map(|s| s.to_string()).collect(),
                });
            }
            segments.push(Segment::Var(name.to_string()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Template { segments })
    }

    /// Renders with `lookup` giving each placeholder's text.
    pub fn render_into(&self, out: &mut String, mut lookup: impl FnMut(&str, &mut String)) {
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Var(v) => lookup(v, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        let t = Template::parse("人均 {a}㎡，超过 {b}㎡", &["a", "b"]).unwrap();
        let mut s = String::new();
        t.render_into(&mut s, |n, o| {
            o.push_str(if n == "a" { "20.33" } else { "20" })
        });
        assert_eq!(s, "人均 20.33㎡，超过 20㎡");
        assert!(matches!(
            Template::parse("{c}", &["a"]),
            Err(TemplateError::Unknown { .. })
        ));
        assert_eq!(Template::parse("{a", &["a"]), Err(TemplateError::Unclosed));
    }
}
