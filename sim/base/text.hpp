// Small string helpers shared across the tree.
#pragma once
#include <string>

namespace cohsim {

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace cohsim
