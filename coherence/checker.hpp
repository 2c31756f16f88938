// The coherence checker (`check: true`): after every transition it asserts the
// single-writer/multiple-reader invariant for the line across all private caches,
// and every load performed from a cache is compared with a shadow memory holding
// the last store in each location's coherence order (the data-value invariant).
// A violation throws SimError with the line's recent history.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "coherence/protocol.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

class PrivateCache;

class Checker {
 public:
  explicit Checker(unsigned line_size) : line_size_(line_size) {}
  void attach(PrivateCache* c) { caches_.push_back(c); }
  // `who` and the names are kept (not copied) for the history: they must outlive the
  // checker (the caches' names, the protocol table's names, string literals).
  void transition(Tick t, const std::string& who, LineAddr line, const char* from, const char* to, const char* cause);
  void store_performed(Tick t, const std::string& who, Addr a, unsigned size, std::uint64_t v);
  void load_performed(Tick t, const std::string& who, Addr a, unsigned size, std::uint64_t v);
  std::uint64_t checks() const { return checks_; }

 private:
  // A line's history, formatted only when a check fails (formatting every event was
  // a sixth of a litmus run).
  struct Event {
    Tick t;
    const std::string* who;
    const char *from, *to, *cause;  // from == nullptr: `who` stored `value` to `addr`
    Addr addr;
    std::uint64_t value;
  };
  [[noreturn]] void fail(LineAddr line, const std::string& what) const;
  void remember(LineAddr line, const Event& e);
  static std::string describe(const Event& e);

  unsigned line_size_;
  std::vector<PrivateCache*> caches_;
  std::unordered_map<Addr, std::uint8_t> shadow_;  // byte address -> value (absent = 0)
  std::unordered_map<LineAddr, std::deque<Event>> history_;
  std::uint64_t checks_ = 0;
};

}  // namespace cohsim
