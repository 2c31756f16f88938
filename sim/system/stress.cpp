#include "sim/system/stress.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "coherence/directory.hpp"
#include "cpu/trace/random_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/random.hpp"
#include "sim/base/wake.hpp"
#include "sim/system/system.hpp"

namespace cohsim {

namespace {

// The steering (RandomSteering::update): at each check, which reachable cells of the
// caches' table (and the home's) are still unhit, and from their states and events,
// how often each pattern of the generator is chosen. A cell asks for the patterns
// that make its event meet its state: a core's own access in a transient state (a
// second access while the first one's miss is in flight, or a store held back while
// a younger load's miss goes out), a replacement (set thrashing), another cache's
// request (a hot line), a response or the home's cells (a mix of all).
class CoverageSteer {
 public:
  // `jitter`: set the split bus's response and request jitter for the next epoch, and
  // whose requests take the latter (a core, or -1: everyone's) (null: no split bus, or
  // the user chose bus.response_jitter or bus.request_jitter);
  // `net_jitter`: the network's (null: no network, or the user chose network.jitter);
  // `writeback`: set the split bus's writeback delay and whose writebacks take it (null:
  // no split bus, or the user chose bus.writeback_delay).
  CoverageSteer(const ProtocolTable& t, const ProtocolTable* home, const Stats& s, unsigned lines, unsigned threads,
                std::uint64_t seed,
                std::function<void(unsigned, unsigned, int)> jitter, std::function<void(unsigned, unsigned, int)> net_jitter,
                std::function<void(unsigned, int)> writeback, std::function<void(unsigned, int)> put_delay,
                std::function<void(unsigned)> owner_delay)
      : lines_(lines),
        threads_(threads),
        rng_(random_stream(seed, "stress.hot_line")),
        jitter_rng_(random_stream(seed, "stress.response_jitter")),
        slow_rng_(random_stream(seed, "stress.slow_client")),
        group_rng_(random_stream(seed, "stress.group")),
        jitter_(std::move(jitter)),
        net_jitter_(std::move(net_jitter)),
        writeback_(std::move(writeback)),
        put_delay_(std::move(put_delay)),
        owner_delay_(std::move(owner_delay)) {
    add(t, s.counters_containing(".cells."), ".cells.", false);
    if (home) add(*home, s.counters_containing(".dircells."), ".dircells.", true);
  }

