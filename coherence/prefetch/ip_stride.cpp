// IP-stride prefetcher (Chen and Baer's reference prediction table, as in ChampSim's
// ip_stride): 64 entries indexed by the access's PC (access_pc(): the op's pc= when
// the trace carries one, else its trace line), each with the last line and stride that PC touched and a 2-bit
// confidence. A stride seen twice in a row (confidence >= 1) proposes X+stride ..
// X+degree*stride, within X's 4 KiB page. On a loop whose one load walks memory with
// a constant stride, the 3rd access proposes the 4th and so on: of N accesses, N-2
// proposals, N-3 of them used (the last one's target is never read).
#include <array>

#include "coherence/prefetcher.hpp"

namespace cohsim {
namespace {

class IpStride final : public Prefetcher {
 public:
  static constexpr unsigned kEntries = 64;
  explicit IpStride(const PrefetcherParams& p) : p_(p) {}

  void on_access(LineAddr line, std::uint64_t pc, PrefetchTrigger, PrefetchCandidates& out) override {
    Entry& e = table_[pc % kEntries];
    if (!e.valid || e.pc != pc) {
      e = Entry{pc, line, 0, 0, true};
      return;
    }
    const std::int64_t stride = std::int64_t(line) - std::int64_t(e.last);
    if (stride == 0) return;  // the same line again (another word of it)
    if (stride == e.stride) {
      if (e.conf < 3) ++e.conf;
    } else {
      e.stride = stride;
      e.conf = 0;
    }
    e.last = line;
    if (e.conf < 1) return;
    for (unsigned i = 1; i <= p_.degree; ++i) {
      const LineAddr t = LineAddr(std::int64_t(line) + std::int64_t(i) * stride);
      if (!same_prefetch_page(t, line, p_.line_shift)) break;
      out.add(t);
    }
  }

 private:
  struct Entry {
    std::uint64_t pc = 0;
    LineAddr last = 0;
    std::int64_t stride = 0;
    int conf = 0;
    bool valid = false;
  };
  PrefetcherParams p_;
  std::array<Entry, kEntries> table_{};
};

}  // namespace
COHSIM_REGISTER(prefetcher_registry, "ip_stride",
                "per-PC constant strides (64-entry table, 2-bit confidence); fetches `degree` strides ahead",
                [](const PrefetcherParams& p) { return std::unique_ptr<Prefetcher>(new IpStride(p)); });
}  // namespace cohsim
