// The program's version and the git commit it was built from (cmake/version.cmake
// writes the definitions at build time): `cohsim --version`, `cohsim.__version__`.
#pragma once
#include <string>

namespace cohsim {

const char* cohsim_version();  // "0.1.0" (CMakeLists.txt's project VERSION)
// The commit's 12-digit hash, with "-modified" when tracked files differ from it;
// "unknown" when the sources were not a git checkout (a release tarball).
const char* cohsim_commit();

// "cohsim 0.1.0 (commit 1a2b3c4d5e6f)": what `cohsim --version` prints.
inline std::string version_line() {
  return std::string("cohsim ") + cohsim_version() + " (commit " + cohsim_commit() + ")";
}

}  // namespace cohsim
