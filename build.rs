//! Stamps the binary with the moment it was built. The contradiction lint's cache
//! (`check --cache`) keeps a verdict only for the build that wrote it: the version number
//! alone stays the same while the code between two releases changes what the lint decides.

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    println!("cargo:rustc-env=CROSSFOOT_BUILD={stamp}");
}
