// Inclusion policies of a shared, memory-side cache level (`l2.inclusion` for a shared
// L2, `l3.inclusion`) and the interface through which such a level takes back the
// copies of a line that the levels above it hold.
//
// - nine (non-inclusive non-exclusive, the default): a level fills what passes through
//   it and evicts without regard to the levels above.
// - inclusive: every line held above is held here; evicting a line from here
//   back-invalidates every copy above (a shared L2 above the L3, and each private
//   L1D/L2 that holds it), the newest data going to the level below.
// - exclusive: a victim cache of the level directly above: a line read from below goes
//   into the level above only; a line the level above evicts, clean or dirty, moves
//   down into this one; a hit here moves the line up and removes it here.
//   * Below a shared L2 (the L3 only): no line is in both.
//   * Below private caches (the L3 with private L2s or L1Ds only, the Zen/Skylake-SP
//     style victim L3; or a shared L2 under the L1Ds, l2.inclusion: exclusive, above a
//     nine or inclusive L3): each core's coherent level sends that level its clean victims over
//     the fabric (CleanVictimSink) and its dirty ones through the fabric's writebacks. A read hit
//     moves the line up and out of the L3 whoever else holds it (the L3 sits below the
//     fabric and does not see the sharers: the named choice "move up even when
//     shared"); a line another core still holds may come back down with that core's
//     eviction. A read hit on a dirty line copies it up clean and keeps it here, dirty
//     (the private caches' protocols take a read's line clean, so this level keeps the
//     duty to write it back). A line can be in both only then, while other cores share
//     it, or after the fabric writes a line that stays above (an MSI M->S downgrade).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

enum class Inclusion : std::uint8_t { Nine, Inclusive, Exclusive };
// The choices of l2.inclusion and l3.inclusion (plug-in kind "inclusion").
const Choices<Inclusion>& inclusion_policies();

// Holders of copies above a memory-side level (a private cache, a shared L2 above the
// L3, a fabric's caches). A back-invalidation changes the holders' states at the tick
// of the eviction, and only when no holder has the line in a transition; it takes the
// time of the lookups it passes through (`ready`: each level's hit latency on the way
// up, the L2's and then, when it holds a copy, the L1D's), and the victim leaves (its
// writeback to the level below, with a dirty copy's data from above) only then. The
// invalidation messages' fabric time and traffic are not modelled, and the requester
// whose fill chose the victim does not wait for it (the victim waits in a writeback
// buffer): named simplifications.
class UpperCopies {
 public:
  virtual ~UpperCopies() = default;
  // Whether every copy of `line` above is in a stable state with no request for it in
  // flight (else the back-invalidation is not made: the line stays above).
  virtual bool can_back_invalidate(LineAddr line) const = 0;
  // Removes every copy of `line` above. `data` holds the evicting level's copy; a dirty
  // copy above (one its own eviction would write back: a private cache's M, O or Sm, a
  // shared L2's dirty line) replaces it, and then the result is true (the level writes
  // `data` below). `copies` counts the copies removed; `ready` is raised to the tick the
  // last holder's lookup ends (its data, if dirty, back at the evicting level).
  virtual bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies,
                               Tick& ready) = 0;
};

class PrivateCache;

// An exclusive level under private caches (l3.inclusion: exclusive without a shared L2,
// or l2.inclusion: exclusive at a shared L2):
// a private cache's coherent level evicts a line whose eviction writes nothing back (a
// clean copy in S, E, F, Dragon's Sc...) and sends it over the fabric (the bus's
// clean-victim transaction, SnoopBus::clean_victim; on a directory its PutS/PutE with
// the line). The fabric calls the sink when the transfer is delivered and not dropped
// (overtaken by another request for the line, or a stale Put); the data moves at the
// call and takes that level's bank at tick t.
class CleanVictimSink {
 public:
  virtual ~CleanVictimSink() = default;
  virtual void clean_victim(Tick t, LineAddr line, const std::uint8_t* data) = 0;
};

// The private caches on a fabric, as the holders above the shared level at its memory
// side: a line is taken back only when the fabric too has nothing under way for it
// (`quiet`: SnoopBus::line_quiet, Directory::line_quiet), and `forget` then tells the
// fabric no cache holds it (the directory's entry returns to I; nothing on the bus).
class FabricCopies final : public UpperCopies {
 public:
  FabricCopies(std::vector<PrivateCache*> caches, std::function<bool(LineAddr)> quiet,
               std::function<void(LineAddr)> forget)
      : caches_(std::move(caches)), quiet_(std::move(quiet)), forget_(std::move(forget)) {}
  bool can_back_invalidate(LineAddr line) const override;
  bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) override;

 private:
  std::vector<PrivateCache*> caches_;
  std::function<bool(LineAddr)> quiet_;
  std::function<void(LineAddr)> forget_;
};

}  // namespace cohsim
