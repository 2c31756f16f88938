#include "cpu/sharing/sharing_advisor.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cohsim {

namespace {
unsigned log2u(unsigned v) {
  unsigned s = 0;
  while ((1u << s) < v) ++s;
  return s;
}
std::size_t hash(LineAddr l) {
  const std::uint64_t h = l * 0x9E3779B97F4A7C15ull;
  return std::size_t(h ^ (h >> 29));
}
}  // namespace

const char* name(SharingAdvisor::Kind k) {
  switch (k) {
    case SharingAdvisor::Kind::FalseSharing: return "false_sharing";
    case SharingAdvisor::Kind::TrueSharing: return "true_sharing";
    case SharingAdvisor::Kind::Lock: return "lock";
    case SharingAdvisor::Kind::OneCore: return "one_core_seen";
  }
  return "?";
}

SharingAdvisor::SharingAdvisor(unsigned cores, unsigned line_size, AccessObserver* next)
    : cores_(cores), line_size_(line_size), line_shift_(log2u(line_size)), next_(next) {
  if (cores == 0 || line_size == 0 || (line_size & (line_size - 1)))
    throw std::logic_error("a sharing advisor needs cores and a power-of-two line size");
  gshift_ = line_shift_ > 6 ? line_shift_ - 6 : 0;
  key_.assign(2 * kMaxLines, kEmpty);
  entry_.assign(2 * kMaxLines, kNone);
  // Reserved, not touched: a run that shares few lines pays for few.
  e_.reserve(kMaxLines);
  read_.reserve(kMaxLines * cores);
  written_.reserve(kMaxLines * cores);
  core_misses_.reserve(kMaxLines * cores);
  core_accesses_.reserve(kMaxLines * cores);
}

void SharingAdvisor::reset() {
  std::fill(key_.begin(), key_.end(), kEmpty);
  std::fill(entry_.begin(), entry_.end(), kNone);
  e_.clear();
  read_.clear(), written_.clear(), core_misses_.clear(), core_accesses_.clear();
  used_ = 0;
  untracked_ = 0;
}

std::uint32_t SharingAdvisor::find(LineAddr line) const {
  const std::size_t mask = key_.size() - 1;
  for (std::size_t i = hash(line) & mask;; i = (i + 1) & mask) {
    if (key_[i] == line) return entry_[i];
    if (key_[i] == kEmpty) return kNone;
  }
}

std::uint32_t SharingAdvisor::find_or_add(LineAddr line) {
  const std::size_t mask = key_.size() - 1;
  std::size_t i = hash(line) & mask;
  for (; key_[i] != kEmpty; i = (i + 1) & mask)
    if (key_[i] == line) return entry_[i];
  if (used_ == kMaxLines) return kNone;  // at most half full: probes stay short
  if (attach_) {
    attach_();
    attach_ = nullptr;
  }
  key_[i] = line;
  entry_[i] = used_;
  e_.push_back(Entry{line, 0, 0, 0, 0, 0, 0, {}});
  read_.resize(read_.size() + cores_, 0);
  written_.resize(written_.size() + cores_, 0);
  core_misses_.resize(core_misses_.size() + cores_, 0);
  core_accesses_.resize(core_accesses_.size() + cores_, 0);
  return used_++;
}

void SharingAdvisor::line_taken(int, LineAddr line) {
  if (find_or_add(line) == kNone) ++untracked_;
}

void SharingAdvisor::coherence_miss(int core, LineAddr line, Tick ticks) {
  const std::uint32_t n = find_or_add(line);
  if (n == kNone) return;
  Entry& e = e_[n];
  ++e.misses;
  e.miss_ticks += ticks;
  if (unsigned(core) < cores_) ++core_misses_[std::size_t(n) * cores_ + unsigned(core)];
}

