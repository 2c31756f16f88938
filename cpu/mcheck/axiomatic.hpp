// An axiomatic memory-model checker, independent of the simulated machine
// (docs/mcheck.md). It decides whether an outcome of a litmus test (each register's
// final value, optionally each location's final value) is allowed by an
// architecture's model, the way herd7 does: build the test's events from the
// instructions the ISA's lowering gives each operation, enumerate every candidate
// execution (coherence order per location, reads-from per load, which
// compare-exchanges succeed) that yields the outcome, and accept when one of them
// satisfies the model's axioms:
//   x86    x86-TSO (herd7's x86tso.cat): uniproc, atomicity, acyclic ghb
//   arm    ARMv8 (herd7's aarch64.cat): internal visibility, atomicity, acyclic ob
//          with ob = obs | dob | aob | bob
//   riscv  RVWMO (herd7's riscv.cat): coherence, atomicity, acyclic co|rfe|fr|ppo
//          with the PPO rules r1-r13 (no address dependencies: tests have none)
// It shares nothing with the core's implementation of ordering: only the lowering
// tables (what instructions an operation is) and the litmus parser.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cpu/litmus/litmus.hpp"

namespace cohsim {

enum class McModel : std::uint8_t { Tso, Armv8, Rvwmo };
McModel mc_model_for_isa(const std::string& isa);  // "x86", "arm", "riscv"; UserError otherwise
const char* name(McModel m);                       // "x86-TSO", "ARMv8", "RVWMO"

// One memory event of the test (an instruction's read, write or barrier).
struct McEvent {
  enum Kind : std::uint8_t { Read, Write, Fence } kind = Read;
  unsigned thread = 0;  // ~0u: an initial write
  unsigned op = 0;      // index of the operation in its thread (t.ops[thread])
  unsigned loc = 0;     // Read, Write
  bool acquire = false, release = false;  // ARMv8 A/L, RVWMO .aq/.rl
  bool exclusive = false;                 // ldxr/stxr, lr/sc
  bool amo = false;                       // a single-instruction atomic (x86 lock, LSE, RISC-V AMO)
  bool locked = false;                    // x86: a locked instruction's access
  bool conditional = false;               // Write: a compare-exchange's store, present only on success
  std::uint8_t orders = 0;                // Fence: OrderPair bits; x86 mfence: all four
  int rmw_read = -1;                      // Write of a read-modify-write: index of its read
  int data_from = -1;                     // Write: the read its value depends on (ll/sc fetch_add)
  std::uint64_t ctrl = 0;                 // reads (bit i: events[i]) a branch before this event tests (CAS loop)
};

struct McProgram {
  McModel model = McModel::Tso;
  const LitmusTest* test = nullptr;
  std::vector<McEvent> events;                // program events, threads in order, po within a thread
  std::vector<std::vector<unsigned>> thread;  // per thread: its events in program order
};

// The events of `t` (parsed, with t.ops filled) lowered for `isa` ("x86", "arm",
// "riscv"; `lse`: AArch64 with LSE atomics) and judged by that ISA's model. `model`
// overrides the model (a check against a stricter one finds the machine's relaxations).
McProgram mc_program(const LitmusTest& t, const std::string& isa, bool lse);
McProgram mc_program(const LitmusTest& t, const std::string& isa, bool lse, McModel model);

struct McVerdict {
  bool allowed = false;
  std::uint64_t candidates = 0;  // candidate executions with this outcome examined
  std::string reason;            // not allowed: the axiom every candidate broke first (or "no candidate")
};

// Whether `o` (registers; memory: every location's final value, or empty) is allowed.
McVerdict mc_check(const McProgram& p, const LitmusOutcome& o);

// Every outcome the model allows (all registers and all final values), for tests.
std::vector<LitmusOutcome> mc_allowed_outcomes(const McProgram& p);

}  // namespace cohsim
