// Replacement policies: plain classes with small hooks, tested without SystemC.
// A new policy is one file in coherence/replacement/ that registers itself with
// COHSIM_REGISTER(replacement_registry, name, description, factory); the
// configuration's `<level>.replacement` choices, the docs and the tests that sweep
// every policy take the names from that registry.
//
// The cache array (coherence/cache_array.hpp) tells its policy of every hit, fill and
// departure of a line; it asks for a victim only when every way of the set is valid.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

// What every policy of one cache array is built with.
struct ReplacementParams {
  unsigned sets = 1, ways = 1;
  unsigned line_shift = 6;  // log2 of the line size (SHiP's memory-region signatures)
  std::uint64_t seed = 0;   // the array's random stream state (random_stream: random, BRRIP's bimodal choice)
};

class ReplacementPolicy {
 public:
  virtual ~ReplacementPolicy() = default;
  // A reference to the line in (set, way) that found it present: a hit, or a store
  // upgrading it.
  virtual void hit(unsigned set, unsigned way) = 0;
  // `line` was installed in (set, way) for the instruction at `pc`: the access's
  // program counter where the cache knows it (L1Port::access_pc, else the trace line),
  // 0 where no instruction is known (a page walk, a prefetch, a request arriving at a
  // shared level).
  virtual void fill(unsigned set, unsigned way, LineAddr line, std::uint64_t pc) = 0;
  // The way to evict from a full set.
  virtual unsigned victim(unsigned set) = 0;
  // The line in (set, way) left the cache (evicted, or invalidated by the protocol).
  // Called only when watches_leaves() says so.
  virtual void leave(unsigned set, unsigned way) {
    (void)set;
    (void)way;
  }
  virtual bool watches_leaves() const { return false; }
  // Whether fill() reads `pc`: the cache works out the PC only for such a policy.
  virtual bool uses_pc() const { return false; }
};

using ReplacementFactory = std::function<std::unique_ptr<ReplacementPolicy>(const ReplacementParams&)>;
Registry<ReplacementFactory>& replacement_registry();  // kind "replacement"

// The registered policy `name` (std::logic_error for an unknown one: validation
// refuses those first, with the choices).
std::unique_ptr<ReplacementPolicy> make_replacement(const std::string& name, const ReplacementParams& p);
std::vector<std::string> replacement_names();

// A factory for a policy class constructed from ReplacementParams.
template <class P>
ReplacementFactory replacement_factory() {
  return [](const ReplacementParams& p) { return std::unique_ptr<ReplacementPolicy>(new P(p)); };
}

}  // namespace cohsim