void SharingAdvisor::on_access(const AccessEvent& a) {
  if (next_) next_->on_access(a);
  if (used_ == 0 || a.kind == AccessEvent::Fence || a.size == 0 || unsigned(a.thread) >= cores_) return;
  const std::uint32_t n = find(a.addr >> line_shift_);
  if (n == kNone) return;
  Entry& e = e_[n];
  ++e.accesses;
  const unsigned off = unsigned(a.addr & (line_size_ - 1));
  const unsigned lo = off >> gshift_, hi = (off + a.size - 1) >> gshift_;
  const std::uint64_t bits = (hi >= 63 ? ~0ull : ((1ull << (hi + 1)) - 1)) & ~((1ull << lo) - 1);
  const std::size_t c = std::size_t(n) * cores_ + unsigned(a.thread);
  ++core_accesses_[c];
  switch (a.kind) {
    case AccessEvent::Load: read_[c] |= bits; break;
    case AccessEvent::Store: written_[c] |= bits; break;
    case AccessEvent::Rmw:
      read_[c] |= bits;
      if (a.wrote) written_[c] |= bits;
      else ++e.failed;
      ++e.rmws;
      break;
    default: break;
  }
  for (Site& s : e.sites) {
    if (s.count && s.thread == a.thread && s.trace_line == a.line && s.kind == a.kind) {
      ++s.count;
      return;
    }
    if (!s.count) {
      s = {a.thread, a.line, a.kind, a.addr, a.size, 1};
      return;
    }
  }
  ++e.other_sites;
}

std::vector<SharingAdvisor::Line> SharingAdvisor::lines() const {
  std::vector<Line> out;
  for (std::uint32_t n = 0; n < used_; ++n) {
    const Entry& e = e_[n];
    if (!e.misses) continue;
    Line l;
    l.line = e.line;
    l.coherence_misses = e.misses;
    l.miss_ticks = e.miss_ticks;
    l.rmws = e.rmws;
    l.failed_rmws = e.failed;
    l.accesses = e.accesses;
    l.other_sites = e.other_sites;
    unsigned rmw_cores = 0;
    for (unsigned c = 0; c < cores_; ++c) {
      const std::size_t i = std::size_t(n) * cores_ + c;
      if (!core_accesses_[i] && !core_misses_[i]) continue;
      l.cores.push_back(int(c));
      l.read.push_back(read_[i]);
      l.written.push_back(written_[i]);
      l.misses.push_back(core_misses_[i]);
    }
    for (const Site& s : e.sites)
      if (s.count) l.sites.push_back(s);
    std::stable_sort(l.sites.begin(), l.sites.end(),
                     [](const Site& a, const Site& b) { return a.count > b.count; });
    // Who did RMWs: a core with a site of kind Rmw (the sites hold every operation
    // unless more than kSites touched the line; then the masks still classify it).
    std::vector<bool> rmw(cores_, false);
    for (const Site& s : l.sites)
      if (s.kind == AccessEvent::Rmw && !rmw[unsigned(s.thread)]) rmw[unsigned(s.thread)] = true, ++rmw_cores;
    // A lock: RMWs from two or more cores, at least two per such core on average (one
    // RMW per core is a barrier's count or a hand-off, not a line fought over).
    unsigned seen = 0;
    bool overlap = false;
    for (std::size_t i = 0; i < l.cores.size(); ++i) {
      if (l.read[i] | l.written[i]) ++seen;
      for (std::size_t j = 0; j < l.cores.size(); ++j)
        if (i != j && (l.written[i] & (l.read[j] | l.written[j]))) overlap = true;
    }
    l.kind = seen < 2 ? Kind::OneCore : !overlap ? Kind::FalseSharing : rmw_cores >= 2 && l.rmws >= 2 * rmw_cores ? Kind::Lock : Kind::TrueSharing;
    out.push_back(std::move(l));
  }
  std::stable_sort(out.begin(), out.end(), [](const Line& a, const Line& b) {
    if (a.miss_ticks != b.miss_ticks) return a.miss_ticks > b.miss_ticks;
    if (a.coherence_misses != b.coherence_misses) return a.coherence_misses > b.coherence_misses;
    return a.line < b.line;
  });
  return out;
}

std::string symbol_name(const std::vector<std::pair<std::string, Addr>>& symbols, Addr a, Addr stride) {
  const Addr span = std::max<Addr>(1, stride);
  const std::pair<std::string, Addr>* best = nullptr;
  for (auto& s : symbols)
    if (s.second <= a && a - s.second < span && (!best || s.second > best->second)) best = &s;
  std::ostringstream o;
  if (best) {
    o << best->first;
    if (a != best->second) o << "+" << (a - best->second);
  } else {
    o << "0x" << std::hex << a;
  }
  return o.str();
}

}  // namespace cohsim
