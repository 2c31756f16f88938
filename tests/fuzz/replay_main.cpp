// Replays fuzz inputs without libFuzzer: `fuzz_replay TARGET FILE|DIR...` feeds every
// file (a directory's files, sorted) to the target's entry, as the fuzzer did. The
// ctest cases fuzz_regressions_<target> run it on tests/fuzz/regressions/<target>/,
// the inputs that once crashed or hung a parser: each must now be accepted or
// refused with a UserError (a finding aborts, under the sanitizer build too).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_entries.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_replay TARGET FILE|DIR...\n");
    return 2;
  }
  const cohsim::fuzz::Entry entry = cohsim::fuzz::entry(argv[1]);
  if (!entry) {
    std::fprintf(stderr, "fuzz_replay: unknown target '%s'; valid: config, text_trace, din_trace, binary_trace, litmus\n",
                 argv[1]);
    return 2;
  }
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (auto& f : fs::directory_iterator(argv[i]))
        if (f.is_regular_file()) files.push_back(f.path().string());
    } else {
      files.push_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no inputs\n");
    return 2;
  }
  for (auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz_replay: cannot read %s\n", f.c_str());
      return 2;
    }
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::printf("%s\n", f.c_str());
    std::fflush(stdout);
    entry(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
  std::printf("%zu input(s) replayed, none crashed\n", files.size());
  return 0;
}
