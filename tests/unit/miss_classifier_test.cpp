// The miss classifier against a reference model written differently (a std::list
// LRU and hash sets), and the cache array's lookup helpers against its find().
#include <gtest/gtest.h>

#include <cstdint>
#include <list>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "coherence/cache_array.hpp"
#include "coherence/miss_classifier.hpp"
#include "sim/base/random.hpp"

namespace cohsim {
namespace {

// Hill's three Cs plus coherence, as miss_classifier.hpp defines them: a fully
// associative LRU cache of `lines` lines fed every access, the lines ever seen by a
// primary miss, and those taken away since their last primary miss.
class ClassifierModel {
 public:
  explicit ClassifierModel(std::size_t lines) : lines_(lines) {}
  void reference(LineAddr l) { touch(l); }
  MissCause classify(LineAddr l) {
    const bool fa_hit = touch(l);
    if (!seen_.count(l)) {
      seen_.insert(l);
      taken_.erase(l);
      return MissCause::Compulsory;
    }
    if (taken_.erase(l)) return MissCause::Coherence;
    return fa_hit ? MissCause::Conflict : MissCause::Capacity;
  }
  void taken(LineAddr l) {
    if (seen_.count(l)) taken_.insert(l);
  }
  std::size_t footprint() const { return seen_.size(); }

 private:
  bool touch(LineAddr l) {
    auto it = pos_.find(l);
    if (it != pos_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return true;
    }
    lru_.push_front(l);
    pos_[l] = lru_.begin();
    if (lru_.size() > lines_) {
      pos_.erase(lru_.back());
      lru_.pop_back();
    }
    return false;
  }
  std::size_t lines_;
  std::list<LineAddr> lru_;
  std::unordered_map<LineAddr, std::list<LineAddr>::iterator> pos_;
  std::unordered_set<LineAddr> seen_, taken_;
};

// Random streams with many back-to-back references to one line (the classifier
// answers those without probing its table), reuse within and beyond the capacity,
// lines taken away, and a footprint that makes the table grow several times.
TEST(MissClassifier, MatchesAnLruListModel) {
  for (std::size_t lines : {1u, 4u, 64u, 512u}) {
    MissClassifier mc(lines, lines);
    ClassifierModel model(lines);
    Random rng(1234 + lines);
    LineAddr last = 0;
    for (int i = 0; i < 200000; ++i) {
      const std::uint64_t r = rng.next();
      const unsigned pick = unsigned(r % 100);
      LineAddr l;
      if (pick < 40) l = last;                                       // the same line again
      else if (pick < 80) l = (r >> 8) % (2 * lines + 3);             // a working set about twice the capacity
      else l = (r >> 8) % (40 * lines + 100) + 1000000;                // a wide footprint
      last = l;
      const unsigned op = unsigned((r >> 40) % 10);
      if (op < 5) {
        mc.reference(l);
        model.reference(l);
      } else if (op < 9) {
        ASSERT_EQ(int(mc.classify(l)), int(model.classify(l))) << "lines " << lines << ", access " << i;
      } else {
        mc.taken(l);
        model.taken(l);
      }
    }
    EXPECT_EQ(mc.footprint(), model.footprint());
  }
}

TEST(CacheArray, HoldsAndStatesOfAgreeWithFind) {
  constexpr unsigned kSets = 4, kWays = 4, kLineSize = 64;
  CacheArray a({std::uint64_t(kSets) * kWays * kLineSize, kWays, kLineSize}, "lru", 7);
  std::vector<std::uint8_t> data(kLineSize, 0);
  Random rng(99);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t r = rng.next();
    const LineAddr line = r % 40;  // 10 lines per set: fills evict
    const int w = a.find(line);
    if (r % 7 == 0) {
      if (w >= 0) a.invalidate(line, unsigned(w));
    } else if (w < 0) {
      const unsigned v = a.choose_way(line);
      const unsigned set = a.set_of(line);
      if (a.state_at(set, v) != CacheArray::kInvalid) a.invalidate(a.tag_at(set, v), v);
      a.fill(line, v, std::uint8_t(1 + r % 3), data.data());
    }
    for (LineAddr l = 0; l < 40; ++l) {
      const int f = a.find(l);
      for (unsigned way = 0; way < kWays; ++way) ASSERT_EQ(a.holds(l, way), f == int(way)) << "line " << l;
    }
    for (unsigned set = 0; set < kSets; ++set)
      for (unsigned way = 0; way < kWays; ++way) ASSERT_EQ(a.states_of(set)[way], a.state_at(set, way));
  }
}

// The access sizes' constant-size copies and the general one: little-endian bytes.
TEST(CacheArray, ReadAndWriteValueAreLittleEndianBytes) {
  std::vector<std::uint8_t> line(64);
  for (unsigned size = 1; size <= 8; ++size)
    for (unsigned off : {0u, 1u, 7u, 56u}) {
      for (unsigned i = 0; i < 64; ++i) line[i] = std::uint8_t(0xA0 + i);
      std::uint64_t expect = 0;
      for (unsigned b = 0; b < size; ++b) expect |= std::uint64_t(line[off + b]) << (8 * b);
      EXPECT_EQ(read_value(line.data(), off, size), expect) << "size " << size << " offset " << off;
      const std::uint64_t v = 0x0123456789ABCDEFull;
      write_value(line.data(), off, size, v);
      for (unsigned b = 0; b < size; ++b) EXPECT_EQ(line[off + b], std::uint8_t(v >> (8 * b)));
      if (off + size < 64) {
        EXPECT_EQ(line[off + size], std::uint8_t(0xA0 + off + size));  // nothing beyond
      }
      if (off > 0) {
        EXPECT_EQ(line[off - 1], std::uint8_t(0xA0 + off - 1));
      }
    }
}

}  // namespace
}  // namespace cohsim
