// Start with 2 MiB of linear memory (Rust's 1 MiB stack and room for what
// one call allocates), so that no call grows memory: growing costs
// page-protection changes when the server reuses the memory's pooled slot
// (docs/performance.md, "Memory growth per call").
fn main() {
    println!("cargo:rustc-link-arg-cdylib=--initial-memory=2097152");
}
