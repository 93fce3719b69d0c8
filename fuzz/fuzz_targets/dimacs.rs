//! Any text as a DIMACS or CSV instance: parsing gives a typed error or an instance; small
//! instances are solved and their certificates must check.
#![no_main]

use duijie::allocate;
use duijie_store::dimacs::{Instance, parse_dimacs, parse_matrix_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [parse_dimacs(text), parse_matrix_csv(text, 3)] {
        let Ok(instance) = parsed else { continue };
        match instance {
            Instance::MinCostFlow(net) if net.nodes() <= 64 && net.arcs().len() <= 256 => {
                if let Ok(s) = allocate::min_cost_flow(&net) {
                    allocate::verify_flow(&net, &s).expect("flow certificate checks");
                }
                if let Ok(p) = allocate::min_cost_flow_max_demand(&net) {
                    allocate::verify_partial_flow(&net, &p)
                        .expect("partial flow certificate checks");
                }
            }
            Instance::Assignment { matrix, .. } if matrix.dim().0 <= 64 && matrix.dim().1 <= 64 => {
                if let Ok(a) = allocate::solve_assignment(
                    matrix.view(),
                    allocate::Sense::Min,
                    &allocate::Limits::default(),
                ) {
                    allocate::verify_assignment(matrix.view(), &a)
                        .expect("assignment certificate checks");
                }
            }
            Instance::Dense { matrix, .. } if matrix.dim().0 * matrix.dim().1 <= 4096 => {
                if let Ok(a) = allocate::solve_assignment(
                    matrix.view(),
                    allocate::Sense::Max,
                    &allocate::Limits::default(),
                ) {
                    allocate::verify_assignment(matrix.view(), &a)
                        .expect("assignment certificate checks");
                }
            }
            _ => {}
        }
    }
});
