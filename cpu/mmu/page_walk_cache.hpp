// A page-walk cache: the non-leaf entries recent walks read (Intel's paging-structure
// caches, Arm's walk caches), so a walk can start below the root. One fully
// associative, LRU array for every level; an entry maps the virtual-address bits
// that select a table entry at `level` to the next table's physical address.
// Walks are rare next to accesses, so a linear search is fine.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

class PageWalkCache {
 public:
  explicit PageWalkCache(unsigned entries) : e_(entries) {}
  unsigned entries() const { return unsigned(e_.size()); }

  // The deepest cached entry on va's path among levels [0, levels-2]: the level it
  // belongs to and the table it points to. `shift_of(level)` gives that level's shift.
  template <typename ShiftOf>
  bool lookup(Addr va, unsigned levels, ShiftOf shift_of, unsigned& level, Addr& next_table) {
    for (unsigned l = levels - 1; l-- > 0;) {
      const std::uint64_t tag = va >> shift_of(l);
      for (Entry& x : e_)
        if (x.valid && x.level == l && x.tag == tag) {
          x.stamp = ++clock_;
          level = l;
          next_table = x.table;
          return true;
        }
    }
    return false;
  }
  void insert(unsigned level, std::uint64_t tag, Addr table) {
    if (e_.empty()) return;
    Entry* v = &e_[0];
    for (Entry& x : e_) {
      if (x.valid && x.level == level && x.tag == tag) {
        v = &x;
        break;
      }
      if (!x.valid) {
        if (v->valid) v = &x;
      } else if (v->valid && x.stamp < v->stamp) {
        v = &x;
      }
    }
    *v = Entry{tag, table, ++clock_, level, true};
  }

 private:
  struct Entry {
    std::uint64_t tag = 0;  // va >> shift(level)
    Addr table = 0;
    std::uint64_t stamp = 0;
    unsigned level = 0;
    bool valid = false;
  };
  std::vector<Entry> e_;
  std::uint64_t clock_ = 0;
};

}  // namespace cohsim
