//! The candidate pool: screened homes grouped into lots (one building/unit
//! of one project), the plan's decision variables.

use anju_allotment::Fen;
use std::collections::BTreeMap;

use crate::plan::Lot;
use crate::screen::{Band, OfferedHome, Screening};

/// A lot's id: `project/building/unit`.
pub fn lot_id(h: &OfferedHome) -> String {
    format!("{}/{}/{}", h.project, h.building, h.unit)
}

/// Groups the eligible homes into lots. A lot is whole when the developer
/// offers the whole building/unit and every home of it passed screening.
pub fn lots(homes: &[(OfferedHome, Screening)]) -> Vec<Lot> {
    let mut m: BTreeMap<String, (Lot, bool)> = BTreeMap::new();
    for (h, s) in homes {
        let e = m.entry(lot_id(h)).or_insert_with(|| {
            (
                Lot {
                    id: lot_id(h),
                    district: h.district.clone(),
                    whole: true,
                    homes: [0; 3],
                    cost: Fen::ZERO,
                },
                false,
            )
        });
        if !h.whole_lot || !s.eligible() {
            e.0.whole = false;
        }
        if s.eligible() {
            e.1 = true;
            let b: Band = s.band;
            e.0.homes[b.index()] += 1;
            e.0.cost = Fen::new(e.0.cost.fen() + h.asking.fen());
        }
    }
    m.into_values()
        .filter(|(_, any)| *any)
        .map(|(l, _)| l)
        .collect()
}
