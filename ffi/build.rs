//! Gives the shared library an ELF SONAME, so that programs linked against an installed
//! `libsigverify.so` record the ABI they were built for (`libsigverify.so.0.1` while the version
//! is 0.x, where a minor release may change the ABI; `libsigverify.so.N` from 1.0 on), as
//! cargo-c does for rustls-ffi. ffi/install.sh installs the matching symlinks.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" && os != "android" && !os.ends_with("bsd") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let soname = if major == "0" {
        format!("libsigverify.so.0.{minor}")
    } else {
        format!("libsigverify.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
