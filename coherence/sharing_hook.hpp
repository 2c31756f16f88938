// What a private cache tells the sharing advisor (cpu/sharing/sharing_advisor.hpp)
// about the lines other cores take from it: the coherent level's losses to another
// core's request and its coherence misses (coherence/miss_classifier.hpp), each with
// the time its request took. Null in a cache when the advisor is off (advice.sharing).
#pragma once
#include "sim/base/types.hpp"

namespace cohsim {

class SharingHook {
 public:
  virtual ~SharingHook() = default;
  // Another core's request took `line` away from `core`'s cache (the classifier's
  // taken(): the next miss of `core` on it will be a coherence miss).
  virtual void line_taken(int core, LineAddr line) = 0;
  // `core`'s coherence miss on `line` got its data `ticks` after the access missed.
  virtual void coherence_miss(int core, LineAddr line, Tick ticks) = 0;
};

}  // namespace cohsim
