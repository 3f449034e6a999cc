//! Masking personal data for lists and public notices.
//!
//! Names follow the form the product uses in public notices: keep the first
//! and last character, star the rest (`张*明`); a two-character name keeps
//! its first (`张*`). Resident ID numbers are masked by
//! `anju_idcodes::ResidentId::masked` and are not duplicated here.

/// Masks a personal name, counting characters (not bytes):
///
/// ```
/// use anju_domain::mask_name;
/// assert_eq!(mask_name("张三明"), "张*明");
/// assert_eq!(mask_name("张三"), "张*");
/// assert_eq!(mask_name("欧阳小明"), "欧**明");
/// assert_eq!(mask_name("张"), "张");
/// ```
///
/// Surrounding whitespace is dropped first, so `" 张三 "` masks as `张*`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [only] => only.to_string(),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => {
            let mut out = String::with_capacity(name.len());
            out.push(*first);
            out.extend(std::iter::repeat_n('*', middle.len()));
            out.push(*last);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_by_characters() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name("张"), "张");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name("  李四 "), "李*");
        assert_eq!(mask_name("买买提·艾力"), "买****力");
        assert_eq!(mask_name("Li Lei"), "L****i");
        // Characters outside the BMP are one character, not four bytes.
        assert_eq!(mask_name("𠀀𠀁𠀂"), "𠀀*𠀂");
    }
}
