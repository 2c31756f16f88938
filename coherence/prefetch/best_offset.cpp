// Best-Offset prefetcher (P. Michaud, "Best-Offset Hardware Prefetching", HPCA 2016).
// It prefetches X+D on an access to X, and learns D: a list of candidate offsets
// (the products 2^i 3^j 5^k below the lines of a 4 KiB page: 26 offsets, as in the
// author's DPC-2 code for 4 KiB pages), a score per offset, and a recent-requests
// (RR) table of lines Y-D whose prefetch of Y completed (256 entries, direct-mapped,
// 12-bit tags). Each access that misses or first hits a prefetched line is a learning
// step: the offset d under test (round robin over the list) scores if X-d is in the
// RR table, since a prefetch with offset d would then have been timely. A phase ends
// when a score reaches SCORE_MAX = 31 or after ROUND_MAX = 100 rounds; the best
// offset becomes D, and prefetching turns off if its score is at most BAD_SCORE = 1.
// While prefetching is off, demand fills enter the RR table (Y itself), so learning
// goes on. Degree 1, and no prefetch crosses the 4 KiB page.
#include <array>

#include "coherence/prefetcher.hpp"

namespace cohsim {
namespace {

class BestOffset final : public Prefetcher {
 public:
  static constexpr int kScoreMax = 31, kRoundMax = 100, kBadScore = 1;
  static constexpr unsigned kRrEntries = 256, kRrTagBits = 12;

  explicit BestOffset(const PrefetcherParams& p) : p_(p), lines_per_page_(kPrefetchPageBytes >> p.line_shift) {
    for (unsigned d = 1; d < lines_per_page_; ++d) {
      unsigned r = d;
      for (unsigned f : {2u, 3u, 5u})
        while (r % f == 0) r /= f;
      if (r == 1) offsets_[n_offsets_++] = int(d);
    }
  }

  void on_access(LineAddr line, std::uint64_t, PrefetchTrigger trigger, PrefetchCandidates& out) override {
    if (trigger == PrefetchTrigger::Hit) return;
    learn(line);
    if (on_ && same_prefetch_page(line + LineAddr(best_), line, p_.line_shift)) out.add(line + LineAddr(best_));
  }

  void on_fill(LineAddr line, bool prefetched) override {
    if (prefetched) {
      // The base of the prefetch that brought Y (X = Y-D), if it lies in Y's page.
      const LineAddr base = line - LineAddr(best_);
      if (same_prefetch_page(base, line, p_.line_shift)) rr_insert(base);
    } else if (!on_) {
      rr_insert(line);
    }
  }

 private:
  void learn(LineAddr line) {
    const int d = offsets_[test_];
    if (line >= LineAddr(d) && same_prefetch_page(line - LineAddr(d), line, p_.line_shift) &&
        rr_hit(line - LineAddr(d)))
      if (++score_[test_] >= kScoreMax) return end_phase();
    if (++test_ == n_offsets_) {
      test_ = 0;
      if (++round_ >= kRoundMax) end_phase();
    }
  }
  void end_phase() {
    unsigned b = 0;
    for (unsigned i = 1; i < n_offsets_; ++i)
      if (score_[i] > score_[b]) b = i;
    best_ = offsets_[b];
    on_ = score_[b] > kBadScore;
    score_.fill(0);
    round_ = 0;
    test_ = 0;
  }
  static unsigned rr_index(LineAddr l) { return unsigned((l ^ (l >> 8)) & (kRrEntries - 1)); }
  static std::uint16_t rr_tag(LineAddr l) { return std::uint16_t((l >> 8) & ((1u << kRrTagBits) - 1)); }
  void rr_insert(LineAddr l) { rr_[rr_index(l)] = std::uint16_t(rr_tag(l) | 0x8000); }
  bool rr_hit(LineAddr l) const { return rr_[rr_index(l)] == std::uint16_t(rr_tag(l) | 0x8000); }

  PrefetcherParams p_;
  unsigned lines_per_page_;
  std::array<int, 128> offsets_{};
  unsigned n_offsets_ = 0;
  std::array<int, 128> score_{};
  unsigned test_ = 0;
  int round_ = 0;
  int best_ = 1;     // D; the paper starts with offset 1
  bool on_ = true;
  std::array<std::uint16_t, kRrEntries> rr_{};  // bit 15: valid
};

}  // namespace
COHSIM_REGISTER(prefetcher_registry, "best_offset",
                "Best-Offset (Michaud, HPCA 2016): learns the offset D whose prefetches would have been timely, "
                "fetches X+D",
                [](const PrefetcherParams& p) { return std::unique_ptr<Prefetcher>(new BestOffset(p)); });
}  // namespace cohsim
