#include "coherence/prefetcher.hpp"

#include <sstream>

namespace cohsim {

COHSIM_DEFINE_REGISTRY(PrefetcherFactory, prefetcher_registry, "prefetcher")

std::vector<std::string> prefetcher_list(const std::string& value) {
  std::vector<std::string> v;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur != "none") v.push_back(cur);
    cur.clear();
  };
  for (char c : value) {
    if (c == ',' || c == ' ' || c == '[' || c == ']') flush();
    else cur += c;
  }
  flush();
  return v;
}

std::vector<std::unique_ptr<Prefetcher>> make_prefetchers(const std::string& value, const PrefetcherParams& p) {
  std::vector<std::unique_ptr<Prefetcher>> v;
  for (const std::string& n : prefetcher_list(value)) v.push_back(prefetcher_registry().get(n)(p));
  return v;
}

}  // namespace cohsim
