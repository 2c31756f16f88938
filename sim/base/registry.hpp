// One way to add a thing: a plug-in registers itself, by name and with a one-line
// description, in the registry of its kind ("replacement", "protocol", "topology",
// "dram.scheduler", "command", ...). A new policy, topology or command is then one
// file plus its test; nothing else lists it.
//
//   // in the consumer's header: the kind and what a plug-in of it provides
//   using ReplacementFactory = std::function<std::unique_ptr<ReplacementPolicy>(...)>;
//   Registry<ReplacementFactory>& replacement_registry();   // defined with COHSIM_DEFINE_REGISTRY
//
//   // in the plug-in's file
//   COHSIM_REGISTER(replacement_registry, "lru", "true LRU", [](...) { ... });
//
// Every registry also lists its names and descriptions in a type-erased index by kind
// (plugin_names("replacement")), from which the configuration's choices, the docs, the
// shell completion and the tests that sweep "every X" are generated, without including
// the consumer's header (the configuration sits below the consumers).
//
// Registration happens during static initialisation; lookups happen after main()
// starts. Entries are listed by (rank, name): rank orders a kind whose natural order is
// not alphabetical (x86, arm, riscv), and is 0 otherwise.
#pragma once
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cohsim {

struct PluginInfo {
  std::string name;
  std::string description;
  int rank = 0;
  std::string unit;  // for entries that become configuration keys (dram.tRCD: "DRAM cycles"); else ""
};

// The type-erased index: every kind's entries, for listing.
void plugin_index_add(const std::string& kind, const PluginInfo& info);
// The entries of a kind in (rank, name) order; empty for an unknown kind.
std::vector<PluginInfo> plugin_infos(const std::string& kind);
std::vector<std::string> plugin_names(const std::string& kind);
std::vector<std::string> plugin_kinds();

template <class T>
class Registry {
 public:
  struct Entry {
    PluginInfo info;
    T value;
  };
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

  // Registers `value` as `name`; a second registration of a name is a programming error.
  void add(const std::string& name, const std::string& description, T value, int rank = 0) {
    if (entries_.count(name)) throw std::logic_error(kind_ + " '" + name + "' registered twice");
    PluginInfo info{name, description, rank};
    plugin_index_add(kind_, info);
    entries_.emplace(name, Entry{info, std::move(value)});
  }
  // nullptr when no plug-in has that name.
  const T* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second.value;
  }
  // The plug-in; std::logic_error for an unknown name (validation refuses unknown
  // names first, with the choices, so reaching this is a simulator bug).
  const T& get(const std::string& name) const {
    if (const T* v = find(name)) return *v;
    throw std::logic_error("no " + kind_ + " named '" + name + "'");
  }
  // Entries in (rank, name) order.
  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> v;
    for (auto& [n, e] : entries_) v.push_back(&e);
    std::stable_sort(v.begin(), v.end(), [](const Entry* a, const Entry* b) { return a->info.rank < b->info.rank; });
    return v;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> v;
    for (const Entry* e : entries()) v.push_back(e->info.name);
    return v;
  }

 private:
  std::string kind_;
  std::map<std::string, Entry> entries_;
};

// A closed set of named values of one configuration key, declared next to the code
// that uses it: {name, value, description}. It registers its names under the key (so
// the key's declaration, the docs and the validation take them from here) and maps a
// validated name back to its value without string comparisons at run time.
//
//   enum class Arbitration { RoundRobin, Fifo };
//   const Choices<Arbitration>& arbitration_choices() {
//     static const Choices<Arbitration> c("bus.arbitration", {
//         {"round_robin", Arbitration::RoundRobin, "round robin over the requesters"},
//         {"fifo", Arbitration::Fifo, "oldest request first"}});
//     return c;
//   }
//   COHSIM_REGISTER_CHOICES(arbitration_choices);   // lists the names at start-up
template <class V>
class Choices {
 public:
  struct Item {
    const char* name;
    V value;
    const char* description;
  };
  Choices(std::string key, std::vector<Item> items) : key_(std::move(key)), items_(std::move(items)) {
    int rank = 0;
    for (const Item& i : items_) plugin_index_add(key_, PluginInfo{i.name, i.description, rank++});
  }
  const std::string& key() const { return key_; }
  const std::vector<Item>& items() const { return items_; }
  // The value of a name; std::logic_error for a name validation should have refused.
  V value(const std::string& name) const {
    for (const Item& i : items_)
      if (name == i.name) return i.value;
    throw std::logic_error(key_ + ": no choice named '" + name + "'");
  }
  const char* name(V v) const {
    for (const Item& i : items_)
      if (i.value == v) return i.name;
    throw std::logic_error(key_ + ": a value without a name");
  }

 private:
  std::string key_;
  std::vector<Item> items_;
};

#define COHSIM_CONCAT_INNER(a, b) a##b
#define COHSIM_CONCAT(a, b) COHSIM_CONCAT_INNER(a, b)

// Defines `Registry<T>& FN()`, the registry of kind KIND.
#define COHSIM_DEFINE_REGISTRY(T, FN, KIND) \
  ::cohsim::Registry<T>& FN() {             \
    static ::cohsim::Registry<T> r(KIND);   \
    return r;                               \
  }

// Registers a plug-in at start-up: COHSIM_REGISTER(replacement_registry, "lru", "true LRU", value[, rank]).
#define COHSIM_REGISTER(FN, ...) \
  static const bool COHSIM_CONCAT(cohsim_registered_, __LINE__) = (FN().add(__VA_ARGS__), true)

// Makes a function-local Choices table list its names at start-up.
#define COHSIM_REGISTER_CHOICES(FN) static const bool COHSIM_CONCAT(cohsim_choices_, __LINE__) = (FN(), true)

}  // namespace cohsim
