#include "coherence/replacement.hpp"

#include <map>
#include <stdexcept>

#include "sim/base/registry.hpp"
namespace cohsim {

static std::map<std::string, ReplacementFactory>& registry() {
  static std::map<std::string, ReplacementFactory> r;
  return r;
}

void register_replacement(const std::string& name, ReplacementFactory f) {
  plugin_index_add("replacement", PluginInfo{name, ""});
  registry()[name] = std::move(f);
}

std::unique_ptr<ReplacementPolicy> make_replacement(const std::string& name, unsigned sets, unsigned ways,
                                                    std::uint64_t seed) {
  auto it = registry().find(name);
  if (it == registry().end()) throw std::logic_error("unknown replacement policy " + name);
  return it->second(sets, ways, seed);
}

std::vector<std::string> replacement_names() {
  std::vector<std::string> v;
  for (auto& [k, f] : registry()) v.push_back(k);
  return v;
}

}  // namespace cohsim