  void operator()(RandomSteering& st) {
    ++checks_;
    std::array<std::uint64_t, kRandomPatterns> score{};
    std::size_t unhit = 0, stale_home_count = 0, owner_upgrade_count = 0;
    bool retry_unhit = false, stale_unhit = false, home_unhit = false, stable_stale_unhit = false,
         transient_stale_unhit = false, buffer_stale_unhit = false, stale_home_unhit = false, late_id_unhit = false,
         late_s_unhit = false, late_puts_unhit = false, late_recall_unhit = false, upgrade_si_unhit = false,
         late_sd_unhit = false, late_owner_unhit = false;
    for (Cell& c : cells_) {
      if (c.hit) continue;
      std::uint64_t n = 0;
      for (const std::uint64_t* p : c.counts) n += *p;
      if (n) {
        c.hit = true;
        continue;
      }
      ++unhit;
      retry_unhit |= c.own_access && c.transient;
      stale_unhit |= c.stale_put;
      stable_stale_unhit |= c.stale_put && c.evict;
      transient_stale_unhit |= c.stale_put && !c.evict;
      buffer_stale_unhit |= c.stale_put && c.evict && c.transient;
      home_unhit |= c.slow_home;
      stale_home_unhit |= c.stale_home;
      stale_home_count += c.stale_home;
      owner_upgrade_count += c.owner_upgrade;
      late_id_unhit |= c.stale_home && c.transient && !c.recall && !c.owner_wait;  // I_D's
      late_sd_unhit |= c.owner_wait;                                               // S_D, Put-NonOwner
      upgrade_si_unhit |= c.upgrade_si;
      late_recall_unhit |= c.recall;                              // S_R, Put-NonOwner
      late_s_unhit |= c.stale_home && !c.transient && !c.owner_held;  // S, Put-NonOwner
      late_owner_unhit |= c.owner_held;                               // E's or M's
      late_puts_unhit |= c.stale_home && c.transient && !c.owner_put;  // I_D, PutS-NotLast
      for (int k = 0; k < kRandomPatterns; ++k) score[std::size_t(k)] += c.want[std::size_t(k)];
    }
    if (unhit == 0) {
      if (!full_) full_ = st.ops;
      st.weight = {};  // every cell hit: the plain mix for the rest of the run
      st.solo = -1;
      st.slow = -1;
      st.group = 0;
      st.drop_shared = false;
      st.writeback = false;
      if (jitter_) jitter_(0, 0, -1);
      if (writeback_) writeback_(0, -1);
      if (put_delay_) put_delay_(0, -1);
      if (owner_delay_) owner_delay_(0);
      st.poll = 10;
      if (net_jitter_) net_jitter_(400, 0, -1);
      return;
    }
    std::uint64_t total = 0;
    for (auto x : score) total += x;
    // Up to 3/4 of the operations follow patterns: each at least 1/32 (exploration),
    // the rest in proportion to what the unhit cells ask for.
    // (StalePut only when a cell asks for it, in an epoch with a slow thread.)
    constexpr auto kStalePut = std::size_t(RandomPattern::StalePut);
    static constexpr unsigned kNetwork[] = {400, 100, 1600, 6400};
    for (int k = 0; k < kRandomPatterns; ++k)
      st.weight[std::size_t(k)] = std::uint32_t(32 + (total ? 576 * score[std::size_t(k)] / total : 0));
    st.hot_line = unsigned(rng_.below(lines_));
    // While a core's own access in a transient state is unhit, one epoch in four is a
    // solo: one thread runs (its Retry's requests follow one another on an idle
    // atomic bus, so its second store retries at the moment its upgrade is granted:
    // SM_D, Store) while the others compute.
    st.solo = retry_unhit && rng_.below(4) == 0 ? int(rng_.below(threads_)) : -1;
    // While a stale PutM's cell (a PutM ordered after two or more requests that reached
    // the line while the new owner's data was on its way: IM_D_SI, SM_D_S, ...) is
    // unhit, three epochs in four (on the split bus, not a solo one) have a slow thread: its
    // requests alone take the request jitter, of up to 200, 400, 800 or 1600 cycles,
    // and the data responses up to 60, 200 or 600; it makes the hot line modified and
    // evicts it (StalePut), and its PutM waits while the other threads' GetS, GetM
    // and upgrades of the line are ordered and their data is on its way.
    // On a sparse directory, while I_D's cells are unhit (the last sharer left S_D
    // before the old owner's data reached the home), one epoch in two slows that data,
    // and the slow thread's requests, by up to 1,000, 3,000 or 8,000 cycles, and the
    // threads run StalePut's directory form: the slow thread loads or stores the hot
    // line and evicts it (its Put arrives late: stale, in I_D), the others store or
    // load it, evict it and come back.
    st.slow = -1;
    st.group = 0;
    st.drop_shared = false;
    st.writeback = false;
    st.evict = false;
    st.late_store = false;
    if (writeback_) writeback_(0, -1);
    if (put_delay_) put_delay_(0, -1);
    st.home_put = false;
    st.put_store = false;
    st.own_lines = false;
    st.leave_after = 0;
    st.recall = false;
    st.keep_owner = false;
    st.owner_upgrade = false;
    st.poll = 10;
    if (owner_delay_) owner_delay_(0);
    if (stale_unhit && jitter_ && st.solo < 0 && slow_rng_.below(4) != 0) st.slow = int(slow_rng_.below(threads_));
    // (MOESI's sparse home: only S, Put-NonOwner and E, GetM-Owner left, the cells of the
    // slow-Put turns alone: below.)
    const bool turns_tail = !has_id_ && unhit == stale_home_count + owner_upgrade_count;
    if ((home_unhit || turns_tail) && net_jitter_ && st.solo < 0 && slow_rng_.below(2) == 0) {
      static constexpr unsigned kHomeData[] = {1000, 3000, 8000};
      st.slow = int(slow_rng_.below(threads_));
      // (More than 8 threads: a group of four, as on the split bus, the slow thread its lead.)
      if (threads_ > 8) {
        pick_group(st);
        st.slow = int(st.lead);
      }
      st.drop_shared = true;
      st.slow_cycles = kHomeData[slow_rng_.below(3)];
      // While a stale Put's cell of a sparse home is unhit (I_D's PutS-NotLast and
      // Put-NonOwner, MOESI's S, Put-NonOwner: a Put that crossed a GetM, a GetS and
      // the sharers' Puts), one such epoch in two delays only the slow thread's Puts, by a
      // fixed 200..200+N cycles, the old owner's data by 0..N, and the threads take turns
      // by signals (RandomSteering::home_put).
      if (put_delay_ && (stale_home_unhit || turns_tail) && slow_rng_.below(2) == 0) {
        st.home_put = true;
        const unsigned delay = 200 + unsigned(slow_rng_.below(st.slow_cycles + 1));
        put_delay_(delay, st.slow);
        // Every pattern of the epoch is StalePut, and a thread waits for its signal up
        // to twice the Put delay (128 polls; 3 core cycles to 2 uncore ones at the
        // default clocks): a round of the threads' turns takes about the Put delay, as
        // the slow thread's next access waits behind its Put. While I_D's late-Put cells
        // are unhit, in one such epoch in two (always, once S, Put-NonOwner is hit) the
        // old owner's data to the home is late by the Put delay too (plus the jitter), so
        // a round that empties S_D before the late Put comes finds I_D.
        // (Before, a thread gave up after 1,280 cycles, the other patterns mixed in, and
        // the owner's data was as likely early as late: the turns fell out of step
        // whenever the delay was longer, and the late Put mostly found I; with a 4-entry
        // directory MSI's and MESI's I_D, Put-NonOwner stayed unhit in most seeds.)
        const bool owner_late = late_id_unhit || late_sd_unhit,
                   turns = owner_late || has_id_ || turns_tail;
        if (turns) {
          st.weight = {};
          st.weight[kStalePut] = 1024;
          st.poll = std::max(10u, 3 * delay / 128);
          st.own_lines = true;
        }
        if (owner_late) {
          net_jitter_(100, st.slow_cycles, -1);
          // (Only the cells of a late PutM left: the slow thread stores the line each round.)
          st.put_store = !late_puts_unhit;
          // While S_D, Put-NonOwner is unhit (MSI, MESI: the late PutM while the home waits
          // for the old owner's data), in one such epoch in two (every one once I_D's are
          // hit) the others stay as below, and the owner's data is late: the late PutM finds
          // S_D with its sharers. (Without this, it came only from recalls of the line
          // mid-turn: with the turns' lines kept out of its directory set, unhit at 32 cores,
          // MESI, seed 5150, until 836k operations.)
          if (late_sd_unhit && (!late_id_unhit || slow_rng_.below(2) == 0)) {
            st.leave_after = 3 * delay / 2;
            if (owner_delay_) owner_delay_(delay);
            return;
          }
          if (owner_delay_ && (!late_s_unhit || slow_rng_.below(2) == 0)) owner_delay_(delay);
          return;
        }
        // Only S, Put-NonOwner or S_R, Put-NonOwner unhit (MOESI's S: its table has no I_D;
        // MSI's and MESI's once I_D's are hit): the old owner's data comes at once, and
        // (MSI, MESI) the threads take turns as above.
        // (The turns in a table with I_D, and in MOESI's once its S, Put-NonOwner is the
        // only cell left. With them while other cells were unhit too, in every such epoch or
        // in one in two, MOESI hit S, Put-NonOwner at once, but at 32 cores (seeds 2468,
        // 5150, 8675309, 2027) one to five cells that its mixed slow-Put epochs had hit
        // before stayed unhit (E, PutO-Owner, O, PutM-Owner, SM_A, Load, SI_A, Store, ...);
        // without them S, Put-NonOwner stayed unhit at seed 2468 and came at 999k
        // operations at 8675309.) (MSI's and MESI's S, with the other patterns mixed in and
        // the old owner's data late by up to the epoch's jitter, came only from recalls of
        // the line mid-turn, which the lines of its directory set caused: with those lines
        // kept out of its set, it stayed unhit.)
        net_jitter_(100, turns ? 0 : st.slow_cycles, -1);
        // (In one such epoch in two the slow thread stores the line every turn, else it loads
        // or stores it: always storing, MESI's EI_A, Store stayed unhit at 64 cores, seed
        // 8675309.)
        st.put_store = turns && slow_rng_.below(2) == 0;
        // The others evict the line only about the Put delay after they read it, so the
        // late Put finds S, the first gone (MOESI: its PutO made the line S) and a sharer
        // left. (Before, they left 20..100 cycles after their load, and the late Put met
        // S only when the Put delay fell in the tens of cycles between the two evictions:
        // MOESI's cell stayed unhit at seed 2468.)
        st.leave_after = 3 * delay / 2;
        // S_R, Put-NonOwner unhit (I_D's and S, Put-NonOwner hit): in one such epoch in
        // two the first evicts the line with lines of its directory set, timed to recall
        // it just before the late PutM reaches the home (RandomSteering::recall; the
        // others leave later still). (The recall drawn instead anywhere in the last half
        // of the Put delay met the late PutM at 32 cores in too few epochs: MESI's cell
        // stayed unhit at seeds 5150 and 2027.) (In every such epoch, MSI's M,
        // Put-NonOwner stayed unhit at seed 2468, 32 cores.)
        // MOESI's E, GetM-Owner unhit (only the turns' cells left): in one such epoch in two
        // (every one once S, Put-NonOwner is hit) the first keeps the line while the slow
        // thread (loads only) and the others read it and leave, and stores it again in its
        // next turn (RandomSteering::owner_upgrade): its GetM from O finds the home in E.
        if (owner_upgrade_count && turns && (!late_s_unhit || slow_rng_.below(2) == 0)) {
          st.owner_upgrade = true;
          return;
        }
        // E's or M's Put-NonOwner unhit (MSI, MESI: the late PutM while another cache owns
        // the line), in one such epoch in two (every one when no S or S_R cell is left) the
        // first keeps the line it stored and the others stay off it. (Before, it came from
        // turns out of step: unhit at 64 cores, MESI, seed 8675309.)
        if (late_owner_unhit && turns && (!(late_s_unhit || late_recall_unhit) || slow_rng_.below(2) == 0)) {
          st.keep_owner = true;
          return;
        }
        if (late_recall_unhit && !late_s_unhit && turns && slow_rng_.below(2) == 0) {
          st.recall = true;
          st.put_ticks = std::uint64_t(delay) * st.uncore_period;
          st.leave_after = 3 * delay;
        }
        return;
      }
      net_jitter_(kNetwork[jitter_rng_.below(4)], st.slow_cycles, st.slow);
      return;
    }
    if (st.slow < 0) st.weight[kStalePut] = 0;
    if (st.slow >= 0) {
      // With more than 8 threads, only a group of four (pick_group: the slow thread is
      // its lead) runs in a slow epoch; the others compute, off the bus.
      if (threads_ > 8) {
        pick_group(st);
        st.slow = int(st.lead);
      }
      static constexpr unsigned kSlowResponse[] = {60, 200, 600}, kSlowRequest[] = {200, 400, 800, 1600};
      st.slow_cycles = kSlowRequest[slow_rng_.below(4)];
      st.slow_response = kSlowResponse[slow_rng_.below(3)];
      st.upgrade = slow_rng_.below(2) == 0;
      // With bus.writeback_delay free, three slow epochs in four slow only the slow thread's
      // writeback path, by a fixed delay drawn for the epoch, and the other threads place
      // their accesses by signals (RandomSteering::writeback): the stale PutM then comes
      // after the requests it must follow and, in part of the epochs, before the data they
      // wait for. Upgrade: the PutM 10..2r+110 cycles after the eviction (r: the response
      // jitter); Evict (while a stable state's Other-PutM is unhit, as MOESI's E: the line
      // taken, evicted and read again first): 100..4r+300; neither: 10..r+90.
      if (writeback_ && slow_rng_.below(4) != 0) {
        const unsigned r = st.slow_response;
        st.writeback = true;
        st.evict = stable_stale_unhit && (!transient_stale_unhit || slow_rng_.below(2) == 0);
        if (st.evict) st.upgrade = false;
        // (The late-store form only while SM_D_SI, Other-PutM is unhit: in every Upgrade
        // epoch, MOESI's OM_A, Other-PutM stayed unhit at 32 cores, seed 31337.)
        st.late_store = st.upgrade && upgrade_si_unhit;
        // (Evict, while a writeback buffer's Other-PutM is unhit, as MOESI's OI_A: in one
        // epoch in two every core's writebacks are slow, so the first thread's own PutM
        // is still queued when the stale one is ordered.)
        const bool everyone = st.evict && buffer_stale_unhit && slow_rng_.below(2) == 0;
        st.slow_cycles = st.evict     ? 100 + unsigned(slow_rng_.below(4 * r + 201))
                         : st.upgrade ? 10 + unsigned(slow_rng_.below(2 * r + 101))
                                      : 10 + unsigned(slow_rng_.below(r + 81));
        jitter_(r, 0, -1);
        writeback_(st.slow_cycles, everyone ? -1 : st.slow);
        if (net_jitter_) net_jitter_(kNetwork[jitter_rng_.below(4)], 0, -1);
        return;
      }
      jitter_(st.slow_response, st.slow_cycles, st.slow);
      if (net_jitter_) net_jitter_(kNetwork[jitter_rng_.below(4)], 0, -1);
      return;
    }
    // Which latency: each epoch, on the split bus, the data responses get a random
    // extra delay of up to 0, 20, 60 or 200 cycles (a response for one line overtakes
    // another's by anything from nothing to several memory latencies: a core's retry
    // meets its earlier request in each of its transient states), and the requests
    // one of up to 0, 16, 64 or 400 cycles before they compete for the address bus (an
    // upgrade waits in SM_AD long enough for its line to be chosen as a victim; a
    // writeback is ordered after the data of the request that took its line, so
    // the new holder, and later requesters, meet the stale PutM).
    // On the directory, the network's jitter is 400 (the tester's own), 100, 1600 or
    // 6400 each epoch: a slow owner's data to the home keeps a sparse directory's
    // line in I_D while sharers' Puts and new requests arrive.
    static constexpr unsigned kResponse[] = {0, 20, 60, 200}, kRequest[] = {0, 16, 64, 400};
    // With more than 8 threads on the split bus, one such epoch in two is a group's too (four threads from
    // a random one run; the others compute): an upgrade or a retry meets only a few
    // other cores' requests for its line.
    if (threads_ > 8 && jitter_ && group_rng_.below(2) == 0) pick_group(st);
    if (jitter_) jitter_(kResponse[jitter_rng_.below(4)], kRequest[jitter_rng_.below(4)], -1);
    if (net_jitter_) net_jitter_(kNetwork[jitter_rng_.below(4)], 0, -1);
  }
  // A grouped epoch (more than 8 threads): the four threads with the most operations
  // left (ties in a random order) run, in a random order of roles (the first leads: the
  // slow thread, in an epoch with one); the others compute kIdle cycles at a time. (A
  // group drawn without regard to what is left wore out the threads it drew often: at
  // 32 cores the first finished its share at two thirds of the run, and later groups,
  // a slow thread among them, ran short of members.)
  static constexpr unsigned kIdle = 4000, kGroup = 4;
  void pick_group(RandomSteering& st) {
    order_.resize(threads_);
    keys_.resize(threads_);
    for (unsigned i = 0; i < threads_; ++i) {
      order_[i] = i;
      keys_[i] = group_rng_.next();
    }
    const auto left = [&st](unsigned t) { return t < st.left.size() ? st.left[t] : 0; };
    std::sort(order_.begin(), order_.end(), [&](unsigned a, unsigned b) {
      return left(a) != left(b) ? left(a) > left(b) : keys_[a] < keys_[b];
    });
    const unsigned n = std::min(kGroup, threads_);
    std::sort(order_.begin(), order_.begin() + n, [&](unsigned a, unsigned b) { return keys_[a] < keys_[b]; });
    st.member.assign(threads_, -1);
    for (unsigned k = 0; k < n; ++k) st.member[order_[k]] = int(k);
    st.group = kGroup;
    st.lead = order_[0];
    st.idle = kIdle;
  }
  std::vector<unsigned> order_;
  std::vector<std::uint64_t> keys_;
  std::uint64_t full_coverage_ops() const { return full_; }
  std::uint64_t checks() const { return checks_; }

