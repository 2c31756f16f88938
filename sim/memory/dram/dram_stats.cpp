#include "sim/memory/dram/dram_stats.hpp"

namespace cohsim {

namespace {

double sum_of(const DramController& c, std::uint64_t DramChannelStats::*field) {
  double n = 0;
  for (const auto& ch : c.channels()) n += double(ch.stats().*field);
  return n;
}

// The latency percentile over every channel's histogram together, in cycles.
double percentile(const DramController& c, double p) {
  const auto& chs = c.channels();
  if (chs.size() == 1) return double(chs[0].stats().read_latency.percentile(p));
  DramLatencyHistogram all;
  for (const auto& ch : chs) {
    const auto& h = ch.stats().read_latency;
    for (unsigned i = 0; i < DramLatencyHistogram::kBuckets; ++i) all.buckets[i] += h.buckets[i];
    all.count += h.count, all.sum += h.sum;
    if (h.max > all.max) all.max = h.max;
  }
  return double(all.percentile(p));
}

}  // namespace

// Statistics (docs/stats.md) of a DRAM controller: main memory (memory.model: dram) and `cohsim dram`.
COHSIM_STAT(kStatRowHits, "[node*.]memory.row_hits", "count", "", "requests whose row was open (their first command was RD/WR)");
COHSIM_STAT(kStatRowMisses, "[node*.]memory.row_misses", "count", "", "requests that found their bank closed (first command ACT)");
COHSIM_STAT(kStatRowConflicts, "[node*.]memory.row_conflicts", "count", "", "requests that found another row open (first command PRE)");
COHSIM_STAT(kStatActivates, "[node*.]memory.activates", "count", "", "ACT commands issued");
COHSIM_STAT(kStatPrecharges, "[node*.]memory.precharges", "count", "", "PRE commands issued");
COHSIM_STAT(kStatRefreshes, "[node*.]memory.refreshes", "count", "", "REF commands issued");
COHSIM_STAT(kStatWriteDrains, "[node*.]memory.write_drains", "count", "", "times the controller started draining its write queue");
COHSIM_STAT(kStatForwardedReads, "[node*.]memory.forwarded_reads", "count", "", "reads answered from a queued write to their line, with no DRAM access (dram.read_forwarding)");
COHSIM_STAT(kStatMergedReads, "[node*.]memory.merged_reads", "count", "", "reads served by the burst of a queued read of their line (dram.read_merging)");
COHSIM_STAT(kStatMergedWrites, "[node*.]memory.merged_writes", "count", "", "writes folded into a queued write to their line, with no burst of their own (dram.write_merging)");
COHSIM_STAT(kStatRowHitRate, "[node*.]memory.row_hit_rate", "ratio", "", "row_hits / (row_hits + row_misses + row_conflicts)");
COHSIM_STAT(kStatRefreshStall, "[node*.]memory.refresh_stall_ns", "ns", "", "time requests waited for refreshes (total)");
COHSIM_STAT(kStatReadLatency, "[node*.]memory.read_latency_ns", "ns", "", "mean read latency: arrival at the controller to the end of its data");
COHSIM_STAT(kStatReadLatencyPct, "[node*.]memory.read_latency_{p50,p95,p99,max}_ns", "ns", "", "read latency percentile (upper bound of the histogram bucket holding it) and maximum");
COHSIM_STAT(kStatBandwidth, "[node*.]memory.bandwidth_GBps", "GBps", "", "data moved over the data bus per second of the run");
COHSIM_STAT(kStatPeak, "[node*.]memory.peak_GBps", "GBps", "", "peak data bandwidth of all channels");
COHSIM_STAT(kStatBwUtil, "[node*.]memory.bandwidth_utilization", "ratio", "", "share of the run the data buses were busy");
COHSIM_STAT(kStatChReads, "[node*.]memory.ch*.reads", "count", "", "RD commands (bursts) of the channel; forwarded and merged reads have none");
COHSIM_STAT(kStatChWrites, "[node*.]memory.ch*.writes", "count", "", "WR commands (bursts) of the channel; merged writes have none");
COHSIM_STAT(kStatChBandwidth, "[node*.]memory.ch*.bandwidth_GBps", "GBps", "",
            "the channel's data bandwidth: (ch*.reads + ch*.writes) bursts x the burst's bytes / the measured time; the channels' sum is memory.bandwidth_GBps");
COHSIM_STAT(kStatChRowHits, "[node*.]memory.ch*.row_hits", "count", "", "the channel's row hits");
COHSIM_STAT(kStatChRowMisses, "[node*.]memory.ch*.row_misses", "count", "", "the channel's row misses");
COHSIM_STAT(kStatChRowConflicts, "[node*.]memory.ch*.row_conflicts", "count", "", "the channel's row conflicts");
COHSIM_STAT(kStatChRefreshes, "[node*.]memory.ch*.refreshes", "count", "", "the channel's refreshes");
COHSIM_STAT(kStatBankAccesses, "[node*.]memory.ch*.rank*.bg*.bank*.accesses", "count", "", "requests served by the bank");
COHSIM_STAT(kStatBankUtil, "[node*.]memory.ch*.rank*.bg*.bank*.utilization", "ratio", "", "share of the run the bank was busy (from an ACT to the end of its precharge)");

void register_dram_stats(Stats& s, const std::string& p, const DramController& c, const std::uint64_t* elapsed,
                         const std::uint64_t* start) {
  static const std::uint64_t kZero = 0;
  if (!start) start = &kZero;
  const DramController* cp = &c;
  const double ns_per_cycle = double(c.params().timing.tCK_ps) / 1000.0;
  using S = DramChannelStats;
  struct Sum {
    const char* name;
    std::uint64_t S::*field;
    const StatDecl* decl;
  };
  for (const Sum& sum : {Sum{"row_hits", &S::row_hits, &kStatRowHits},
                         Sum{"row_misses", &S::row_misses, &kStatRowMisses},
                         Sum{"row_conflicts", &S::row_conflicts, &kStatRowConflicts},
                         Sum{"activates", &S::acts, &kStatActivates},
                         Sum{"precharges", &S::pres, &kStatPrecharges},
                         Sum{"refreshes", &S::refreshes, &kStatRefreshes},
                         Sum{"write_drains", &S::write_drains, &kStatWriteDrains},
                         Sum{"forwarded_reads", &S::forwarded_reads, &kStatForwardedReads},
                         Sum{"merged_reads", &S::merged_reads, &kStatMergedReads},
                         Sum{"merged_writes", &S::merged_writes, &kStatMergedWrites}}) {
    auto f = sum.field;
    s.derived(*sum.decl, p + "." + sum.name, [cp, f] { return sum_of(*cp, f); });
  }
  s.derived(kStatRowHitRate, p + ".row_hit_rate", [cp] {
    const double h = sum_of(*cp, &S::row_hits), all = h + sum_of(*cp, &S::row_misses) + sum_of(*cp, &S::row_conflicts);
    return all > 0 ? h / all : 0.0;
  });
  s.derived(kStatRefreshStall, p + ".refresh_stall_ns",
            [cp, ns_per_cycle] { return sum_of(*cp, &S::refresh_stall_cycles) * ns_per_cycle; });
  s.derived(kStatReadLatency, p + ".read_latency_ns", [cp, ns_per_cycle] {
    double n = 0, sum = 0;
    for (const auto& ch : cp->channels())
      n += double(ch.stats().read_latency.count), sum += double(ch.stats().read_latency.sum);
    return n > 0 ? sum / n * ns_per_cycle : 0.0;
  });
  for (auto [name, q] : {std::pair<const char*, double>{"read_latency_p50_ns", 0.50},
                         {"read_latency_p95_ns", 0.95},
                         {"read_latency_p99_ns", 0.99},
                         {"read_latency_max_ns", 1.0}}) {
    const double qq = q;
    s.derived(kStatReadLatencyPct, p + "." + name, [cp, qq, ns_per_cycle] { return percentile(*cp, qq) * ns_per_cycle; });
  }
  const double burst_bytes = c.params().timing.burst_bytes();
  s.derived(kStatBandwidth, p + ".bandwidth_GBps", [cp, elapsed, burst_bytes, ns_per_cycle] {
    const double bytes = (sum_of(*cp, &S::reads) + sum_of(*cp, &S::writes)) * burst_bytes;
    return *elapsed ? bytes / (double(*elapsed) * ns_per_cycle) : 0.0;
  });
  const double peak = c.params().timing.peak_bytes_per_second() * c.params().channels / 1e9;
  s.derived(kStatPeak, p + ".peak_GBps", [peak] { return peak; });
  s.derived(kStatBwUtil, p + ".bandwidth_utilization", [cp, elapsed] {
    double data = 0;
    for (const auto& ch : cp->channels()) data += double(ch.data_cycles());
    return *elapsed ? data / (double(*elapsed) * double(cp->channels().size())) : 0.0;
  });

  const DramTiming& t = c.params().timing;
  for (std::size_t ci = 0; ci < c.channels().size(); ++ci) {
    const DramChannel* ch = &c.channels()[ci];
    const std::string cpfx = p + ".ch" + std::to_string(ci);
    s.counter(kStatChReads, cpfx + ".reads", &ch->stats().reads);
    s.counter(kStatChWrites, cpfx + ".writes", &ch->stats().writes);
    s.derived(kStatChBandwidth, cpfx + ".bandwidth_GBps", [ch, elapsed, burst_bytes, ns_per_cycle] {
      const double bytes = double(ch->stats().reads + ch->stats().writes) * burst_bytes;
      return *elapsed ? bytes / (double(*elapsed) * ns_per_cycle) : 0.0;
    });
    s.counter(kStatChRowHits, cpfx + ".row_hits", &ch->stats().row_hits);
    s.counter(kStatChRowMisses, cpfx + ".row_misses", &ch->stats().row_misses);
    s.counter(kStatChRowConflicts, cpfx + ".row_conflicts", &ch->stats().row_conflicts);
    s.counter(kStatChRefreshes, cpfx + ".refreshes", &ch->stats().refreshes);
    for (unsigned r = 0; r < t.ranks; ++r)
      for (unsigned g = 0; g < t.bank_groups; ++g)
        for (unsigned b = 0; b < t.banks_per_group; ++b) {
          const std::size_t i = (std::size_t(r) * t.bank_groups + g) * t.banks_per_group + b;
          const std::string bp =
              cpfx + ".rank" + std::to_string(r) + ".bg" + std::to_string(g) + ".bank" + std::to_string(b);
          s.counter(kStatBankAccesses, bp + ".accesses", &ch->stats().bank_accesses[i]);
          // The share of the time the bank was busy: from an ACT to the end of its
          // precharge (tRP after the PRE).
          s.derived(kStatBankUtil, bp + ".utilization", [ch, i, elapsed, start] {
            return *elapsed ? double(std::min(ch->bank_busy_at(*start + *elapsed)[i], *elapsed)) / double(*elapsed)
                            : 0.0;
          });
        }
  }
}

}  // namespace cohsim
