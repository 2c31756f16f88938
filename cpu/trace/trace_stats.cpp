#include "cpu/trace/trace_stats.hpp"

#include <cstdio>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "sim/base/error.hpp"

namespace cohsim {

namespace {

unsigned log2_exact(unsigned v, const char* what) {
  if (v == 0 || (v & (v - 1))) throw UserError(std::string(what) + " " + std::to_string(v) + " must be a power of two");
  unsigned l = 0;
  while ((1u << l) < v) ++l;
  return l;
}

std::string json_string(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\', r += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else r += c;
  }
  return r + "\"";
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string num(std::uint64_t v) {  // 1234567 -> "1,234,567"
  std::string d = std::to_string(v), r;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) r += ',';
    r += d[i];
  }
  return r;
}

}  // namespace

TraceStats compute_trace_stats(const Trace& trace, unsigned line_size, unsigned page_size) {
  const unsigned lshift = log2_exact(line_size, "line size");
  const unsigned pshift = log2_exact(page_size, "page size");
  TraceStats s;
  s.path = trace.path();
  s.format = trace.format();
  s.threads = trace.threads();
  s.line_size = line_size;
  s.page_size = page_size;
  s.ops_per_thread.assign(s.threads, 0);
  s.lines_per_thread.assign(s.threads, 0);
  constexpr std::uint32_t kShared = ~0u;
  std::unordered_map<LineAddr, std::uint32_t> owner;  // line -> thread, or kShared
  std::unordered_set<std::uint64_t> pages, code;
  for (unsigned t = 0; t < s.threads; ++t) {
    std::unordered_set<LineAddr> mine;
    auto st = trace.stream(t);
    Op op;
    std::uint64_t n = 0;
    while (st->next(op)) {
      ++s.by_kind[static_cast<unsigned>(op.kind)];
      if (op.kind == OpKind::Marker) continue;  // `roi begin|end`: counted by kind only, not an operation
      ++n;
      if (op.kind == OpKind::Compute) {
        s.compute_cycles += op.value;
      } else if (op.kind == OpKind::IFetch) {
        code.insert(op.addr >> lshift);
      } else {
        ++s.by_ordering[static_cast<unsigned>(op.order)];
        if (is_memory(op.kind) && op.areg < 0) {  // (an address through a register is not static)
          LineAddr l = op.addr >> lshift;
          if (mine.insert(l).second) {
            auto [it, fresh] = owner.emplace(l, t);
            if (!fresh && it->second != t && it->second != kShared) {
              it->second = kShared;
              ++s.shared_lines;
            }
          }
          pages.insert(op.addr >> pshift);
        }
      }
    }
    s.ops_per_thread[t] = n;
    s.lines_per_thread[t] = mine.size();
    s.ops += n;
  }
  s.lines = owner.size();
  s.pages = pages.size();
  s.code_lines = code.size();
  return s;
}

std::string format_trace_stats(const TraceStats& s) {
  std::string o;
  auto row = [&](const std::string& k, const std::string& v) { o += pad(k, 22) + v + "\n"; };
  row("trace", s.path + " (" + s.format + ")");
  row("threads", std::to_string(s.threads));
  row("operations", num(s.ops));
  for (unsigned t = 0; t < s.threads; ++t)
    row("  thread " + std::to_string(t),
        pad(num(s.ops_per_thread[t]) + " ops", 18) + num(s.lines_per_thread[t]) + " lines");
  o += "\n" + pad("operation", 22) + "count\n";
  for (int k = 0; k < kNumOpKinds; ++k)
    if (s.by_kind[k]) row("  " + std::string(name(OpKind(k))), num(s.by_kind[k]));
  if (s.compute_cycles) row("compute cycles", num(s.compute_cycles));
  o += "\n" + pad("ordering", 22) + "count (memory operations and fences)\n";
  for (int k = 0; k < kNumOrderings; ++k)
    if (s.by_ordering[k])
      row("  " + std::string(name(Ordering(k))) + (k == 0 ? " (non-atomic)" : ""), num(s.by_ordering[k]));
  o += "\nfootprint\n";
  row("  data lines",
      num(s.lines) + " of " + std::to_string(s.line_size) + " B (" + num(s.lines * s.line_size) + " B)");
  row("  shared lines", num(s.shared_lines) + " (touched by 2+ threads)");
  row("  data pages", num(s.pages) + " of " + std::to_string(s.page_size) + " B");
  if (s.code_lines) row("  code lines", num(s.code_lines) + " (instruction fetches)");
  return o;
}

std::string TraceStats::to_json() const {
  std::string o = "{";
  o += "\"path\": " + json_string(path) + ", \"format\": " + json_string(format);
  o += ", \"threads\": " + std::to_string(threads);
  o += ", \"line_size\": " + std::to_string(line_size);
  o += ", \"page_size\": " + std::to_string(page_size);
  o += ", \"ops\": " + std::to_string(ops);
  auto arr = [&](const std::vector<std::uint64_t>& v) {
    std::string a = "[";
    for (std::size_t i = 0; i < v.size(); ++i) a += (i ? ", " : "") + std::to_string(v[i]);
    return a + "]";
  };
  o += ", \"ops_per_thread\": " + arr(ops_per_thread);
  o += ", \"lines_per_thread\": " + arr(lines_per_thread);
  o += ", \"by_kind\": {";
  for (int k = 0; k < kNumOpKinds; ++k)
    if ((k < kNumStraightOpKinds && OpKind(k) != OpKind::Marker) || by_kind[k])  // others only where present
      o += std::string(k ? ", " : "") + "\"" + name(OpKind(k)) + "\": " + std::to_string(by_kind[k]);
  o += "}, \"by_ordering\": {";
  for (int k = 0; k < kNumOrderings; ++k)
    o += std::string(k ? ", " : "") + "\"" + name(Ordering(k)) + "\": " + std::to_string(by_ordering[k]);
  o += "}, \"compute_cycles\": " + std::to_string(compute_cycles);
  o += ", \"lines\": " + std::to_string(lines);
  o += ", \"pages\": " + std::to_string(pages);
  o += ", \"shared_lines\": " + std::to_string(shared_lines);
  o += ", \"code_lines\": " + std::to_string(code_lines);
  return o + "}\n";
}

}  // namespace cohsim
