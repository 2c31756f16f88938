// Inclusion policies of a shared, memory-side cache level (`l2.inclusion` for a shared
// L2, `l3.inclusion`) and the interface through which such a level takes back the
// copies of a line that the levels above it hold.
//
// - nine (non-inclusive non-exclusive, the default): a level fills what passes through
//   it and evicts without regard to the levels above.
// - inclusive: every line held above is held here; evicting a line from here
//   back-invalidates every copy above (a shared L2 above the L3, and each private
//   L1D/L2 that holds it), the newest data going to the level below.
// - exclusive: a victim cache of the level directly above (the shared L2 above the
//   L3): a line read from below goes into the level above only; a line the level above
//   evicts, clean or dirty, moves down into this one; a hit here moves the line up and
//   removes it here. No line is in both.
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
// L3, a fabric's caches). A back-invalidation is taken as one step at the tick of the
// eviction (the invalidation messages' time and traffic are not modelled: a named
// simplification), and only when no holder has the line in a transition.
class UpperCopies {
 public:
  virtual ~UpperCopies() = default;
  // Whether every copy of `line` above is in a stable state with no request for it in
  // flight (else the back-invalidation is not made: the line stays above).
  virtual bool can_back_invalidate(LineAddr line) const = 0;
  // Removes every copy of `line` above. `data` holds the evicting level's copy; a dirty
  // copy above (one its own eviction would write back: a private cache's M, O or Sm, a
  // shared L2's dirty line) replaces it, and then the result is true (the level writes
  // `data` below). `copies` counts the copies removed.
  virtual bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies) = 0;
};

class PrivateCache;

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
  bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies) override;

 private:
  std::vector<PrivateCache*> caches_;
  std::function<bool(LineAddr)> quiet_;
  std::function<void(LineAddr)> forget_;
};

}  // namespace cohsim
