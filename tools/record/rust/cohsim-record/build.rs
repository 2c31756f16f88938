// Links the recording runtime, libcohsim_record.so, built next to the cohsim binary
// (tools/record/record_runtime.cpp). Its directory: $COHSIM_BUILD, else the
// repository's build/ (this crate lives in tools/record/rust/cohsim-record/).
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=COHSIM_BUILD");
    let dir = match std::env::var_os("COHSIM_BUILD") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../build"),
    };
    let lib = dir.join("libcohsim_record.so");
    if !lib.exists() {
        panic!(
            "cohsim-record: {} not found: build cohsim first (cmake --build build), or set COHSIM_BUILD to the \
             directory holding cohsim and libcohsim_record.so",
            lib.display()
        );
    }
    let dir = dir.canonicalize().expect("cohsim-record: the runtime's directory");
    println!("cargo:rerun-if-changed={}", lib.display());
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=cohsim_record");
    // For the program's build script (links = "cohsim_record"): DEP_COHSIM_RECORD_DIR,
    // which it puts in the executable's rpath.
    println!("cargo:dir={}", dir.display());
}
