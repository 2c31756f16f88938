#include "coherence/replacement.hpp"

namespace cohsim {

COHSIM_DEFINE_REGISTRY(ReplacementFactory, replacement_registry, "replacement")

std::unique_ptr<ReplacementPolicy> make_replacement(const std::string& name, const ReplacementParams& p) {
  return replacement_registry().get(name)(p);
}

std::vector<std::string> replacement_names() { return replacement_registry().names(); }

}  // namespace cohsim
