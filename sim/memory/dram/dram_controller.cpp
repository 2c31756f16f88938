#include "sim/memory/dram/dram_controller.hpp"

#include <algorithm>
#include <stdexcept>

namespace cohsim {

const char* dram_cmd_name(DramCmd c) {
  switch (c) {
    case DramCmd::ACT: return "ACT";
    case DramCmd::PRE: return "PRE";
    case DramCmd::RD: return "RD";
    case DramCmd::WR: return "WR";
    case DramCmd::REF: return "REF";
  }
  return "?";
}

std::uint64_t DramLatencyHistogram::percentile(double p) const {
  if (!count) return 0;
  const double want = p * double(count);
  std::uint64_t seen = 0;
  for (unsigned i = 0; i < kBuckets; ++i) {
    seen += buckets[i];
    if (double(seen) >= want && seen > 0) return i == kBuckets - 1 ? max : i;
  }
  return max;
}

namespace {

inline void raise(std::uint64_t& x, std::uint64_t v) {
  if (v > x) x = v;
}

template <class R>
bool arrives_later(const R& a, const R& b) {
  return a.arrival != b.arrival ? a.arrival > b.arrival : a.seq > b.seq;
}

std::string params_problems(const DramControllerParams& p) {
  std::string out = p.timing.problems();
  auto need = [&](bool ok, const std::string& why) {
    if (!ok) out += (out.empty() ? "" : "\n") + why;
  };
  need(p.channels >= 1 && (p.channels & (p.channels - 1)) == 0, "channels must be a power of two");
  need(p.read_queue >= 1 && p.write_queue >= 1, "the read and write queues need at least one entry");
  need(p.write_high <= p.write_queue, "the write-drain high watermark cannot exceed the write queue");
  need(p.write_low < p.write_high, "the write-drain low watermark must be below the high watermark");
  return out;
}

}  // namespace

DramChannel::DramChannel(const DramControllerParams& p) : t_(p.timing), p_(p), bpr_(p.timing.banks()) {
  banks_.resize(std::size_t(t_.ranks) * bpr_);
  for (auto& a : active_) a.assign((banks_.size() + 63) / 64, 0);
  for (std::size_t i = 0; i < banks_.size(); ++i) {
    banks_[i].rank = std::uint8_t(i / bpr_);
    banks_[i].bank_group = std::uint8_t(i % bpr_ / t_.banks_per_group);
  }
  ranks_.resize(t_.ranks);
  for (unsigned r = 0; r < t_.ranks; ++r)
    ranks_[r].refresh_due = p.refresh ? t_.tREFI + std::uint64_t(r) * t_.tREFI / t_.ranks : kDramNever;
  reads_.reserve(p.read_queue);
  merged_.reserve(64);
  writes_.reserve(p.write_queue);
  arrivals_.reserve(256);
  comp_.resize(64);
  stats_.bank_busy.assign(banks_.size(), 0);
  stats_.bank_accesses.assign(banks_.size(), 0);
  if (p.refresh) next_ = ranks_[0].refresh_due;
}

void DramChannel::enqueue(std::uint64_t arrival, const DramAddress& a, bool write, std::uint64_t tag,
                          std::uint64_t line, std::uint32_t trace_line) {
  if (arrival < now_) arrival = now_;
  Request r;
  r.arrival = arrival;
  r.tag = tag;
  r.seq = seq_++;
  r.row = a.row;
  r.column = a.column;
  r.followers = 0;
  r.line = line;
  r.trace_line = trace_line;
  r.rank = std::uint8_t(a.rank);
  r.bank_group = std::uint8_t(a.bank_group);
  r.bank_index = std::uint16_t(a.rank * bpr_ + a.bank_group * t_.banks_per_group + a.bank);
  r.write = write;
  r.kind = kUnclassified;
  arrivals_.push_back(r);
  std::push_heap(arrivals_.begin(), arrivals_.end(),
                 [](const Request& x, const Request& y) { return arrives_later(x, y); });
  ++queued_;
  if (arrival < next_) next_ = arrival;
}

void DramChannel::advance_to(std::uint64_t end) {
  while (next_ < end) {
    const std::uint64_t c = next_;
    decide(c);
    now_ = c + 1;
  }
  if (end > now_) now_ = end;
}

std::uint64_t DramChannel::next_wake() const {
  std::uint64_t w = queued_ ? next_ : kDramNever;
  if (has_completion()) w = std::min(w, front_completion().cycle);
  return w;
}

void DramChannel::admit(std::uint64_t c) {
  auto later = [](const Request& x, const Request& y) { return arrives_later(x, y); };
  while (!arrivals_.empty() && arrivals_.front().arrival <= c) {
    const Request& r = arrivals_.front();
    std::vector<Request>& q = r.write ? writes_ : reads_;
    if (q.size() >= (r.write ? p_.write_queue : p_.read_queue)) break;  // arrivals are admitted in order
    if (served_by_queued(c, r)) {
      std::pop_heap(arrivals_.begin(), arrivals_.end(), later);
      arrivals_.pop_back();
      continue;
    }
    Bank& b = bank_of(r);
    const unsigned qt = r.write;
    q.push_back(r);
    q.back().age = age_++;
    ++line_buckets_[qt][line_bucket(r)];
    ++b.count[qt];
    set_active(r.bank_index, qt);
    if (b.open && b.row == r.row) {
      if (!b.hits[qt]++) b.hit_age[qt] = q.back().age;
    } else if (b.other_age[qt] == kNoAge) {
      b.other_age[qt] = q.back().age;
    }
    std::pop_heap(arrivals_.begin(), arrivals_.end(), later);
    arrivals_.pop_back();
  }
}

DramChannel::Request* DramChannel::same_line(std::vector<Request>& q, unsigned qt, const Request& r) {
  if (!banks_[r.bank_index].count[qt] || !line_buckets_[qt][line_bucket(r)]) return nullptr;
  for (Request& x : q)  // oldest first
    if (x.bank_index == r.bank_index && x.row == r.row && x.column == r.column) return &x;
  return nullptr;
}

// The controller looks up the line of a request entering its queue in the write queue
// (and a read's in the read queue too), as real controllers do: the newest data of a
// line with a queued write is that write's, so a read takes it from there, and a
// second write to the line replaces the queued one's data. The values themselves
// move at the call (DramMemory); this is the timing: the request needs no command.
bool DramChannel::served_by_queued(std::uint64_t c, const Request& r) {
  if (!p_.read_forwarding && !p_.read_merging && !p_.write_merging) return false;
  if (r.write) {
    if (!p_.write_merging || !same_line(writes_, 1, r)) return false;
    ++stats_.merged_writes;
    --queued_;
    return true;
  }
  if (same_line(writes_, 1, r)) {
    // A read must not merge with an older read of the line when a write came between.
    if (!p_.read_forwarding) return false;
    ++stats_.forwarded_reads;
    complete_read(r.tag, r.arrival, c + 1);
    --queued_;
    return true;
  }
  Request* lead = p_.read_merging ? same_line(reads_, 0, r) : nullptr;
  if (!lead) return false;
  // Served with the leader's data at its RD (it stays in queued_ until then).
  ++lead->followers;
  merged_.push_back({lead->age, r.tag, r.arrival});
  ++stats_.merged_reads;
  return true;
}

void DramChannel::complete_read(std::uint64_t tag, std::uint64_t arrival, std::uint64_t done) {
  stats_.read_latency.add(done - arrival);
  push_completion(tag, done);
}

void DramChannel::decide(std::uint64_t c) {
  admit(c);
  std::uint64_t min_e = kDramNever;
  if (p_.refresh)
    for (Rank& k : ranks_) {
      if (!k.refresh_pending && c >= k.refresh_due) k.refresh_pending = true;
      if (!k.refresh_pending) min_e = std::min(min_e, k.refresh_due);
    }
  if (refresh_step(c, min_e)) {
    next_ = c + 1;
    return;
  }
  const bool issued = schedule(c, min_e);
  if (!arrivals_.empty()) {
    // An arrival gets in when its queue has room.
    const Request& a = arrivals_.front();
    const bool room = a.write ? writes_.size() < p_.write_queue : reads_.size() < p_.read_queue;
    if (room || a.arrival > c) min_e = std::min(min_e, std::max(a.arrival, c + 1));
  }
  if (issued) {
    // The other queue's turn may have come.
    next_ = next_draining() != draining_ ? c + 1 : std::max(min_e, c + 1);
    return;
  }
  if (min_e <= c)
    throw std::logic_error("DRAM channel: a command ready at cycle " + std::to_string(c) + " was not issued");
  next_ = min_e;
}

bool DramChannel::refresh_step(std::uint64_t c, std::uint64_t& min_e) {
  if (!p_.refresh) return false;
  for (unsigned r = 0; r < t_.ranks; ++r) {
    if (!ranks_[r].refresh_pending) continue;
    bool all_closed = true;
    std::uint64_t ref_e = 0;
    for (unsigned i = 0; i < bpr_; ++i) {
      Bank& b = banks_[r * bpr_ + i];
      if (b.open) {
        all_closed = false;
        if (b.next_pre <= c) {
          do_pre(c, r, i / t_.banks_per_group, i % t_.banks_per_group, b, false, kDramNoLine, 0);
          return true;
        }
        min_e = std::min(min_e, b.next_pre);
      } else {
        raise(ref_e, b.next_act);
      }
    }
    if (!all_closed) continue;
    if (ref_e <= c) {
      do_ref(c, r);
      return true;
    }
    min_e = std::min(min_e, ref_e);
  }
  return false;
}

DramCmd DramChannel::next_command(const Request& r, std::uint64_t& e, bool& allowed) const {
  const Bank& b = banks_[r.bank_index];
  const Rank& k = ranks_[r.rank];
  allowed = true;
  if (b.open && b.row == r.row) {
    if (r.write) {
      e = std::max(b.next_wr, k.next_wr_bg[r.bank_group]);
      return DramCmd::WR;
    }
    e = std::max(b.next_rd, k.next_rd_bg[r.bank_group]);
    return DramCmd::RD;
  }
  if (b.open) {
    e = b.next_pre;
    // First ready, first come: the open row is kept while queued requests of the
    // queue being served still hit it.
    if (p_.scheduler == DramScheduler::FrFcfs) allowed = b.hits[draining_ ? 1 : 0] == 0;
    return DramCmd::PRE;
  }
  e = std::max({b.next_act, k.next_act_bg[r.bank_group], k.faw[k.faw_i]});
  return DramCmd::ACT;
}

bool DramChannel::next_draining() const {
  // Reads first; writes wait in their queue until it reaches the high watermark, then
  // drain to the low one (or drain whenever no read is waiting).
  if (writes_.empty()) return false;
  if (writes_.size() >= p_.write_high || reads_.empty()) return true;
  return draining_ && writes_.size() > p_.write_low;
}

// Looks at every bank with requests in the queue being served, issues the best ready
// command if there is one, and leaves in min_e the earliest cycle any other candidate
// could issue. Issuing only ever delays other commands, so that cycle stays a lower
// bound after the issue.
bool DramChannel::schedule(std::uint64_t c, std::uint64_t& min_e) {
  const bool drain = next_draining();
  if (drain && !draining_) ++stats_.write_drains;
  draining_ = drain;
  const unsigned qt = draining_ ? 1 : 0;
  std::vector<Request>& q = draining_ ? writes_ : reads_;
  if (q.empty()) return false;

  const bool fcfs = p_.scheduler == DramScheduler::Fcfs;
  const DramCmd column = qt ? DramCmd::WR : DramCmd::RD;
  std::uint64_t col_age = kNoAge, row_age = kNoAge;  // the picks: oldest ready row hit, oldest ready ACT/PRE
  DramCmd row_cmd = DramCmd::ACT;
  unsigned ready = 0;
  std::uint64_t others = kDramNever;   // candidates not picked
  std::uint64_t waiting = kDramNever;  // commands an issue may release (PREs waiting for row hits, FCFS's
                                       // younger requests to a bank)
  const std::vector<std::uint64_t>& active = active_[qt];
  for (std::size_t wi = 0; wi < active.size(); ++wi)
    for (std::uint64_t bits = active[wi]; bits; bits &= bits - 1) {
      const Bank& b = banks_[wi * 64 + unsigned(__builtin_ctzll(bits))];
      const unsigned bg = b.bank_group;
      const Rank& k = ranks_[b.rank];
      if (k.refresh_pending) continue;  // refresh_step accounts for the wait
      std::uint64_t e_hit = kDramNever, e_other = kDramNever;
      DramCmd other_cmd = DramCmd::ACT;
      bool other_allowed = true;
      if (b.hits[qt]) e_hit = std::max(qt ? b.next_wr : b.next_rd, qt ? k.next_wr_bg[bg] : k.next_rd_bg[bg]);
      const unsigned n_other = b.count[qt] - b.hits[qt];
      if (n_other) {
        if (b.open) {
          other_cmd = DramCmd::PRE;
          e_other = b.next_pre;
          // First ready, first come: the open row is kept while requests of this
          // queue still hit it.
          other_allowed = fcfs || b.hits[qt] == 0;
        } else {
          e_other = std::max({b.next_act, k.next_act_bg[bg], k.faw[k.faw_i]});
        }
      }
      if (fcfs) {
        // Requests to one bank are served in arrival order; across banks, the oldest
        // request whose next command is ready goes first.
        const bool hit_first = b.hit_age[qt] < b.other_age[qt];
        const std::uint64_t e = hit_first ? e_hit : e_other;
        const std::uint64_t age = hit_first ? b.hit_age[qt] : b.other_age[qt];
        waiting = std::min(waiting, hit_first ? e_other : e_hit);
        if ((hit_first ? b.hits[qt] : n_other) > 1) waiting = std::min(waiting, e);
        if (e <= c) {
          ++ready;
          if (age < col_age) col_age = age, row_cmd = hit_first ? column : other_cmd;
        } else {
          others = std::min(others, e);
        }
        continue;
      }
      if (b.hits[qt]) {
        if (e_hit <= c) {
          ready += b.hits[qt];
          if (b.hit_age[qt] < col_age) col_age = b.hit_age[qt];
        } else {
          others = std::min(others, e_hit);
        }
      }
      if (n_other) {
        if (!other_allowed) {
          waiting = std::min(waiting, e_other);
        } else if (e_other <= c) {
          ready += n_other;
          if (b.other_age[qt] < row_age) row_age = b.other_age[qt], row_cmd = other_cmd;
        } else {
          others = std::min(others, e_other);
        }
      }
    }
  if (!ready) {
    min_e = std::min(min_e, others);
    return false;
  }
  if (ready > 1) others = std::min(others, c);  // a ready command left for the next cycle
  std::uint64_t age;
  DramCmd cmd;
  if (fcfs) age = col_age, cmd = row_cmd;
  else if (col_age != kNoAge) age = col_age, cmd = column;
  else age = row_age, cmd = row_cmd;
  const std::size_t i = std::size_t(
      std::lower_bound(q.begin(), q.end(), age, [](const Request& r, std::uint64_t a) { return r.age < a; }) -
      q.begin());
  const bool is_column = cmd == DramCmd::RD || cmd == DramCmd::WR;
  issue(c, q, i, cmd);
  min_e = std::min({min_e, others, waiting});
  if (!is_column) {  // the request's next command (the same as its bank's other requests')
    std::uint64_t e;
    bool allowed;
    next_command(q[i], e, allowed);
    min_e = std::min(min_e, e);
  }
  return true;
}

void DramChannel::issue(std::uint64_t c, std::vector<Request>& q, std::size_t i, DramCmd cmd) {
  Request& r = q[i];
  Bank& b = bank_of(r);
  const unsigned bank = r.bank_index % t_.banks_per_group;
  switch (cmd) {
    case DramCmd::PRE:
      if (r.kind == kUnclassified) r.kind = kConflict, ++stats_.row_conflicts;
      do_pre(c, r.rank, r.bank_group, bank, b, false, r.line, r.trace_line);
      return;
    case DramCmd::ACT:
      if (r.kind == kUnclassified) r.kind = kMiss, ++stats_.row_misses;
      do_act(c, r.rank, r.bank_group, b, r.row);
      log(c, DramCmd::ACT, false, r.rank, r.bank_group, bank, r.row, r.line, r.trace_line);
      rebuild(r.bank_index, 0);
      rebuild(r.bank_index, 1);
      return;
    default: break;
  }
  if (r.kind == kUnclassified) r.kind = kHit, ++stats_.row_hits;
  do_column(c, r.rank, r.bank_group, b, r.write);
  log(c, cmd, false, r.rank, r.bank_group, bank, r.row, r.line, r.trace_line);
  ++stats_.bank_accesses[r.bank_index];
  if (r.write) {
    ++stats_.writes;
  } else {
    ++stats_.reads;
    const std::uint64_t done = c + t_.CL + t_.burst_cycles();
    complete_read(r.tag, r.arrival, done);
    if (r.followers) {  // the reads merged with this one end with its burst, in arrival order
      const std::uint64_t age = r.age;
      std::size_t kept = 0;
      for (const Merged& m : merged_) {
        if (m.leader_age == age) {
          complete_read(m.tag, m.arrival, done);
          --queued_;
        } else {
          merged_[kept++] = m;
        }
      }
      merged_.resize(kept);
    }
  }
  const unsigned bank_index = r.bank_index, rank = r.rank, bg = r.bank_group, qt = r.write;
  const std::uint64_t line = r.line;
  const std::uint32_t trace_line = r.trace_line;
  --line_buckets_[qt][line_bucket(r)];
  q.erase(q.begin() + std::ptrdiff_t(i));
  --queued_;
  rebuild(bank_index, qt);
  const bool close =
      p_.page_policy == PagePolicy::Closed || (p_.page_policy == PagePolicy::Adaptive && b.hits[0] + b.hits[1] == 0);
  if (close) do_pre(b.next_pre, rank, bg, bank, b, true, line, trace_line);  // auto-precharge, as soon as allowed
}

void DramChannel::do_act(std::uint64_t c, unsigned rank, unsigned bg, Bank& b, std::uint32_t row) {
  b.open = true;
  b.row = row;
  b.act_cycle = c;
  raise(b.next_rd, c + t_.tRCD);
  raise(b.next_wr, c + t_.tRCD);
  raise(b.next_pre, c + t_.tRAS);
  raise(b.next_act, c + t_.tRC);
  Rank& k = ranks_[rank];
  for (unsigned y = 0; y < t_.bank_groups; ++y) raise(k.next_act_bg[y], c + (y == bg ? t_.tRRD_L : t_.tRRD_S));
  k.faw[k.faw_i] = c + t_.tFAW;
  k.faw_i = (k.faw_i + 1) & 3;
  ++stats_.acts;
}

void DramChannel::do_pre(std::uint64_t c, unsigned rank, unsigned bg, unsigned bank, Bank& b, bool auto_pre,
                         std::uint64_t line, std::uint32_t trace_line) {
  b.open = false;
  raise(b.next_act, c + t_.tRP);
  stats_.bank_busy[std::size_t(&b - banks_.data())] += c + t_.tRP - b.act_cycle;
  for (unsigned qt = 0; qt < 2; ++qt) {  // every queued request of the bank now needs an ACT
    b.other_age[qt] = std::min(b.other_age[qt], b.hit_age[qt]);
    b.hit_age[qt] = kNoAge;
    b.hits[qt] = 0;
  }
  ++stats_.pres;
  log(c, DramCmd::PRE, auto_pre, rank, bg, bank, b.row, line, trace_line);
}

void DramChannel::do_column(std::uint64_t c, unsigned rank, unsigned bg, Bank& b, bool write) {
  const std::uint64_t B = t_.burst_cycles();
  // Data-bus spacing: a burst of another rank starts tRTRS after this one ends.
  const std::uint64_t other_rd =
      write ? (t_.CWL + B + t_.tRTRS > t_.CL ? t_.CWL + B + t_.tRTRS - t_.CL : 1) : B + t_.tRTRS;
  const std::uint64_t other_wr = write ? B + t_.tRTRS : t_.read_to_write() + t_.tRTRS;
  for (unsigned x = 0; x < t_.ranks; ++x) {
    Rank& k = ranks_[x];
    for (unsigned y = 0; y < t_.bank_groups; ++y) {
      if (x != rank) {
        raise(k.next_rd_bg[y], c + other_rd);
        raise(k.next_wr_bg[y], c + other_wr);
      } else if (write) {
        raise(k.next_wr_bg[y], c + (y == bg ? t_.tCCD_L_WR : t_.tCCD_S));
        raise(k.next_rd_bg[y], c + t_.CWL + B + (y == bg ? t_.tWTR_L : t_.tWTR_S));
      } else {
        raise(k.next_rd_bg[y], c + (y == bg ? t_.tCCD_L : t_.tCCD_S));
        raise(k.next_wr_bg[y], c + t_.read_to_write());
      }
    }
  }
  raise(b.next_pre, write ? c + t_.CWL + B + t_.tWR : c + t_.tRTP);
}

void DramChannel::do_ref(std::uint64_t c, unsigned rank) {
  for (unsigned i = 0; i < bpr_; ++i) raise(banks_[rank * bpr_ + i].next_act, c + t_.tRFC);
  Rank& k = ranks_[rank];
  stats_.refresh_stall_cycles += c + t_.tRFC - k.refresh_due;
  k.refresh_due += t_.tREFI;
  k.refresh_pending = false;
  ++stats_.refreshes;
  log(c, DramCmd::REF, false, rank, 0, 0, 0, kDramNoLine, 0);
}

void DramChannel::rebuild(unsigned bank_index, unsigned qt) {
  Bank& b = banks_[bank_index];
  b.count[qt] = b.hits[qt] = 0;
  b.hit_age[qt] = b.other_age[qt] = kNoAge;
  for (const Request& r : qt ? writes_ : reads_) {
    if (r.bank_index != bank_index) continue;
    ++b.count[qt];
    if (b.open && r.row == b.row) {
      if (!b.hits[qt]++) b.hit_age[qt] = r.age;
    } else if (b.other_age[qt] == kNoAge) {
      b.other_age[qt] = r.age;
    }
  }
  set_active(bank_index, qt);
}

void DramChannel::log(std::uint64_t c, DramCmd cmd, bool ap, unsigned rank, unsigned bg, unsigned bank,
                      std::uint32_t row, std::uint64_t line, std::uint32_t trace_line) {
  if (p_.log_commands)
    log_.push_back({c, cmd, ap, std::uint8_t(rank), std::uint8_t(bg), std::uint8_t(bank), row, trace_line, line});
}

void DramChannel::push_completion(std::uint64_t tag, std::uint64_t cycle) {
  if (completions_size() == comp_.size()) {
    std::vector<DramCompletion> bigger(comp_.size() * 2);
    for (std::size_t i = 0; i < comp_.size(); ++i) bigger[i] = comp_[(comp_head_ + i) & (comp_.size() - 1)];
    comp_tail_ = comp_.size();
    comp_head_ = 0;
    comp_.swap(bigger);
  }
  // In the order the data ends: a RD's data ends CL + BL/2 after it issues, so only a
  // read answered from the write queue (one clock) goes before reads already issued.
  const std::uint64_t mask = comp_.size() - 1;
  std::uint64_t i = comp_tail_++;
  for (; i > comp_head_ && comp_[(i - 1) & mask].cycle > cycle; --i) comp_[i & mask] = comp_[(i - 1) & mask];
  comp_[i & mask] = {tag, cycle};
}

void DramChannel::reset_stats(std::uint64_t cycle) {
  DramChannelStats& s = stats_;
  s.reads = s.writes = s.row_hits = s.row_misses = s.row_conflicts = s.acts = s.pres = s.refreshes = 0;
  s.refresh_stall_cycles = s.write_drains = 0;
  s.forwarded_reads = s.merged_reads = s.merged_writes = 0;
  std::fill(s.read_latency.buckets.begin(), s.read_latency.buckets.end(), 0);
  s.read_latency.count = s.read_latency.sum = s.read_latency.max = 0;
  std::fill(s.bank_accesses.begin(), s.bank_accesses.end(), 0);
  // A row open at `cycle` adds (its PRE, or bank_busy_at) the time since its ACT; start
  // its bank below zero by the part before `cycle` (unsigned: the addition wraps back).
  for (std::size_t i = 0; i < banks_.size(); ++i)
    s.bank_busy[i] = banks_[i].open && cycle > banks_[i].act_cycle ? 0 - (cycle - banks_[i].act_cycle) : 0;
}

std::vector<std::uint64_t> DramChannel::bank_busy_at(std::uint64_t cycle) const {
  std::vector<std::uint64_t> busy = stats_.bank_busy;
  for (std::size_t i = 0; i < banks_.size(); ++i)
    if (banks_[i].open && cycle > banks_[i].act_cycle) busy[i] += cycle - banks_[i].act_cycle;
  return busy;
}

DramController::DramController(const DramControllerParams& p) : p_(p), map_(p.mapping, p.timing, p.channels) {
  const std::string why = params_problems(p);
  if (!why.empty()) throw std::invalid_argument("DRAM " + p.timing.name + ": " + why);
  channels_.reserve(p.channels);
  for (unsigned i = 0; i < p.channels; ++i) channels_.emplace_back(p);
}

std::uint64_t DramController::next_wake() const {
  std::uint64_t w = kDramNever;
  for (const auto& c : channels_) w = std::min(w, c.next_wake());
  return w;
}

}  // namespace cohsim
