//! No two modules of the simulator import each other in a loop (the rule is
//! written at the top of the shared check).

#[path = "../../../tests/rust/module_graph.rs"]
mod graph;

#[test]
fn modules_do_not_import_each_other_in_a_loop() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    if let Err(loops) = graph::check(&src) {
        panic!("{loops}");
    }
}
