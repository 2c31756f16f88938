// Trace::open: recognises the format of a trace file and opens the right reader.
#include "cpu/trace/trace.hpp"

#include <cstring>

#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/champsim_trace.hpp"
#include "cpu/trace/din_trace.hpp"
#include "cpu/trace/lackey_trace.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/text.hpp"

namespace cohsim {

const std::vector<std::string>& trace_formats() {
  static const std::vector<std::string> f = {"text", "binary", "din", "lackey", "champsim"};
  return f;
}

std::unique_ptr<Trace> Trace::open(const std::string& path, const TraceOptions& opts) {
  trace_detail::SharedFile f(path);  // "PATH: cannot open trace: ..." if unreadable
  if (!opts.format.empty()) {
    const std::string& k = opts.format;
    if (k == "text") return open_text_trace(path, opts);
    if (k == "binary") return open_binary_trace(path, opts);
    if (k == "din") return open_din_trace(path, opts);
    if (k == "lackey") return open_lackey_trace(path, opts);
    if (k == "champsim") return open_champsim_trace(path, opts);
    const std::string near = nearest(k, trace_formats());
    throw UserError("unknown trace format '" + k + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                    "; valid formats: text, binary, din, lackey, champsim");
  }
  char head[4096];
  std::size_t n = f.read_at(0, head, sizeof head);
  if (n >= 8 && std::memcmp(head, kBinaryTraceMagic, 8) == 0) return open_binary_trace(path, opts);
  if (ends_with(path, ".din")) return open_din_trace(path, opts);
  if (ends_with(path, ".lackey")) return open_lackey_trace(path, opts);
  if (has_champsim_extension(path)) return open_champsim_trace(path, opts);
  if (ends_with(path, ".xz") || ends_with(path, ".gz"))
    throw UserError(path + ": a compressed trace: cohsim reads xz-compressed ChampSim traces (name them "
                    "*.champsim.xz or *.champsimtrace.xz, or give the format: --from champsim); "
                    "decompress anything else first (xz -dk, gunzip -k)");
  // Content: the first non-blank line of a din file is `LABEL ADDRESS`.
  const char* p = head + (n >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);  // a UTF-8 BOM
  const char* end = head + n;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* le = nl ? nl : end;
    const char* q = p;
    while (q < le && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    if (q < le) {
      if (looks_like_din(q, le)) return open_din_trace(path, opts);
      if (looks_like_lackey(p, le)) return open_lackey_trace(path, opts);
      break;
    }
    if (!nl) break;
    p = nl + 1;
  }
  return open_text_trace(path, opts);
}

}  // namespace cohsim
