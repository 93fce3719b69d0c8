//! The bundled sample ledger (datasets/sample/), embedded so that a caller needs no file: `duijie
//! demo --bundled`, the commands run without a ledger, and the Python package.

use crate::Source;

/// The sample ledger's files as in-memory sources, named as on disk (`talent_needs.csv`).
pub fn sample_sources() -> Vec<Source> {
    vec![
        Source::new(
            "authorities.csv",
            include_bytes!("../../../datasets/sample/authorities.csv").to_vec(),
        ),
        Source::new(
            "enterprises.csv",
            include_bytes!("../../../datasets/sample/enterprises.csv").to_vec(),
        ),
        Source::new(
            "institutes.csv",
            include_bytes!("../../../datasets/sample/institutes.csv").to_vec(),
        ),
        Source::new(
            "placement_needs.csv",
            include_bytes!("../../../datasets/sample/placement_needs.csv").to_vec(),
        ),
        Source::new(
            "placement_offers.csv",
            include_bytes!("../../../datasets/sample/placement_offers.csv").to_vec(),
        ),
        Source::new(
            "schools.csv",
            include_bytes!("../../../datasets/sample/schools.csv").to_vec(),
        ),
        Source::new(
            "talent_needs.csv",
            include_bytes!("../../../datasets/sample/talent_needs.csv").to_vec(),
        ),
        Source::new(
            "talent_supply.csv",
            include_bytes!("../../../datasets/sample/talent_supply.csv").to_vec(),
        ),
        Source::new(
            "technology_capabilities.csv",
            include_bytes!("../../../datasets/sample/technology_capabilities.csv").to_vec(),
        ),
        Source::new(
            "technology_needs.csv",
            include_bytes!("../../../datasets/sample/technology_needs.csv").to_vec(),
        ),
        Source::new(
            "training_needs.csv",
            include_bytes!("../../../datasets/sample/training_needs.csv").to_vec(),
        ),
        Source::new(
            "training_offers.csv",
            include_bytes!("../../../datasets/sample/training_offers.csv").to_vec(),
        ),
    ]
}
