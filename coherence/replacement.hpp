// Replacement policies: plain classes with small hooks, tested without SystemC.
// A new policy is one file in coherence/replacement/ that registers itself with
// COHSIM_REGISTER_REPLACEMENT; nothing else needs editing.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cohsim {

class ReplacementPolicy {
 public:
  virtual ~ReplacementPolicy() = default;
  // A hit or a fill of (set, way).
  virtual void touch(unsigned set, unsigned way) = 0;
  // The way to evict from a full set.
  virtual unsigned victim(unsigned set) = 0;
};

using ReplacementFactory =
    std::function<std::unique_ptr<ReplacementPolicy>(unsigned sets, unsigned ways, std::uint64_t seed)>;

// Registry by name ("lru", "plru", "random").
void register_replacement(const std::string& name, ReplacementFactory f);
std::unique_ptr<ReplacementPolicy> make_replacement(const std::string& name, unsigned sets, unsigned ways,
                                                    std::uint64_t seed);
std::vector<std::string> replacement_names();

#define COHSIM_REGISTER_REPLACEMENT(NAME, CLASS)                                          \
  static const bool cohsim_registered_##CLASS = [] {                                      \
    ::cohsim::register_replacement(NAME, [](unsigned s, unsigned w, std::uint64_t seed) { \
      return std::unique_ptr<::cohsim::ReplacementPolicy>(new CLASS(s, w, seed));         \
    });                                                                                   \
    return true;                                                                          \
  }()

}  // namespace cohsim
