#include "coherence/shared_cache.hpp"

#include <cstring>

namespace cohsim {

SharedCache::SharedCache(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed, Tick latency,
                         bool write_back, bool write_allocate, MemoryLevel* below)
    : array_(g, replacement, seed),
      latency_(latency),
      write_back_(write_back),
      write_allocate_(write_allocate),
      below_(below),
      classifier_(std::size_t(g.size / g.line_size)) {}

unsigned SharedCache::allocate(Tick t, LineAddr line) {
  unsigned way = array_.choose_way(line);
  const unsigned set = array_.set_of(line);
  if (array_.state_at(set, way) != CacheArray::kInvalid) {
    LineAddr victim = array_.tag_at(set, way);
    if (array_.dirty(victim, way)) {
      ++writebacks_;
      below_->write_line(t, victim, array_.data(victim, way));
    }
    array_.invalidate(victim, way);
  }
  return way;
}

void SharedCache::read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* waiter, std::uint64_t tag) {
  int way = array_.find(line);
  if (way >= 0) {
    ++read_hits_, ++hits_;
    classifier_.reference(line);
    array_.touch(line, unsigned(way));
    std::memcpy(out, array_.data(line, unsigned(way)), array_.line_size());
    waiter->memory_ready(tag, t + latency_);
    return;
  }
  ++read_misses_, ++misses_;
  ++cause_[int(classifier_.classify(line))];
  // The line is filled as the request goes down (values move at the call); the
  // requester hears from the level below when the data really arrives.
  below_->read_line(t + latency_, line, out, waiter, tag);
  unsigned w = allocate(t, line);
  array_.fill(line, w, 1, out);
}

void SharedCache::write_line(Tick t, LineAddr line, const std::uint8_t* in) {
  int way = array_.find(line);
  if (way < 0) {
    ++write_misses_, ++misses_;
    ++cause_[int(classifier_.classify(line))];
    if (!write_allocate_) {
      below_->write_line(t + latency_, line, in);
      return;
    }
    way = int(allocate(t, line));
    array_.fill(line, unsigned(way), 1, in);  // a whole-line write needs no fetch
  } else {
    ++write_hits_, ++hits_;
    classifier_.reference(line);
    array_.touch(line, unsigned(way));
    std::memcpy(array_.data(line, unsigned(way)), in, array_.line_size());
  }
  if (write_back_) array_.dirty(line, unsigned(way)) = true;
  else below_->write_line(t + latency_, line, in);
}

void SharedCache::peek_line(LineAddr line, std::uint8_t* out) const {
  int way = array_.find(line);
  if (way >= 0) std::memcpy(out, const_cast<CacheArray&>(array_).data(line, unsigned(way)), array_.line_size());
  else below_->peek_line(line, out);
}

// Statistics (docs/stats.md): a shared L2 or the L3, per NUMA node when there are several.
COHSIM_STAT(kStatHits, "[node*.]l*.hits", "count", "", "requests this shared level received that found their line");
COHSIM_STAT(kStatMisses, "[node*.]l*.misses", "count", "", "requests that did not (every miss here is primary: it fills at once)");
COHSIM_STAT(kStatReadHits, "[node*.]l*.read_hits", "count", "", "line reads that hit");
COHSIM_STAT(kStatReadMisses, "[node*.]l*.read_misses", "count", "", "line reads that missed");
COHSIM_STAT(kStatWriteHits, "[node*.]l*.write_hits", "count", "", "line writes (writebacks from above) that hit");
COHSIM_STAT(kStatWriteMisses, "[node*.]l*.write_misses", "count", "", "line writes that missed");
COHSIM_STAT(kStatCompulsory, "[node*.]l*.compulsory_misses", "count", "", "misses to a line this level had never been asked for (Hill's compulsory misses)");
COHSIM_STAT(kStatCapacity, "[node*.]l*.capacity_misses", "count", "", "other misses that a fully associative LRU cache with as many lines, fed the same requests, would also take");
COHSIM_STAT(kStatConflict, "[node*.]l*.conflict_misses", "count", "", "the other misses (the fully associative LRU cache would have hit); compulsory + capacity + conflict = misses");
COHSIM_STAT(kStatWritebacks, "[node*.]l*.writebacks", "count", "", "dirty lines written back to the level below");
COHSIM_STAT(kStatHitRate, "[node*.]l*.hit_rate", "ratio", "", "hits / (hits + misses); 0 without requests");

void SharedCache::register_stats(Stats& s, const std::string& p) const {
  s.counter(kStatHits, p + ".hits", &hits_);
  s.counter(kStatMisses, p + ".misses", &misses_);
  s.counter(kStatReadHits, p + ".read_hits", &read_hits_);
  s.counter(kStatReadMisses, p + ".read_misses", &read_misses_);
  s.counter(kStatWriteHits, p + ".write_hits", &write_hits_);
  s.counter(kStatWriteMisses, p + ".write_misses", &write_misses_);
  s.counter(kStatCompulsory, p + ".compulsory_misses", &cause_[int(MissCause::Compulsory)]);
  s.counter(kStatCapacity, p + ".capacity_misses", &cause_[int(MissCause::Capacity)]);
  s.counter(kStatConflict, p + ".conflict_misses", &cause_[int(MissCause::Conflict)]);
  s.counter(kStatWritebacks, p + ".writebacks", &writebacks_);
  const auto *h = &hits_, *m = &misses_;
  s.derived(kStatHitRate, p + ".hit_rate", [=] { return *h + *m ? double(*h) / double(*h + *m) : 0.0; });
}

}  // namespace cohsim
