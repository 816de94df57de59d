//! The wizard's entry point, built by Trunk into the page's wasm module.

fn main() {
    wizard::start();
}
