//! Compact storage for a long sequence of short ids.
//!
//! A million entrant ids stored as a million `String`s costs a million
//! allocations to build and to free, and sorting them chases a pointer per
//! comparison; on the 2-core target machine that alone took over a second.
//! Keeping all ids in one buffer with an offset table makes building,
//! sorting, drawing and verifying a million-entrant list cheap.

use std::iter::FusedIterator;

/// Ids concatenated into one string; id `k` is `text[ends[k-1]..ends[k]]`
/// (with `ends[-1]` taken as 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdTable {
    text: String,
    ends: Vec<usize>,
}

impl IdTable {
    pub(crate) fn with_capacity(ids: usize, text_bytes: usize) -> Self {
        Self {
            text: String::with_capacity(text_bytes),
            ends: Vec::with_capacity(ids),
        }
    }

    pub(crate) fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Total bytes of all ids, for sizing output buffers.
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1],
        };
        self.text.get(start..end)
    }

    pub(crate) fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|index| self.get(index))
    }

    pub(crate) fn iter(&self) -> Ids<'_> {
        Ids {
            table: self,
            front: 0,
            back: self.len(),
        }
    }
}

/// Iterator over ids in order, yielded as `&str`.
#[derive(Debug, Clone)]
pub struct Ids<'a> {
    table: &'a IdTable,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Ids<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        let id = self.table.get(self.front);
        self.front += 1;
        id
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = self.back - self.front;
        (remaining, Some(remaining))
    }
}

impl DoubleEndedIterator for Ids<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.table.get(self.back)
    }
}

impl ExactSizeIterator for Ids<'_> {}

impl FusedIterator for Ids<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_iterates() {
        let mut table = IdTable::with_capacity(3, 8);
        for id in ["b", "", "cde"] {
            table.push(id);
        }
        assert_eq!(table.len(), 3);
        assert_eq!(table.get(0), Some("b"));
        assert_eq!(table.get(1), Some(""));
        assert_eq!(table.get(2), Some("cde"));
        assert_eq!(table.get(3), None);
        assert_eq!(table.last(), Some("cde"));
        assert_eq!(table.iter().collect::<Vec<_>>(), ["b", "", "cde"]);
        assert_eq!(table.iter().rev().collect::<Vec<_>>(), ["cde", "", "b"]);
        assert_eq!(table.iter().len(), 3);
        assert_eq!(IdTable::default().last(), None);
    }
}
