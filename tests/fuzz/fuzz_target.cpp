// One libFuzzer target: COHSIM_FUZZ_ENTRY names the entry (fuzz_entries.hpp).
// Built by scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <cstdlib>

#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cohsim::fuzz::Entry entry = cohsim::fuzz::entry(COHSIM_FUZZ_ENTRY);
  entry(data, size);
  return 0;
}
