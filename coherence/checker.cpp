#include "coherence/checker.hpp"

#include <sstream>

#include "coherence/private_cache.hpp"
#include "sim/base/error.hpp"

namespace cohsim {

void Checker::remember(LineAddr line, const Event& e) {
  auto& h = history_[line];
  h.push_back(e);
  if (h.size() > 16) h.pop_front();
}

std::string Checker::describe(const Event& e) {
  std::ostringstream o;
  o << "t=" << double(e.t) / double(kTicksPerNs) << "ns " << *e.who;
  if (e.from) o << " " << e.from << " -> " << e.to << " on " << e.cause;
  else o << " stores " << e.value << " to 0x" << std::hex << e.addr;
  return o.str();
}

void Checker::transition(Tick t, const std::string& who, LineAddr line, const char* from, const char* to,
                         const char* cause) {
  ++checks_;
  remember(line, {t, &who, from, to, cause, 0, 0});
  int writers = 0, readers = 0;
  for (auto* c : caches_) {
    Permission p = c->permission(line);
    if (p == Permission::Write) ++writers;
    else if (p == Permission::Read) ++readers;
  }
  if (writers > 1 || (writers == 1 && readers > 0)) {
    std::ostringstream m;
    m << "single-writer/multiple-reader violated: " << writers << " writer(s) and " << readers << " reader(s)";
    fail(line, m.str());
  }
}

void Checker::store_performed(Tick t, const std::string& who, Addr a, unsigned size, std::uint64_t v) {
  for (unsigned i = 0; i < size; ++i) shadow_[a + i] = std::uint8_t(v >> (8 * i));
  remember(a / line_size_, {t, &who, nullptr, nullptr, nullptr, a, v});
}

void Checker::load_performed(Tick t, const std::string& who, Addr a, unsigned size, std::uint64_t v) {
  std::uint64_t expect = 0;
  for (unsigned i = 0; i < size; ++i) {
    auto it = shadow_.find(a + i);
    if (it != shadow_.end()) expect |= std::uint64_t(it->second) << (8 * i);
  }
  if (expect != v) {
    std::ostringstream m;
    m << "data-value invariant violated: " << who << " loaded " << v << " from 0x" << std::hex << a << std::dec
      << " at t=" << double(t) / double(kTicksPerNs) << "ns, but the last store wrote " << expect;
    fail(a / line_size_, m.str());
  }
}

void Checker::fail(LineAddr line, const std::string& what) const {
  std::ostringstream o;
  o << "coherence checker: " << what << " (line 0x" << std::hex << line * line_size_ << std::dec << ")\n";
  o << "recent history of the line:\n";
  if (auto it = history_.find(line); it != history_.end())
    for (auto& e : it->second) o << "  " << describe(e) << "\n";
  o << "state of every cache for the line:\n";
  for (auto* c : caches_) o << "  " << c->coh_level_name() << ": permission " << int(c->permission(line)) << "\n";
  throw SimError(o.str());
}

}  // namespace cohsim
