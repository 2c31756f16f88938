#include "coherence/inclusion.hpp"

#include "coherence/private_cache.hpp"

namespace cohsim {

const Choices<Inclusion>& inclusion_policies() {
  static const Choices<Inclusion> c(
      "inclusion",
      {{"nine", Inclusion::Nine, "non-inclusive non-exclusive: fills and evicts without regard to the levels above"},
       {"inclusive", Inclusion::Inclusive,
        "holds every line held above; an eviction back-invalidates the copies above"},
       {"exclusive", Inclusion::Exclusive,
        "a victim cache of the level above (the L3 below a shared L2 or the private caches, a shared L2 below the "
        "L1Ds): lines move down on eviction, up on a hit"}});
  return c;
}
COHSIM_REGISTER_CHOICES(inclusion_policies);

bool FabricCopies::can_back_invalidate(LineAddr line) const {
  if (quiet_ && !quiet_(line)) return false;
  for (const PrivateCache* c : caches_)
    if (!c->can_back_invalidate(line)) return false;
  return true;
}

bool FabricCopies::back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) {
  // Stable states: at most one cache owns the line (a dirty copy); the others hold its data.
  bool newer = false;
  for (PrivateCache* c : caches_) newer |= c->back_invalidate(t, line, data, copies, ready);
  if (forget_) forget_(line);
  return newer;
}

}  // namespace cohsim
