// Litmus tests written the way Rust code reads (traces/litmus/README.md):
//
//   litmus MP+rel+acq
//   init x = 0; y = 0
//   thread 0 {
//     x.store(1, Ordering::Relaxed);
//     y.store(1, Ordering::Release);
//   }
//   thread 1 {
//     let r0 = y.load(Ordering::Acquire);
//     let r1 = x.load(Ordering::Relaxed);
//   }
//   exists (1:r0 == 1 && 1:r1 == 0)
//
// parse_litmus() reads one; litmus_trace() gives the per-thread trace the simulator runs.
// (Interface agreed between the litmus runner and the race finder.)
//
// How a litmus test becomes a trace (litmus_trace):
//   * Every location gets a line of its own: location i (LitmusTest::locations, in
//     order of first appearance, `init` first) is at symbol_base + i * symbol_stride.
//   * The test's operations keep their litmus source line in Op::line (>= 1). Every
//     operation litmus_trace() adds itself -- initial stores, warm-up accesses,
//     fences and delays -- has Op::line == 0: tools that reason about the test (the
//     race finder) skip line-0 operations.
//   * Memory starts at zero, so only non-zero initial values need stores: thread 0
//     begins with `store x V Relaxed` for each of them and a `fence SeqCst`; every
//     other thread begins with `compute LitmusSchedule::init_wait` cycles (long
//     enough for those stores and the fence: they are the first thing the system
//     does). A test whose initial values are all zero gets no preamble at all.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim {

// The `exists (...)` condition, parsed: a tree of && / || / ! over comparisons.
struct LitmusCond {
  enum Kind { And, Or, Not, Eq, Ne, True } kind = True;
  std::shared_ptr<const LitmusCond> a, b;  // operands (And, Or: both; Not: a)
  // Eq / Ne: a register (thread >= 0, reg = index into registers[thread]) or the final
  // value of a location (thread == -1, reg = index into locations), against `value`.
  int thread = -1, reg = -1;
  std::uint64_t value = 0;
};

struct LitmusTest {
  std::string path;
  std::string name;
  std::vector<std::pair<std::string, std::uint64_t>> init;  // location -> initial value
  unsigned threads = 0;
  std::string condition_text;  // the `exists (...)` as written
  std::string expectation;     // "allowed", "forbidden" or "" (from an `expect` line, if any)
  // The trace text of the test (threads' operations, one per line, with the source
  // line numbers of the litmus file preserved in Op::line): line N of trace_text is
  // line N of the litmus file (a `thread N` line where the file says `thread N {`,
  // one text-trace operation per statement line, blank lines elsewhere), with the
  // locations as symbols. It holds no initial stores (see `init`).
  std::string trace_text;
  // Register names per thread, in the order the trace declares them.
  std::vector<std::vector<std::string>> registers;
  // Per thread: the temporaries the parser added (an index scaled to bytes, the value a
  // loop condition reads), numbered after `registers` and left out of outcomes.
  std::vector<std::vector<std::string>> temporaries;
  // Per thread: a program (registers read, branches, loops, waits), checked by
  // check_program() and run by the core from memory; false: a straight line.
  std::vector<bool> program;

  // Added by the runner:
  std::vector<std::string> locations;  // every location, in order of first appearance
  std::vector<std::vector<Op>> ops;    // per thread; Op::addr = index into `locations`
  // Per-ISA expectations from `expect x86: forbidden` lines: (isa, verdict).
  std::vector<std::pair<std::string, std::string>> isa_expectations;
  std::shared_ptr<const LitmusCond> condition;
  bool condition_reads_memory = false;  // the condition names a location's final value
  std::uint64_t location_init(unsigned loc) const;
};

// Throws UserError naming file:line and what is wrong.
LitmusTest parse_litmus(const std::string& path);
// The same from text (`path` names it in messages).
LitmusTest parse_litmus_text(const std::string& text, const std::string& path);

// Timing of one randomised run (the runner draws one per run).
struct LitmusSchedule {
  struct Warm {
    unsigned location;
    bool own;  // true: `fetch_add LOC 0 Relaxed` (the line arrives writable), false: a load
  };
  std::vector<std::vector<Warm>> warm;  // per thread: warm-up accesses, then `fence SeqCst`
  std::vector<std::uint64_t> delay;     // per thread: `compute N` before the test's operations
  // The runner's aligned runs: a first simulation of the preamble alone (warm_only)
  // measures when each thread's warm-up ends; the real run then delays each thread by
  // (latest end - its end) + offset[thread], so the threads start the test within
  // `offset` cycles of each other whatever the warm-up cost.
  bool aligned = false;
  std::vector<std::uint64_t> offset;
  bool warm_only = false;          // the trace stops after the warm-up (no test operations)
  std::uint64_t init_wait = 3000;  // cycles the other threads wait for thread 0's initial stores
  // > 0: one more thread (the observer) computes this many cycles and then loads every
  // location with SeqCst into a register named after it (final values for the condition).
  std::uint64_t observer_wait = 0;
  // Modelled timing variation for the run (0 = off): core.load_jitter,
  // core.drain_jitter and, on the directory fabric, network.jitter.
  std::uint64_t load_jitter = 0, drain_jitter = 0, network_jitter = 0;
};

// The trace of a litmus test: initial values (see above), no warm-up, no delays.
std::unique_ptr<Trace> litmus_trace(const LitmusTest& t, const TraceOptions& opts = {});
// The same with a run's warm-up, delays and optional observer thread.
std::unique_ptr<Trace> litmus_trace(const LitmusTest& t, const TraceOptions& opts, const LitmusSchedule& s);

// The values one run produced: regs[thread][register], and (when the condition reads
// memory) memory[location], the final values.
struct LitmusOutcome {
  std::vector<std::vector<std::uint64_t>> regs;
  std::vector<std::uint64_t> memory;  // empty: not observed
};
bool condition_holds(const LitmusTest& t, const LitmusOutcome& o);
// "0:r0=0 1:r1=1 x=2": registers by thread then declaration order, then the final
// values of the locations the condition names, in order of `locations`.
std::string outcome_key(const LitmusTest& t, const LitmusOutcome& o);
// The expectation for an ISA ("x86", "arm", "riscv"): the `expect ISA:` line, else
// the plain `expect` line, else "".
std::string expectation_for(const LitmusTest& t, const std::string& isa);

}  // namespace cohsim
