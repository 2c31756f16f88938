// Random litmus programs for `cohsim mcheck` (docs/mcheck.md), and the reductions the
// shrinker tries. A program is kept as statements (not text) so that dropping a
// thread, a statement or a location is one edit; render() writes it in cohsim's
// litmus format (traces/litmus/README.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/litmus/litmus.hpp"
#include "cpu/trace/op.hpp"

namespace cohsim {

struct McStmt {
  OpKind kind = OpKind::Load;  // Load, Store, FetchAdd, Swap, CompareExchange, Fence
  unsigned loc = 0;
  std::uint64_t value = 0;     // Store, Swap, CAS: the value written; FetchAdd: the addend
  std::uint64_t expected = 0;  // CAS
  Ordering order = Ordering::Relaxed, fail = Ordering::Relaxed;
};

struct McSource {
  unsigned locations = 0;  // named x, y, z, w, then v4, v5, ...
  std::vector<std::vector<McStmt>> threads;
  std::size_t statements() const;
};

struct McGenOptions {
  unsigned min_threads = 2, max_threads = 4;
  unsigned min_locations = 2, max_locations = 4;
  unsigned min_ops = 1, max_ops = 4;  // statements per thread
};

// Program `index` of `seed` (deterministic). Every store, swap and successful
// compare-exchange writes a value no other statement writes (1..63); fetch_add adds a
// distinct power of two from 64 up, so the final values say which writes happened.
McSource mc_generate(std::uint64_t seed, std::uint64_t index, const McGenOptions& o = {});

std::string mc_location_name(unsigned loc);

// The program as a litmus test. `condition`: the text inside `exists (...)`; empty:
// every location equals its initial value (it names every location, so the runner's
// observer reads every final value). `expect`: an `expect` line's text ("" for none).
std::string mc_render(const McSource& p, const std::string& name, const std::string& condition = "",
                      const std::string& expect = "");

// The `exists` condition that names exactly outcome `o` of test `t` (every register,
// then every location's final value when o.memory is set).
std::string mc_outcome_condition(const LitmusTest& t, const LitmusOutcome& o);

// Parses outcome_key() text ("0:r0=1 1:r1=0 x=2") back into an outcome of `t`;
// false when it does not fit the test.
bool mc_parse_outcome(const LitmusTest& t, const std::string& key, LitmusOutcome& o);

// A litmus test as a program (to check and shrink a given test): loads, stores,
// fetch_add, swap, compare_exchange and fences only; UserError naming the first other
// statement. Locations keep their order (renamed x, y, z, w on rendering).
McSource mc_source_from_litmus(const LitmusTest& t);

// Every program one reduction smaller: one thread dropped, one statement dropped, one
// location dropped (with its statements), in that order (larger steps first).
std::vector<McSource> mc_reductions(const McSource& p);

}  // namespace cohsim
