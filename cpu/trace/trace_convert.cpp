#include "cpu/trace/trace_convert.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/text.hpp"

namespace cohsim {

const char* trace_output_format(const std::string& out) {
  return ends_with(out, ".trace") || ends_with(out, ".txt") ? "text" : "binary";
}

void convert_trace(const std::string& in, const std::string& out, const TraceOptions& opts) {
  if (ends_with(out, ".din"))
    throw UserError(out +
                    ": cannot write din traces; write text (.trace, .txt) or binary (any "
                    "other extension, e.g. .bin)");
  auto trace = Trace::open(in, opts);
  struct stat si, so;
  if (::stat(in.c_str(), &si) == 0 && ::stat(out.c_str(), &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
    throw UserError(out + ": the output is the input trace; choose another output file");
  const std::string tmp = out + ".tmp~";
  try {
    if (std::strcmp(trace_output_format(out), "text") == 0) write_text_trace(*trace, tmp, opts);
    else write_binary_trace(*trace, tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    throw UserError(out + ": cannot write: " + std::strerror(err));
  }
}

}  // namespace cohsim
