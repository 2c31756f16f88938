// What lies below the coherence fabric: optional shared cache levels (a shared L2,
// the L3) and main memory. They hold data and add latency; coherence is not their
// business (the bus serialises every request before it reaches them).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "coherence/cache_array.hpp"
#include "sim/stats.hpp"
#include "sim/types.hpp"

namespace cohsim {

class MemoryLevel {
 public:
  virtual ~MemoryLevel() = default;
  // Reads a whole line into `out`; returns the tick at which the data is available.
  virtual Tick read_line(Tick t, LineAddr line, std::uint8_t* out) = 0;
  // Writes a whole line (a writeback); consumes bandwidth, nobody waits for it.
  virtual void write_line(Tick t, LineAddr line, const std::uint8_t* in) = 0;
  // Reads the current value of a line without timing or side effects (for reports
  // and the checker).
  virtual void peek_line(LineAddr line, std::uint8_t* out) const = 0;
};

// Main memory as a fixed-latency, bandwidth-limited model (named as such): every
// line transfer occupies the channel for line_size / bandwidth; a read's data
// arrives `latency` after its transfer slot. Real DRAM timing is a later model.
class FixedLatencyMemory final : public MemoryLevel {
 public:
  FixedLatencyMemory(unsigned line_size, Tick latency, double bytes_per_second);
  Tick read_line(Tick t, LineAddr line, std::uint8_t* out) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  void register_stats(Stats& s, const std::string& prefix) const;

 private:
  Tick reserve(Tick t);
  std::uint8_t* page(LineAddr line, bool create);
  const std::uint8_t* page_const(LineAddr line) const;

  unsigned line_size_;
  Tick latency_, occupancy_;
  Tick busy_until_ = 0;
  static constexpr unsigned kPageBytes = 4096;
  std::unordered_map<std::uint64_t, std::unique_ptr<std::uint8_t[]>> pages_;
  std::uint64_t reads_ = 0, writes_ = 0, queue_ticks_ = 0;
};

// A shared, memory-side cache level: write-back or write-through, write-allocate or
// not, with its own hit latency in the uncore clock.
class SharedCache final : public MemoryLevel {
 public:
  SharedCache(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed, Tick latency,
              bool write_back, bool write_allocate, MemoryLevel* below);
  Tick read_line(Tick t, LineAddr line, std::uint8_t* out) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  void register_stats(Stats& s, const std::string& prefix) const;

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
