// A private temporary file: made with mkstemps in $TMPDIR (else /tmp), removed when
// the object goes (the run finished or failed). For files the user did not name
// (an event log behind --view, a trace replayed, Graphviz's input): nothing is
// written where the user did not ask, and nothing is left behind.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/base/error.hpp"

namespace cohsim {

class TempFile {
 public:
  // `what` names the file's use in the error message ("--view: the event log").
  TempFile(const std::string& what, const std::string& suffix = "") {
    const char* dir = std::getenv("TMPDIR");
    const std::string d = dir && *dir ? dir : "/tmp";
    std::string tmpl = d + "/cohsim-XXXXXX" + suffix;
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    const int fd = mkstemps(name.data(), int(suffix.size()));
    if (fd < 0) throw UserError(what + ": cannot create a temporary file in " + d + " (set TMPDIR to a writable directory)");
    close(fd);
    path_ = name.data();
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cohsim
