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

void FixedLatencyMemory::read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag) {
  ++reads_;
  peek_line(line, out);
  w->memory_ready(tag, reserve(t) + latency_);
}

void FixedLatencyMemory::write_line(Tick t, LineAddr line, const std::uint8_t* in) {
  ++writes_;
  reserve(t);
  std::memcpy(page(line, true), in, line_size_);
}

void FixedLatencyMemory::peek_line(LineAddr line, std::uint8_t* out) const {
  const std::uint8_t* p = page_const(line);
  if (p) std::memcpy(out, p, line_size_);
  else std::memset(out, 0, line_size_);
}

void FixedLatencyMemory::register_stats(Stats& s, const std::string& prefix) const {
  s.counter(prefix + ".reads", &reads_);
  s.counter(prefix + ".writes", &writes_);
  const unsigned ls = line_size_;
  const auto* r = &reads_;
  const auto* w = &writes_;
  s.derived(prefix + ".bytes", [=] { return double((*r + *w) * ls); });
  const auto* q = &queue_ticks_;
  s.derived(prefix + ".queue_delay_ns", [=] { return double(*q) / double(kTicksPerNs); });
}

}  // namespace cohsim
