// Stream prefetcher: tracks up to 16 4 KiB pages (least recently used replaced). In a
// page, two successive moves in the same direction (lines, X ascending, or
// the reverse) confirm a stream; from then on each access at line X proposes the
// `degree` lines X±distance .. X±(distance+degree-1), within the page. On a page read
// line by line, the first distance+2 lines miss and the rest are prefetched.
#include <array>
#include <cstdlib>

#include "coherence/prefetcher.hpp"

namespace cohsim {
namespace {

class Stream final : public Prefetcher {
 public:
  static constexpr unsigned kEntries = 16;
  explicit Stream(const PrefetcherParams& p) : p_(p), lines_per_page_(int(kPrefetchPageBytes >> p.line_shift)) {}

  void on_access(LineAddr line, std::uint64_t, PrefetchTrigger, PrefetchCandidates& out) override {
    const LineAddr page = prefetch_page_of(line, p_.line_shift);
    const int off = int(line & LineAddr(lines_per_page_ - 1));
    Entry* e = nullptr;
    for (Entry& x : table_)
      if (x.valid && x.page == page) e = &x;
    if (!e) {
      e = &table_[0];
      for (Entry& x : table_)
        if (!x.valid || x.stamp < e->stamp) e = &x;
      *e = Entry{page, off, 0, 0, ++clock_, true};
      return;
    }
    e->stamp = ++clock_;
    const int delta = off - e->last;
    if (delta == 0) return;
    const int dir = delta > 0 ? 1 : -1;
    if (dir == e->dir) {
      if (e->conf < 2) ++e->conf;
    } else {
      e->dir = dir;
      e->conf = 1;
    }
    e->last = off;
    if (e->conf < 2) return;
    for (unsigned i = 0; i < p_.degree; ++i) {
      const int t = off + dir * int(p_.distance + i);
      if (t < 0 || t >= lines_per_page_) break;
      out.add(page * LineAddr(lines_per_page_) + LineAddr(t));
    }
  }

 private:
  struct Entry {
    LineAddr page = 0;
    int last = 0;  // line offset in the page of the last access
    int dir = 0;   // +1 ascending, -1 descending, 0 not yet known
    int conf = 0;  // successive moves in `dir` (2: a confirmed stream)
    std::uint64_t stamp = 0;
    bool valid = false;
  };
  PrefetcherParams p_;
  int lines_per_page_;
  std::array<Entry, kEntries> table_{};
  std::uint64_t clock_ = 0;
};

}  // namespace
COHSIM_REGISTER(prefetcher_registry, "stream",
                "ascending or descending streams per 4 KiB page (16 pages tracked); fetches `degree` lines "
                "starting `distance` lines ahead",
                [](const PrefetcherParams& p) { return std::unique_ptr<Prefetcher>(new Stream(p)); });
}  // namespace cohsim
