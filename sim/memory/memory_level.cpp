#include "sim/memory/memory_level.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cohsim {

const Choices<MemoryModel>& memory_models() {
  static const Choices<MemoryModel> c(
      "memory.model", {{"fixed", MemoryModel::Fixed, "a fixed latency and a bandwidth limit"},
                       {"dram", MemoryModel::Dram, "DRAM channels, banks and timing with a scheduling controller"}});
  return c;
}
COHSIM_REGISTER_CHOICES(memory_models);

FixedLatencyMemory::FixedLatencyMemory(unsigned line_size, Tick latency, double bytes_per_second)
    : line_size_(line_size),
      latency_(latency),
      occupancy_(Tick(std::llround(double(line_size) / bytes_per_second * 1e15))) {}

Tick FixedLatencyMemory::reserve(Tick t) {
  Tick start = std::max(t, busy_until_);
  queue_ticks_ += start - t;
  busy_until_ = start + occupancy_;
  return busy_until_;
}

std::uint8_t* FixedLatencyMemory::page(LineAddr line, bool create) { return values_.at(line * line_size_, create); }

const std::uint8_t* FixedLatencyMemory::page_const(LineAddr line) const { return values_.at(line * line_size_); }

void FixedLatencyMemory::read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                                   std::uint32_t) {
  ++reads_;
  peek_line(line, out);
  w->memory_ready(tag, reserve(t) + latency_);
}

void FixedLatencyMemory::write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t) {
  ++writes_;
  reserve(t);
  std::memcpy(page(line, true), in, line_size_);
}

void FixedLatencyMemory::peek_line(LineAddr line, std::uint8_t* out) const {
  const std::uint8_t* p = page_const(line);
  if (p) std::memcpy(out, p, line_size_);
  else std::memset(out, 0, line_size_);
}

// Statistics (docs/stats.md) of main memory, fixed-latency or DRAM.
COHSIM_STAT(kStatReads, "[node*.]memory.reads", "count", "", "line reads from memory");
COHSIM_STAT(kStatWrites, "[node*.]memory.writes", "count", "", "line writes to memory");
COHSIM_STAT(kStatBytes, "[node*.]memory.bytes", "bytes", "", "bytes moved to and from memory (lines x line size)");
COHSIM_STAT(kStatQueueDelay, "[node*.]memory.queue_delay_ns", "ns", "", "total time requests queued for the fixed-latency memory's bandwidth (memory.model: fixed)");

void register_memory_traffic_stats(Stats& s, const std::string& prefix, const std::uint64_t* reads,
                                   const std::uint64_t* writes, unsigned line_size) {
  s.counter(kStatReads, prefix + ".reads", reads);
  s.counter(kStatWrites, prefix + ".writes", writes);
  const auto *r = reads, *w = writes;
  s.derived(kStatBytes, prefix + ".bytes", [=] { return double((*r + *w) * line_size); });
}

void FixedLatencyMemory::register_stats(Stats& s, const std::string& prefix) const {
  register_memory_traffic_stats(s, prefix, &reads_, &writes_, line_size_);
  const auto* q = &queue_ticks_;
  s.derived(kStatQueueDelay, prefix + ".queue_delay_ns", [=] { return double(*q) / double(kTicksPerNs); });
}

}  // namespace cohsim
