// A per-thread trace, read as a stream: a trace of 100 million operations runs in
// bounded memory. Trace::open() recognises the format (text, binary, Dinero din,
// and the imported Valgrind lackey and ChampSim traces).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cpu/trace/op.hpp"

namespace cohsim {

struct TraceOptions {
  // Symbolic addresses (`x`, `y`) that are not placed explicitly each get a line of
  // their own: they are laid out `symbol_stride` bytes apart from `symbol_base`.
  Addr symbol_base = 0x10000;
  unsigned symbol_stride = 64;
  // The input format: "" recognises it (Trace::open), or one of trace_formats().
  std::string format;
  // ChampSim: each record also becomes an `ifetch.1` of its ip, before its memory
  // operations (System sets it when l1i.size > 0, so an L1I sees the instruction
  // stream; off, the import is what it was).
  bool champsim_ifetch = false;
};

// The formats Trace::open reads: "text", "binary", "din", "lackey", "champsim".
const std::vector<std::string>& trace_formats();

// The operations of one thread, in program order.
class ThreadStream {
 public:
  virtual ~ThreadStream() = default;
  // Fills `op` with the next operation; false at the end of the thread. Throws
  // UserError naming file:line on a malformed operation.
  virtual bool next(Op& op) = 0;
  // A program thread (registers read, branches, waits; checked when the trace was
  // opened): all its ops, in memory, for a core that follows its branches. Null for
  // a straight-line thread, which is read as a stream.
  virtual const std::vector<Op>* program() const { return nullptr; }
};

class Trace {
 public:
  virtual ~Trace() = default;
  // Opens `path`; throws UserError (file:line: message) if it cannot be read or
  // its header/structure is malformed.
  static std::unique_ptr<Trace> open(const std::string& path, const TraceOptions& opts = {});

  virtual const std::string& path() const = 0;
  virtual const char* format() const = 0;  // one of trace_formats()
  virtual unsigned threads() const = 0;    // number of thread sections
  virtual std::unique_ptr<ThreadStream> stream(unsigned thread) const = 0;
  // Register names of a thread, indexed by Op::reg ("r0", "r1", ...).
  virtual const std::vector<std::string>& registers(unsigned thread) const = 0;
  // Symbol name -> address, for reports.
  virtual const std::vector<std::pair<std::string, Addr>>& symbols() const = 0;
};

}  // namespace cohsim