 private:
  struct Cell {
    std::vector<const std::uint64_t*> counts;             // per controller
    std::array<std::uint8_t, kRandomPatterns> want{};  // PairSameLine, MissBurst, SetThrash, HotLine, LongGap, Retry,
                                                       // StalePut
    bool hit = false;
    bool evict = false;      // ... in a stable state or a writeback buffer's (the Evict variant reaches it)
    bool stale_put = false;  // a PutM meeting a line whose data is on its way after a later request (split bus)
    bool stale_home = false;  // a sparse home's cell only a late Put reaches
    bool owner_put = false;   // ... a PutM's (or PutE's, PutO's) from a cache that is no longer the owner
    bool upgrade_si = false;  // SM_D_SI, Other-PutM (the Upgrade epochs' late-store form)
    bool recall = false;     // ... the sparse home's S_R, Put-NonOwner (a late PutM crossing a recall)
    bool owner_wait = false;  // ... its S_D, Put-NonOwner (a late PutM while the old owner's data is on its way)
    bool owner_held = false;  // ... its E, Put-NonOwner or M's (a late PutM while another cache owns the line)
    bool owner_upgrade = false;  // MOESI's sparse home, E, GetM-Owner (an owner's upgrade from O after its sharers left)
    bool slow_home = false;  // the sparse home's I_D, and S_D's last PutS that leads there
    bool own_access = false, transient = false;  // a Load or Store event; a transient state
  };
  void add(const ProtocolTable& t, const std::vector<std::pair<std::string, const std::uint64_t*>>& counters,
           const std::string& marker, bool home) {
    std::map<std::string, std::size_t> index;  // "STATE.EVENT" -> cell
    // (S_R, Put-NonOwner is steered for only in a table with I_D, MSI's and MESI's: MOESI
    // reached it unsteered, and its slow-Put epochs, run on until it was hit, left its
    // SM_A, Load unhit at seeds 8675309 and 5150, 32 cores.)
    bool has_id = false;
    for (int s = 0; s < t.num_states(); ++s) has_id |= t.states()[s].name == "I_D";
    if (home) has_id_ = has_id;
    for (int s = 0; s < t.num_states(); ++s)
      for (Event e : t.events()) {
        if (t.cell(std::uint8_t(s), e).kind == CellKind::Impossible) continue;
        Cell c;
        const bool transient = !t.states()[s].stable;
        using W = std::array<std::uint8_t, kRandomPatterns>;
        if (home) c.want = {0, 1, 2, 2, 1, 1};
        const bool late_put = home && t.fabric() == kSparseHomeFabric &&
                              ((t.states()[s].name == "I_D" && (e == Event::PutSNotLast || e == Event::PutNonOwner)) ||
                               (t.states()[s].name == "S" && e == Event::PutNonOwner) ||
                               (has_id &&
                                (t.states()[s].name == "S_R" || t.states()[s].name == "S_D" ||
                                 t.states()[s].name == "E" || t.states()[s].name == "M") &&
                                e == Event::PutNonOwner));
        c.stale_home = late_put;
        c.recall = late_put && t.states()[s].name == "S_R";
        c.owner_wait = late_put && t.states()[s].name == "S_D";
        c.owner_held = late_put && (t.states()[s].name == "E" || t.states()[s].name == "M");
        c.owner_put = e == Event::PutNonOwner;
        c.owner_upgrade = home && t.fabric() == kSparseHomeFabric && !has_id && t.states()[s].name == "E" &&
                          e == Event::DirGetMOwner;
        if (late_put || (home && (t.states()[s].name == "I_D" || (t.states()[s].name == "S_D" && e == Event::PutSLast)))) {
          c.slow_home = true;
          c.want[std::size_t(RandomPattern::StalePut)] = 8;
        }
        else if (e == Event::Load || e == Event::Store) c.want = transient ? W{3, 3, 0, 1, 0, 4} : W{1, 0, 0, 1, 0, 1};
        else if (e == Event::Replacement) c.want = {0, 1, 3, 0, 0, 0};
        else if (is_other(e) || e == Event::FwdGetS || e == Event::FwdGetM || e == Event::Inv) c.want = {1, 0, 1, 3, 0, 1};
        else c.want = {1, 1, 1, 1, 1, 1};
        c.own_access = !home && (e == Event::Load || e == Event::Store);
        // The split bus's *_D_* states (our data on its way, one or more later requests
        // ordered): only a stale PutM, held back on the bus, meets them.
        // On the split bus, a stable state's Other-PutM (but I's) that is still unhit (MOESI's E:
        // a new owner took the line and evicted it, and a reader got it exclusive, before
        // the stale PutM) asks for the same, in its Evict form.
        // So does a writeback buffer's (MI_A, OI_A, ...: a PutM of ours still queued).
        const std::string& sn = t.states()[s].name;
        const bool buffer = sn.size() > 2 && sn.compare(sn.size() - 2, 2, "_A") == 0;
        const bool stable_stale = !home && e == Event::OtherPutM && (!transient || buffer) &&
                                  t.fabric() == kSplitBusFabric && sn != "I";
        c.evict = stable_stale;
        if (stable_stale ||
            (!home && e == Event::OtherPutM && transient && t.states()[s].name.find("_D_") != std::string::npos)) {
          c.stale_put = true;
          c.upgrade_si = sn == "SM_D_SI";
          c.want[std::size_t(RandomPattern::StalePut)] = 8;
        }
        c.transient = transient;
        index[t.states()[s].name + "." + name(e)] = cells_.size();
        cells_.push_back(c);
      }
    for (const auto& [k, p] : counters) {
      auto it = index.find(k.substr(k.find(marker) + marker.size()));
      if (it != index.end()) cells_[it->second].counts.push_back(p);
    }
  }
  std::vector<Cell> cells_;
  unsigned lines_, threads_;
  Random rng_;
  Random jitter_rng_;
  Random slow_rng_;
  Random group_rng_;  // the grouped epochs' draws (more than 8 threads)
  std::function<void(unsigned, unsigned, int)> jitter_;
  std::function<void(unsigned, unsigned, int)> net_jitter_;
  std::function<void(unsigned, int)> writeback_;
  std::function<void(unsigned, int)> put_delay_;
  std::function<void(unsigned)> owner_delay_;  // network.owner_data_delay (null: no sparse home, or the user's)
  std::uint64_t full_ = 0, checks_ = 0;
  bool has_id_ = false;  // the home's table has I_D (MSI's, MESI's sparse table)
};

}  // namespace

StressResult run_stress(Config cfg, const StressOptions& opts) {
  cfg.set("check", "true");
  cfg.set("seed", std::to_string(opts.seed));
  if (cfg.integer("core.start_jitter") == 0) cfg.set("core.start_jitter", "50");
  // On a directory, messages take random extra time, so that races between the
  // virtual networks (an Inv before the data, an Inv-Ack before the AckCount) happen.
  const bool net_jitter_chosen = cfg.integer("network.jitter") != 0;
  if (fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory && !net_jitter_chosen)
    cfg.set("network.jitter", "400");
  if (!opts.prefetch.empty()) {
    cfg.set("l1d.prefetcher", opts.prefetch);
    if (cfg.has_level("l2") && !cfg.flag("l2.shared")) cfg.set("l2.prefetcher", opts.prefetch);
  }
  RandomTraceParams rp;
  rp.threads = unsigned(cfg.integer("cores"));
  rp.ops_per_thread = std::max<std::uint64_t>(1, opts.ops / rp.threads);
  rp.lines = std::max(1u, opts.lines);
  rp.line_size = unsigned(cfg.bytes("l1d.line_size"));
  rp.seed = opts.seed;
  // With an L1I, instruction fetches from code lines of their own (never stored to).
  if (cfg.bytes("l1i.size") > 0) rp.code_lines = rp.lines;
  if (opts.steer) rp.steering = std::make_shared<RandomSteering>();
  // A sparse directory of two or more sets: the directory set of each of the trace's lines.
  if (rp.steering && fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory) {
    const unsigned entries = directory_entries(cfg);
    const std::int64_t assoc = cfg.integer("directory.assoc");
    const std::size_t sets = entries ? entries / std::size_t(assoc > 0 ? assoc : entries) : 0;
    if (sets >= 2) {
      const unsigned shift = unsigned(__builtin_ctz(rp.line_size));
      for (unsigned n = 0; n < rp.lines + 32; ++n)
        rp.steering->home_set.push_back(
            std::uint8_t(sparse_directory_set(random_trace_line_addr(rp, n) >> shift, sets)));
    }
  }
  RunOptions ro;
  ro.trace_object = make_random_trace(rp);
  System sys(cfg, ro);
  const ProtocolTable& table = sys.protocol();  // the executed table (on the split bus, its split table)
  const ProtocolTable* home_table = sys.home_protocol();  // the sparse one with directory.entries
  std::shared_ptr<CoverageSteer> steer;
  if (rp.steering) {
    // The steering varies the split bus's timing unless the user set it.
    std::function<void(unsigned, unsigned, int)> jitter;
    if (cfg.integer("bus.response_jitter") == 0 && cfg.integer("bus.request_jitter") == 0 &&
        sys.set_bus_jitter(0, 0))
      jitter = [&sys](unsigned response, unsigned request, int slow) { sys.set_bus_jitter(response, request, slow); };
    std::function<void(unsigned, unsigned, int)> net_jitter;
    if (!net_jitter_chosen && sys.set_network_jitter(400))
      net_jitter = [&sys](unsigned c, unsigned home_data, int slow) { sys.set_network_jitter(c, home_data, slow); };
    std::function<void(unsigned, int)> writeback;
    if (jitter && cfg.integer("bus.writeback_delay") == 0 && sys.set_writeback_delay(0, -1))
      writeback = [&sys](unsigned cycles, int core) { sys.set_writeback_delay(cycles, core); };
    std::function<void(unsigned, int)> put_delay;
    if (net_jitter && home_table && cfg.integer("network.put_delay") == 0 && sys.set_network_put_delay(0, -1))
      put_delay = [&sys](unsigned cycles, int core) { sys.set_network_put_delay(cycles, core); };
    std::function<void(unsigned)> owner_delay;
    if (put_delay && cfg.integer("network.owner_data_delay") == 0 && sys.set_network_owner_data_delay(0))
      owner_delay = [&sys](unsigned cycles) { sys.set_network_owner_data_delay(cycles); };
    steer = std::make_shared<CoverageSteer>(table, home_table, sys.stats(), rp.lines, rp.threads, opts.seed, std::move(jitter),
                                            std::move(net_jitter), std::move(writeback), std::move(put_delay),
                                            std::move(owner_delay));
    rp.steering->update = [steer](RandomSteering& st) { (*steer)(st); };
    // The slow-Put turns that time a recall (RandomSteering::recall) read the clock.
    rp.steering->now = [] { return std::uint64_t(sim_now()); };
    rp.steering->core_period = cfg.period("core.frequency");
    rp.steering->uncore_period = cfg.period("uncore.frequency");
    rp.steering->recall_lead = 300 * rp.steering->uncore_period;
  }
  StressResult r;
  try {
    sys.run();
  } catch (const SimError& e) {
    r.violation = e.what();
  }
  r.protocol = table.name();
  r.fabric = table.fabric();
  r.cores = rp.threads;
  r.lines = rp.lines;
  r.seed = opts.seed;
  r.coverage = table_coverage(table, sys.stats());
  if (home_table) add_home(r.coverage, table_coverage(*home_table, sys.stats(), ".dircells."));
  if (steer && steer->checks()) {
    r.steered = true;
    // A cell hit after the last check: every one was hit by the end of the run.
    r.full_coverage_ops = steer->full_coverage_ops() ? steer->full_coverage_ops()
                          : r.coverage.never_hit.empty() ? rp.steering->ops
                                                         : 0;
    r.steering_checks = steer->checks();
  }
  for (unsigned i = 0; i < rp.threads; ++i) r.ops += sys.stats().get("core" + std::to_string(i) + ".ops");
  for (const auto& [k, p] : sys.stats().counters_containing(".prefetches_issued")) r.prefetches += *p;
  auto ends = [](const std::string& k, const std::string& tail) {
    return k.size() >= tail.size() && k.compare(k.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (const auto& [k, p] : sys.stats().counters_containing(".back_invalidations")) {
    if (ends(k, ".back_invalidations")) r.back_invalidations += *p;
    if (ends(k, ".back_invalidations_skipped")) r.back_invalidations_skipped += *p;
  }
  for (const auto& [k, p] : sys.stats().counters_containing(".victim_fills")) r.victim_fills += *p;
  for (const auto& [k, p] : sys.stats().counters_containing(".moved_up"))
    if (ends(k, ".moved_up")) r.moved_up += *p;
  for (const auto& [k, p] : sys.stats().counters_containing(".clean_victims")) {
    if (k.rfind("core", 0) == 0) continue;  // the caches' count: sent, not delivered
    if (ends(k, ".clean_victims")) r.clean_victims += *p;
    if (ends(k, ".clean_victims_dropped")) r.clean_victims_dropped += *p;
  }
  if (rp.code_lines) {
    for (unsigned i = 0; i < rp.threads; ++i) {
      const std::string c = "core" + std::to_string(i);
      r.ifetches += sys.stats().get(c + ".ifetches");
      r.l1i_misses += sys.stats().get(c + ".l1i.misses");
      r.l1i_invalidations += sys.stats().get(c + ".l1i.invalidations");
    }
  }
  return r;
}

std::string StressResult::to_json() const {
  std::ostringstream o;
  o << "{\"protocol\": \"" << protocol << "\", \"fabric\": \"" << fabric << "\", \"cores\": " << cores
    << ", \"seed\": " << seed << ", \"ops\": " << ops << ", \"violations\": " << (violation.empty() ? 0 : 1)
    << ", \"cells_hit\": " << coverage.hit << ", \"cells_reachable\": " << coverage.reachable
    << ", \"cells_never_hit\": [";
  // (the steering's figures come last, and only from runs long enough to be steered)
  for (std::size_t i = 0; i < coverage.never_hit.size(); ++i)
    o << (i ? ", " : "") << "\"" << json_escape(coverage.never_hit[i]) << "\"";
  o << "], \"unreachable\": {";
  for (std::size_t i = 0; i < coverage.unreachable.size(); ++i)
    o << (i ? ", " : "") << "\"" << json_escape(coverage.unreachable[i].first) << "\": \""
      << json_escape(coverage.unreachable[i].second) << "\"";
  o << "}, \"message\": \"" << json_escape(violation) << "\"";
  if (prefetches) o << ", \"prefetches\": " << prefetches;
  if (back_invalidations || back_invalidations_skipped)
    o << ", \"back_invalidations\": " << back_invalidations
      << ", \"back_invalidations_skipped\": " << back_invalidations_skipped;
  if (victim_fills) o << ", \"victim_fills\": " << victim_fills << ", \"moved_up\": " << moved_up;
  if (clean_victims || clean_victims_dropped)
    o << ", \"clean_victims\": " << clean_victims << ", \"clean_victims_dropped\": " << clean_victims_dropped;
  if (ifetches)
    o << ", \"ifetches\": " << ifetches << ", \"l1i_misses\": " << l1i_misses
      << ", \"l1i_invalidations\": " << l1i_invalidations;
  if (steered) o << ", \"steering_checks\": " << steering_checks << ", \"full_coverage_ops\": " << full_coverage_ops;
  o << "}\n";
  return o.str();
}

std::string StressResult::to_text() const {
  std::ostringstream o;
  o << "stress: " << protocol << " on a " << fabric << ", " << cores << " cores, " << ops << " operations on " << lines
    << " lines, seed " << seed << ": " << (violation.empty() ? "no violation" : "VIOLATION") << "\n";
  if (!violation.empty()) o << violation << "\n";
  if (prefetches) o << "prefetches issued: " << prefetches << "\n";
  if (back_invalidations || back_invalidations_skipped)
    o << "back-invalidations: " << back_invalidations << " (" << back_invalidations_skipped
      << " left: the line was in a transition above)\n";
  if (victim_fills) {
    o << "exclusive levels (victim caches): " << victim_fills << " lines moved down, " << moved_up << " moved up";
    if (clean_victims || clean_victims_dropped)
      o << "; clean victims over the fabric: " << clean_victims << " delivered, " << clean_victims_dropped
        << " dropped (overtaken or stale)";
    o << "\n";
  }
  if (ifetches)
    o << "instruction fetches: " << ifetches << " (L1I misses " << l1i_misses << ", L1I lines invalidated "
      << l1i_invalidations << ")\n";
  o << "coverage: " << coverage.hit << " of " << coverage.reachable << " table cells exercised";
  if (steered && full_coverage_ops) o << " (every one within " << full_coverage_ops << " operations, steered)";
  o << "\n";
  if (!coverage.never_hit.empty()) {
    o << "never hit:\n";
    for (auto& c : coverage.never_hit) o << "  " << c << "\n";
  }
  if (!coverage.unreachable.empty()) {
    o << "unreachable by construction:\n";
    for (auto& [c, why] : coverage.unreachable) o << "  " << c << ": " << why << "\n";
  }
  return o.str();
}

}  // namespace cohsim
