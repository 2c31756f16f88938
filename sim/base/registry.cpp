#include "sim/base/registry.hpp"

namespace cohsim {
namespace {

std::map<std::string, std::vector<PluginInfo>>& index() {
  static std::map<std::string, std::vector<PluginInfo>> i;
  return i;
}

}  // namespace

void plugin_index_add(const std::string& kind, const PluginInfo& info) {
  auto& v = index()[kind];
  for (const PluginInfo& p : v)
    if (p.name == info.name) throw std::logic_error(kind + " '" + info.name + "' registered twice");
  v.push_back(info);
}

std::vector<PluginInfo> plugin_infos(const std::string& kind) {
  auto it = index().find(kind);
  if (it == index().end()) return {};
  std::vector<PluginInfo> v = it->second;
  std::sort(v.begin(), v.end(), [](const PluginInfo& a, const PluginInfo& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.name < b.name;
  });
  return v;
}

std::vector<std::string> plugin_names(const std::string& kind) {
  std::vector<std::string> v;
  for (const PluginInfo& p : plugin_infos(kind)) v.push_back(p.name);
  return v;
}

std::vector<std::string> plugin_kinds() {
  std::vector<std::string> v;
  for (auto& [k, e] : index()) v.push_back(k);
  return v;
}

}  // namespace cohsim
