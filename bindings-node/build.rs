//! Links the addon against the N-API symbols that Node provides at load time.
fn main() {
    napi_build::setup();
}
