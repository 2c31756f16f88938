// A shared, memory-side cache level (a shared L2, the L3): a MemoryLevel that holds
// lines in a CacheArray, below the coherence fabric (which serialises every request to
// a line before it reaches it).
#pragma once
#include <cstdint>
#include <string>

#include "coherence/cache_array.hpp"
#include "sim/base/stats.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {

// A shared, memory-side cache level: write-back or write-through, write-allocate or
// not, with its own hit latency in the uncore clock.
class SharedCache final : public MemoryLevel {
 public:
  SharedCache(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed, Tick latency, bool write_back,
              bool write_allocate, MemoryLevel* below);
  void read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  void register_stats(Stats& s, const std::string& prefix) const;
  // Warm-up / region of interest: zeroes the statistics (the lines stay).
  void reset_stats() { read_hits_ = read_misses_ = write_hits_ = write_misses_ = writebacks_ = hits_ = misses_ = 0; }

 private:
  unsigned allocate(Tick t, LineAddr line);

  CacheArray array_;
  Tick latency_;
  bool write_back_, write_allocate_;
  MemoryLevel* below_;
  std::uint64_t read_hits_ = 0, read_misses_ = 0, write_hits_ = 0, write_misses_ = 0, writebacks_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace cohsim
