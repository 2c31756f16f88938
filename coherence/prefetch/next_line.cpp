// Next-line prefetcher: a demand miss (or the first hit on a prefetched line) at line X
// proposes X+1 .. X+degree, within X's 4 KiB page. On an ascending line-by-line stream
// with degree 1, every line of a page but the first is prefetched: one demand miss
// per page (tests/unit/prefetcher_test.cpp, tests/system/prefetch_test.cpp).
#include "coherence/prefetcher.hpp"

namespace cohsim {
namespace {

class NextLine final : public Prefetcher {
 public:
  explicit NextLine(const PrefetcherParams& p) : p_(p) {}
  void on_access(LineAddr line, std::uint64_t, PrefetchTrigger trigger, PrefetchCandidates& out) override {
    if (trigger == PrefetchTrigger::Hit) return;
    for (unsigned i = 1; i <= p_.degree; ++i)
      if (same_prefetch_page(line + i, line, p_.line_shift)) out.add(line + i);
  }

 private:
  PrefetcherParams p_;
};

}  // namespace
COHSIM_REGISTER(prefetcher_registry, "next_line",
                "on a miss or a prefetched hit at line X, fetch X+1 .. X+degree (within the 4 KiB page)",
                [](const PrefetcherParams& p) { return std::unique_ptr<Prefetcher>(new NextLine(p)); });
}  // namespace cohsim
