// Puts cohsim's recording runtime in the executable's rpath and exports the program's
// statics (-rdynamic), so the trace names them (COUNTER, READY) as a C program's
// globals are (docs/recording.md, "Rust programs").
fn main() {
    let dir = std::env::var("DEP_COHSIM_RECORD_DIR").expect("cohsim-record passes the runtime's directory");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    println!("cargo:rustc-link-arg=-rdynamic");
}
