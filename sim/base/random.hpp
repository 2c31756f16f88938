// The simulator's one pseudo-random source. Every random choice (start jitter, network
// jitter, random replacement, the stress tester's operations, litmus schedules, mcheck's
// programs, DRAM request streams) draws from a Random seeded by random_stream(seed,
// NAME, INDEX): the run's seed, the stream's name (what draws: "core.start_jitter",
// "l2.replacement") and which one of them (a core, a thread, a run). Streams are
// independent of one another, so adding a component, or a draw to one component, never
// shifts another component's numbers; the same seed, name and index always give the
// same sequence.
#pragma once
#include <cstdint>
#include <string_view>

namespace cohsim {

// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): 64 bits of state, one add and a
// finaliser per draw; passes BigCrush, and any state (0 included) is a good start.
class Random {
 public:
  constexpr explicit Random(std::uint64_t state = 0) : state_(state) {}
  constexpr std::uint64_t next() { return finalise(state_ += 0x9e3779b97f4a7c15ULL); }
  // A draw in [0, n), n >= 1 (modulo: the bias, under n / 2^64, is far below anything a
  // run can observe for the small n drawn here).
  constexpr std::uint64_t below(std::uint64_t n) { return next() % n; }
  constexpr std::uint64_t state() const { return state_; }

  // SplitMix64's output function: a bijection of 64-bit values that mixes every input
  // bit into every output bit.
  static constexpr std::uint64_t finalise(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// FNV-1a over the stream's name (so a stream is named in the code, not numbered).
constexpr std::uint64_t stream_name_hash(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// The starting state of stream NAME number INDEX of the run seeded SEED.
constexpr std::uint64_t stream_state(std::uint64_t seed, std::string_view name, std::uint64_t index = 0) {
  return Random::finalise(Random::finalise(seed ^ stream_name_hash(name)) + Random::finalise(index + 1));
}

constexpr Random random_stream(std::uint64_t seed, std::string_view name, std::uint64_t index = 0) {
  return Random(stream_state(seed, name, index));
}

}  // namespace cohsim
