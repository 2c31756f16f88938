#include "coherence/snoop_bus.hpp"

#include <cstring>
#include <sstream>

#include "sim/base/error.hpp"

#include "sim/base/kernel_errors.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

using sc_core::SC_FS;
using sc_core::sc_time;

SnoopBus::SnoopBus(sc_core::sc_module_name name, const BusParams& p, MemoryLevel* memory_side)
    : sc_module(name),
      jitter_rng_(random_stream(p.seed, "bus.response_jitter")),
      p_(p),
      memory_(memory_side),
      buf_(p.line_size, 0) {
  wake_.bind<&SnoopBus::tick>(this);
  wake_.dont_initialize();
}

int SnoopBus::attach(BusClient* c) {
  clients_.push_back(c);
  held_.push_back(kNotHeld);
  queue_.reserve(clients_.size() * 16);
  if (p_.split) txns_.reserve(clients_.size() * 32), ready_.reserve(clients_.size() * 32);
  return int(clients_.size()) - 1;
}

void SnoopBus::notify(Tick at) {
  // A notification pending no later already wakes the bus: SystemC would ignore this one.
  if (at >= pending_at_) return;
  const Tick now = sim_now();
  pending_at_ = std::max(at, now);
  wake_at(wake_, at, now);
}

void SnoopBus::request(Tick t, int client, BusMsg m, LineAddr line, std::uint32_t trace_line) {
  enqueue(t, client, m, line, trace_line, -1);
}

void SnoopBus::enqueue(Tick t, int client, BusMsg m, LineAddr line, std::uint32_t trace_line, std::int32_t victim) {
  if (p_.split && p_.request_jitter) {
    // The request reaches the arbiter 0..request_jitter cycles later (only the slow
    // client's, when set_jitter named one), never before the client's earlier requests
    // (each client's requests stay in their order).
    if (slow_client_ < 0 || client == slow_client_) t += jitter_rng_.below(p_.request_jitter + 1) * p_.period;
    if (std::size_t(client) >= last_request_.size()) last_request_.resize(std::size_t(client) + 1, 0);
    t = std::max(t, last_request_[std::size_t(client)]);
    last_request_[std::size_t(client)] = t;
  }
  // A slow writeback path: the PutM arrives late, and later requests may overtake it.
  if (p_.split && p_.writeback_delay && m == BusMsg::PutM && (p_.writeback_client < 0 || client == p_.writeback_client))
    t += Tick(p_.writeback_delay) * p_.period;
  queue_.push_back({t, client, m, line, false, trace_line, victim});
  if (p_.split) schedule(std::max(edge(t), addr_free_));
  else if (!busy_) schedule(edge(t));
}

void SnoopBus::clean_victim(Tick t, int client, LineAddr line, const std::uint8_t* data) {
  if (!victim_sink_) throw SimError("bus: a clean victim with no exclusive level (shared L2 or L3) below\n" + dump());
  std::int32_t slot;
  if (!victim_free_.empty()) {
    slot = victim_free_.back();
    victim_free_.pop_back();
  } else {
    slot = std::int32_t(victim_data_.size() / p_.line_size);
    victim_data_.resize(victim_data_.size() + p_.line_size);
  }
  std::memcpy(victim_data_.data() + std::size_t(slot) * p_.line_size, data, p_.line_size);
  ++victims_queued_;
  enqueue(t, client, BusMsg::PutM, line, 0, slot);  // a writeback: bus.writeback_delay applies
}

void SnoopBus::drop_victims(LineAddr line) {
  for (std::size_t i = 0; i < queue_.size();)
    if (queue_[i].victim >= 0 && queue_[i].line == line) {
      victim_free_.push_back(queue_[i].victim);
      --victims_queued_;
      if (!queue_[i].carried) ++clean_victims_dropped_;
      queue_.erase(queue_.begin() + std::ptrdiff_t(i));
    } else ++i;
}

void SnoopBus::take_victim(const Pending& v, Tick at, std::uint8_t* buf) {
  const std::uint8_t* d = victim_data_.data() + std::size_t(v.victim) * p_.line_size;
  std::memcpy(buf, d, p_.line_size);  // for the event log's data record
  victim_free_.push_back(v.victim);
  --victims_queued_;
  victim_sink_->clean_victim(at, v.line, buf);
}

void SnoopBus::tick() {
  pending_at_ = ~Tick(0);  // the notification that ran us
  guarded([this] { p_.split ? run_split() : step(); });
}

void SnoopBus::step() {
  const Tick now = sim_now();
  if (busy_) {
    if (awaiting_memory_) return;  // memory_ready() schedules the end
    if (now < busy_until_) {       // an early wake-up (it replaced the later one)
      schedule(busy_until_);
      return;
    }
    busy_ = false;
    if (deliver_ && log_)
      log_->bus_data(now, current_.client, cohsim::name(current_.msg), current_.line * p_.line_size, buf_.data(), supplier_,
                     exclusive_, transactions_);
    if (deliver_) clients_[current_.client]->bus_data(now, current_.line, buf_.data(), exclusive_);
  }
  if (queue_.empty()) return;
  // Only requests made by now may compete.
  bool any = false;
  Tick earliest = ~Tick(0);
  for (auto& q : queue_) {
    if (eligible(q, now)) any = true;
    if (eligible(q, ~Tick(0))) earliest = std::min(earliest, q.t);
  }
  if (!any) {
    if (earliest != ~Tick(0)) schedule(edge(earliest));  // else every request waits for a release()
    return;
  }
  grant(now);
}

std::size_t SnoopBus::pick(Tick t) const {
  // Choose: round robin over clients starting after the last one granted, or the
  // oldest request. Ties in arrival time go to the lower client id.
  std::size_t pick = queue_.size();
  if (pick == 1) return eligible(queue_[0], t) ? 0 : 1;  // one request: no choice to make
  if (p_.round_robin) {
    int best_dist = 1 << 30;
    const int n = int(clients_.size());
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      if (!eligible(queue_[i], t)) continue;
      int dist = (queue_[i].client - last_granted_ - 1 + 2 * n) % n;
      if (dist < best_dist) best_dist = dist, pick = i;  // first in queue order = oldest of that client
    }
  } else {
    for (std::size_t i = 0; i < queue_.size(); ++i)
      if (eligible(queue_[i], t) && (pick == queue_.size() || queue_[i].t < queue_[pick].t)) pick = i;
  }
  return pick;
}

void SnoopBus::grant(Tick t) {
  const std::size_t pick = this->pick(t);
  current_ = queue_[pick];
  queue_.erase(queue_.begin() + std::ptrdiff_t(pick));
  last_granted_ = current_.client;
  count_grant(t, current_);
  const Tick data_phase = Tick((p_.line_size + p_.width - 1) / p_.width) * p_.period;
  if (current_.victim >= 0) {  // a clean victim: address phase, data phase, into the L3
    const Tick address_done = t + p_.address_cycles * p_.period, end = address_done + data_phase;
    if (log_) {
      log_->bus_address(t, current_.client, "CleanVictim", current_.line * p_.line_size, current_.client, false,
                        transactions_, log_->mark());
      log_->bus_data(address_done, EventLog::kMemory, "CleanVictim", current_.line * p_.line_size,
                     victim_data_.data() + std::size_t(current_.victim) * p_.line_size, current_.client, false,
                     transactions_);
    }
    data_bytes_ += p_.line_size;
    take_victim(current_, end, buf_.data());
    deliver_ = exclusive_ = false;
    busy_ = true;
    busy_until_ = end;
    busy_ticks_ += end - t;
    schedule(end);
    return;
  }
  if (victims_queued_) drop_victims(current_.line);

  const std::uint64_t mark = log_ ? log_->mark() : 0;
  SnoopReply r;
  r.buf = buf_.data();
  for (std::size_t c = 0; c < clients_.size(); ++c)
    if (int(c) != current_.client && clients_[c]->holds_copy(current_.line)) r.shared = true;
  // The snoopers act first, so the requester never gains a permission while
  // another cache still holds a conflicting one. An update is the exception: the
  // writer performs its store first, and the update carries the line it made.
  auto snoop = [&] {
    for (std::size_t c = 0; c < clients_.size(); ++c)
      if (int(c) != current_.client) clients_[c]->bus_snoop(t, current_.msg, current_.line, r);
  };
  if (current_.msg == BusMsg::Upd) {
    clients_[current_.client]->bus_own(t, current_.msg, current_.line, r);
    clients_[current_.client]->copy_line(current_.line, buf_.data());
    snoop();
  } else {
    snoop();
    clients_[current_.client]->bus_own(t, current_.msg, current_.line, r);
  }

  const Tick address_done = t + p_.address_cycles * p_.period;
  if (log_) {
    supplier_ = supplier_of(r, current_.client, current_.msg);
    log_->bus_address(t, current_.client, cohsim::name(current_.msg), current_.line * p_.line_size, supplier_, r.shared,
                      transactions_, mark);
    if (current_.msg == BusMsg::Upd)
      log_->bus_data(address_done, EventLog::kSharers, cohsim::name(current_.msg), current_.line * p_.line_size, buf_.data(),
                     current_.client, false, transactions_);
    else if (current_.msg == BusMsg::PutM && r.data_to_memory)
      log_->bus_data(address_done, EventLog::kMemory, cohsim::name(current_.msg), current_.line * p_.line_size, buf_.data(),
                     current_.client, false, transactions_);
  }
  Tick end;
  deliver_ = false;
  exclusive_ = false;
  if (current_.msg == BusMsg::PutM) {
    end = r.data_to_memory ? address_done + data_phase : address_done;
    if (r.data_to_memory) {
      ++mem_writebacks_;
      data_bytes_ += p_.line_size;
      memory_->write_line(end, current_.line, buf_.data(), current_.trace_line);
    }
  } else if (current_.msg == BusMsg::Upd) {
    end = address_done + p_.period;  // one data beat: the written word
    data_bytes_ += upd_bytes();
  } else if (r.no_data) {
    end = address_done;  // an owner's upgrade: the address phase is all it needs
  } else {
    Tick ready;
    if (r.data_to_requestor) {
      ++c2c_;
      data_bytes_ += p_.line_size;  // one data phase, read by memory too when it takes the line
      ready = address_done + r.supply_latency;
      if (r.data_to_memory) {
        ++mem_writebacks_;
        memory_->write_line(address_done, current_.line, buf_.data(), current_.trace_line);
      }
      end = edge(ready) + data_phase;
    } else {
      deliver_ = true;
      exclusive_ = current_.msg == BusMsg::GetS && !r.shared;
      busy_ = true;
      awaiting_memory_ = true;
      grant_tick_ = t;
      ++mem_reads_;
      memory_->read_line(address_done, current_.line, buf_.data(), this, 0, current_.trace_line);
      return;
    }
    deliver_ = true;
    exclusive_ = current_.msg == BusMsg::GetS && !r.shared;
  }
  busy_ = true;
  busy_until_ = end;
  busy_ticks_ += end - t;
  schedule(end);
}

void SnoopBus::memory_ready(std::uint64_t tag, Tick ready) {
  if (p_.split) {
    make_ready(std::size_t(tag), jittered(ready));
    schedule(edge(txns_[std::size_t(tag)].ready));
    return;
  }
  const Tick data_phase = Tick((p_.line_size + p_.width - 1) / p_.width) * p_.period;
  const Tick end = edge(ready) + data_phase;
  awaiting_memory_ = false;
  data_bytes_ += p_.line_size;
  busy_until_ = end;
  busy_ticks_ += end - grant_tick_;
  schedule(end);
}

void SnoopBus::set_log(EventLog* log) {
  log_ = log && log->enabled() ? log : nullptr;
  if (log_) log_->set_fabric_agent(log_->add_agent("bus", "bus", "uncore", p_.period));
}

void SnoopBus::hold(int client, LineAddr line) {
  if (held_[std::size_t(client)] == kNotHeld) ++holds_;
  held_[std::size_t(client)] = line;
}

void SnoopBus::release(int client, Tick t) {
  if (held_[std::size_t(client)] == kNotHeld) return;
  held_[std::size_t(client)] = kNotHeld;
  --holds_;
  if (queue_.empty()) return;
  if (p_.split) schedule(std::max(edge(t), addr_free_));
  else if (!busy_) schedule(edge(t));
}

// Statistics (docs/stats.md), registered with coherence.fabric: bus.
COHSIM_STAT(kStatTransactions, "bus.transactions", "count", "", "transactions granted the bus (address phases); with a measured window (--warmup, roi markers), those requested in it");
COHSIM_STAT(kStatMsgs, "bus.msgs.*", "count", "",
            "transactions by message (GetS, GetM, PutM, Upd; an exclusive L2's or L3's clean victims are bus.clean_victims)");
COHSIM_STAT(kStatC2c, "bus.cache_to_cache", "count", "", "transactions whose data came from another cache");
COHSIM_STAT(kStatMemWritebacks, "bus.memory_writebacks", "count", "", "dirty lines written to the level below the bus");
COHSIM_STAT(kStatMemReads, "bus.memory_reads", "count", "", "lines read from the level below the bus (transactions no cache supplied)");
COHSIM_STAT(kStatBusyCycles, "bus.busy_uncore_cycles", "cycles", "uncore",
            "atomic bus: cycles the bus was held, from grant to the end of the data phase; split bus: address-bus cycles");
COHSIM_STAT(kStatAvgWait, "bus.avg_wait_uncore_cycles", "cycles", "uncore", "mean wait from request to grant per transaction");
COHSIM_STAT(kStatDataBusy, "bus.data_busy_uncore_cycles", "cycles", "uncore", "split bus: cycles the data bus was transferring");
COHSIM_STAT(kStatResponses, "bus.responses", "count", "", "split bus: data responses delivered on the data bus");
COHSIM_STAT(kStatAvgResponse, "bus.avg_response_uncore_cycles", "cycles", "uncore",
            "split bus: mean time of a data response from the end of its address phase to the end of its data phase");
COHSIM_STAT(kStatDeferred, "bus.deferred_responses", "count", "",
            "split bus: responses deferred by an owner-to-be still awaiting its own data, or held for memory's copy");
COHSIM_STAT(kStatDataBytes, "bus.data_bytes", "bytes", "",
            "bytes the data phases moved: a line per transfer (from memory, from a cache, or a writeback; one transfer that memory also takes counts once), one beat (min(bus.width, line)) per update; counted when the data phase starts");
COHSIM_STAT(kStatCleanVictims, "bus.clean_victims", "count", "",
            "exclusive L2 or L3 under private caches (l2.inclusion, l3.inclusion): clean-victim transactions granted (an address phase and "
            "a line on the data bus each, in transactions, data_bytes and the busy cycles; not in msgs.*: "
            "transactions = the sum of msgs.* + clean_victims); the exclusive level takes each line (l2.victim_fills or l3.victim_fills)");
COHSIM_STAT(kStatCleanVictimsDropped, "bus.clean_victims_dropped", "count", "",
            "exclusive L2 or L3 under private caches: clean victims withdrawn unsent because another transaction for their "
            "line was granted first (the line is clean: the level below holds the current value)");
COHSIM_STAT(kStatMaxOutstanding, "bus.max_outstanding", "count", "", "split bus: most data responses outstanding at once");

void SnoopBus::register_stats(Stats& s) const {
  s.counter(kStatTransactions, "bus.transactions", &transactions_);
  for (int m = 0; m < kNumBusMsgs; ++m) s.counter(kStatMsgs, std::string("bus.msgs.") + cohsim::name(BusMsg(m)), &msgs_[m]);
  s.counter(kStatC2c, "bus.cache_to_cache", &c2c_);
  s.counter(kStatMemWritebacks, "bus.memory_writebacks", &mem_writebacks_);
  s.counter(kStatMemReads, "bus.memory_reads", &mem_reads_);
  s.counter(kStatDataBytes, "bus.data_bytes", &data_bytes_);
  if (victim_sink_) {
    s.counter(kStatCleanVictims, "bus.clean_victims", &clean_victims_);
    s.counter(kStatCleanVictimsDropped, "bus.clean_victims_dropped", &clean_victims_dropped_);
  }
  const Tick period = p_.period;
  const auto* b = &busy_ticks_;
  const auto* w = &wait_ticks_;
  const auto* n = &transactions_;
  s.derived(kStatBusyCycles, "bus.busy_uncore_cycles", [=] { return double(*b / period); });
  s.derived(kStatAvgWait, "bus.avg_wait_uncore_cycles", [=] { return *n ? double(*w) / double(period) / double(*n) : 0.0; });
  if (!p_.split) return;
  const auto* r = &responses_;
  const auto* rt = &response_ticks_;
  const auto* d = &data_busy_ticks_;
  s.derived(kStatDataBusy, "bus.data_busy_uncore_cycles", [=] { return double(*d / period); });
  s.counter(kStatResponses, "bus.responses", &responses_);
  s.derived(kStatAvgResponse, "bus.avg_response_uncore_cycles",
            [=] { return *r ? double(*rt) / double(period) / double(*r) : 0.0; });
  s.counter(kStatDeferred, "bus.deferred_responses", &deferred_);
  s.counter(kStatMaxOutstanding, "bus.max_outstanding", &max_outstanding_);
}

void SnoopBus::count_grant(Tick t, const Pending& p) {
  if (p.carried) return;
  wait_ticks_ += t - p.t;
  ++transactions_;
  ++(p.victim >= 0 ? clean_victims_ : msgs_[int(p.msg)]);
}

// The window's end (`roi end`): a request still queued was made in the window, as its
// cache counted it; it counts here too (its wait so far with it), though granted later.
void SnoopBus::count_queued(Tick t) {
  for (const Pending& p : queue_)
    if (!p.carried) {
      wait_ticks_ += t > p.t ? t - p.t : 0;
      ++transactions_;
      ++(p.victim >= 0 ? clean_victims_ : msgs_[int(p.msg)]);
    }
}

void SnoopBus::reset_stats(Tick t) {
  // A request still queued was made (and counted by its cache) before the window.
  for (Pending& p : queue_) p.carried = true;
  transactions_ = wait_ticks_ = c2c_ = mem_writebacks_ = mem_reads_ = clean_victims_ = clean_victims_dropped_ = 0;
  std::fill(std::begin(msgs_), std::end(msgs_), 0);
  responses_ = response_ticks_ = deferred_ = 0;
  busy_ticks_ = data_busy_ticks_ = data_bytes_ = 0;
  if (p_.split) {
    if (addr_free_ > t) busy_ticks_ = addr_free_ - t;
    if (transferring_ >= 0 && data_free_ > t) data_busy_ticks_ = data_free_ - t;
    max_outstanding_ = 0;
    for (auto& y : txns_) max_outstanding_ += y.kind != Txn::Free && y.deliver;
  } else if (busy_) {
    if (awaiting_memory_) grant_tick_ = std::max(grant_tick_, t);  // memory_ready() adds from the grant
    else if (busy_until_ > t) busy_ticks_ = busy_until_ - t;
  }
}

std::string SnoopBus::dump() const {
  std::ostringstream o;
  if (p_.split) {
    static const char* kinds[] = {"free", "awaiting memory", "awaiting a cache", "held: memory awaits an owner's data",
                                  "ready", "on the data bus"};
    o << "bus (split transactions): " << queue_.size() << " queued";
    for (auto& x : txns_)
      if (x.kind != Txn::Free)
        o << "\n  transaction #" << x.seq << " client " << x.client << " line 0x" << std::hex << x.line << std::dec
          << (x.deliver ? "" : " (writeback/update)") << ": " << kinds[x.kind];
    for (auto& w : mem_wait_)
      o << "\n  memory awaits client " << w.client << "'s copy of line 0x" << std::hex << w.line << std::dec
        << " (promised at transaction #" << w.seq << ")";
  } else
    o << "bus: " << (busy_ ? (awaiting_memory_ ? "busy, waiting for memory" : "busy") : "idle") << ", " << queue_.size()
      << " queued";
  o << "bus: " << (busy_ ? (awaiting_memory_ ? "busy, waiting for memory" : "busy") : "idle") << ", " << queue_.size()
    << " queued";
  for (std::size_t c = 0; c < held_.size(); ++c)
    if (held_[c] != kNotHeld) o << "\n  client " << c << " holds line 0x" << std::hex << held_[c] << std::dec;
  for (auto& q : queue_)
    o << "\n  client " << q.client << " " << (q.victim >= 0 ? "CleanVictim" : cohsim::name(q.msg))
      << " line 0x" << std::hex << q.line << std::dec;
  for (auto* c : clients_) o << "\n" << c->dump_pending();
  return o.str();
}

// ---- split transactions ----------------------------------------------------------

int SnoopBus::alloc_txn() {
  for (std::size_t i = 0; i < txns_.size(); ++i)
    if (txns_[i].kind == Txn::Free) return int(i);
  txns_.emplace_back();
  txns_.back().buf.assign(p_.line_size, 0);
  return int(txns_.size()) - 1;
}

void SnoopBus::make_ready(std::size_t i, Tick ready) {
  txns_[i].kind = Txn::Ready;
  txns_[i].ready = ready;
  ready_.push_back(std::uint32_t(i));
}

bool SnoopBus::deliverable(std::size_t i) const {
  const Txn& x = txns_[i];
  if (x.kind != Txn::Ready) return false;
  if (!x.deliver) return true;
  if (responses_of_[x.line & (kResponseFilter - 1)] == 1) return true;  // its own is the only one
  for (const Txn& y : txns_)
    if (y.kind != Txn::Free && y.deliver && y.line == x.line && y.seq < x.seq) return false;
  return true;
}

void SnoopBus::run_split() {
  const Tick sc_now = sim_now();
  Tick now = sc_now, horizon = 0;
  std::uint64_t epoch = kNoHorizon;
  for (;;) {
    in_step_ = true;
    step_now_ = now;
    wake_min_ = ~Tick(0);
    const Tick own = step_split(now);
    in_step_ = false;
    Tick next = std::min(wake_min_, own);
    if (next == ~Tick(0)) return;
    next = std::max(next, now);  // a tick passed means at once (a delta cycle)
    // A wake-up asked for during the step at its own tick (a request made and granted
    // in it, a response already started) that the state left by the step does not
    // need: the step it would run at once is one that does nothing and asks for `own`.
    if (next == now && own > now && may_run_ahead(now, sc_now, horizon, epoch) && !acts_at(now)) {
      if (own == ~Tick(0)) return;
      next = own;
    }
    // The step the notification would run, at once when nothing else can run before
    // it: the bus then sees the same requests and responses at the same ticks.
    if (may_run_ahead(next, sc_now, horizon, epoch)) {
      now = next;
      continue;
    }
    schedule(next);
    return;
  }
}

bool SnoopBus::acts_at(Tick now) const {
  if (transferring_ >= 0 && now >= data_free_) return true;  // a transfer ends
  if (now >= addr_free_)
    for (const Pending& q : queue_)
      if (eligible(q, now)) return true;  // a grant
  if (transferring_ < 0)
    for (const std::uint32_t i : ready_)
      if (txns_[i].ready <= now && deliverable(i)) return true;  // a transfer starts
  return false;
}

Tick SnoopBus::step_split(Tick now) {
  if (transferring_ >= 0 && now >= data_free_) finish_transfer(now);
  // The address phase: one request every address_cycles, in the arbitration's order.
  if (now >= addr_free_ && !queue_.empty()) {
    bool any = false;
    for (auto& q : queue_) any |= eligible(q, now);
    if (any) {
      addr_free_ = now + p_.address_cycles * p_.period;
      busy_ticks_ += p_.address_cycles * p_.period;
      grant_split(now);
    }
  }
  // The data bus: the oldest ready response whose line has no older one undelivered;
  // acknowledgements take no data cycles. Only ready transactions are candidates, and
  // the line-order check (deliverable) runs only for one that would be chosen.
  for (;;) {
    if (transferring_ >= 0) break;
    const std::size_t none = ready_.size();
    std::size_t best = none;  // in ready_
    for (std::size_t k = 0; k < ready_.size(); ++k) {
      const Txn& x = txns_[ready_[k]];
      if (x.ready > now) continue;
      if (best != none) {
        const Txn& b = txns_[ready_[best]];
        if (!(x.ready < b.ready || (x.ready == b.ready && x.seq < b.seq))) continue;
      }
      if (deliverable(ready_[k])) best = k;
    }
    if (best == none) break;
    const std::uint32_t bi = ready_[best];
    ready_[best] = ready_.back();
    ready_.pop_back();
    Txn& x = txns_[bi];
    x.kind = Txn::Transfer;
    transferring_ = int(bi);
    data_free_ = now + x.beats;
    data_busy_ticks_ += x.beats;
    if (x.beats > 0) data_bytes_ += x.msg == BusMsg::Upd ? upd_bytes() : p_.line_size;
    if (x.beats > 0) break;
    finish_transfer(now);
  }
  // The next thing to do.
  Tick next = ~Tick(0);
  if (!queue_.empty()) {
    Tick earliest = ~Tick(0);
    for (auto& q : queue_)
      if (eligible(q, ~Tick(0))) earliest = std::min(earliest, q.t);  // a held line's requests wait for release()
    if (earliest != ~Tick(0)) next = std::max(addr_free_, edge(earliest));
  }
  if (transferring_ >= 0) next = std::min(next, data_free_);
  else  // the loop above left no deliverable response ready by now: the earliest edge one will be
    for (const std::uint32_t i : ready_) {
      const Tick at = edge(txns_[i].ready);
      if (at < next && deliverable(i)) next = at;
    }
  return next;
}

void SnoopBus::finish_transfer(Tick now) {
  Txn& x = txns_[std::size_t(transferring_)];
  transferring_ = -1;
  x.kind = Txn::Free;
  if (log_ && !x.no_data)
    log_->bus_data(now, x.deliver ? x.client : x.msg == BusMsg::Upd ? EventLog::kSharers : EventLog::kMemory,
                   x.victim ? "CleanVictim" : cohsim::name(x.msg), x.line * p_.line_size, x.buf.data(), x.supplier,
                   x.exclusive, x.seq + 1);
  if (!x.deliver) return;
  --responses_of_[x.line & (kResponseFilter - 1)];
  --outstanding_;
  const int client = x.client;
  const LineAddr line = x.line;
  const bool exclusive = x.exclusive, no_data = x.no_data;
  if (!no_data) {
    ++responses_;
    response_ticks_ += now - x.ordered;
    std::memcpy(buf_.data(), x.buf.data(), p_.line_size);  // the slot may be reused while the cache runs
  }
  clients_[std::size_t(client)]->bus_data(now, line, no_data ? nullptr : buf_.data(), exclusive);
}

void SnoopBus::grant_split(Tick t) {
  const std::size_t pick = this->pick(t);
  const Pending cur = queue_[pick];
  queue_.erase(queue_.begin() + std::ptrdiff_t(pick));
  last_granted_ = cur.client;
  count_grant(t, cur);

  const int ti = alloc_txn();
  Txn& x = txns_[std::size_t(ti)];
  x.seq = next_seq_++;
  x.client = cur.client;
  x.line = cur.line;
  x.deliver = false;
  x.exclusive = false;
  x.no_data = false;
  x.msg = cur.msg;
  x.trace_line = cur.trace_line;
  const Tick address_done = t + p_.address_cycles * p_.period;
  x.ordered = address_done;
  const Tick data_phase = Tick((p_.line_size + p_.width - 1) / p_.width) * p_.period;
  x.victim = cur.victim >= 0;
  if (x.victim) {  // a clean victim: the L3 takes it as a PutM's data reaches memory; its data phase follows
    if (log_) {
      x.supplier = cur.client;
      log_->bus_address(t, cur.client, "CleanVictim", cur.line * p_.line_size, x.supplier, false, x.seq + 1,
                        log_->mark());
    }
    take_victim(cur, address_done, x.buf.data());
    x.beats = data_phase;
    make_ready(std::size_t(ti), address_done);
    return;
  }
  if (victims_queued_) drop_victims(cur.line);

  const std::uint64_t mark = log_ ? log_->mark() : 0;
  SnoopReply r;
  r.buf = x.buf.data();
  r.requester = cur.client;
  auto others_keep = [&] {
    for (std::size_t c = 0; c < clients_.size(); ++c)
      if (int(c) != cur.client && clients_[c]->keeps_copy(cur.line)) return true;
    return false;
  };
  auto snoop = [&] {
    for (std::size_t c = 0; c < clients_.size(); ++c)
      if (int(c) != cur.client) clients_[c]->bus_snoop(t, cur.msg, cur.line, r);
  };
  if (cur.msg == BusMsg::Upd) {
    // The writer performs its store first; the update carries the line it made to
    // the sharers (a sharer still awaiting its data keeps it for when the data comes).
    r.shared = others_keep();
    clients_[std::size_t(cur.client)]->bus_own(t, cur.msg, cur.line, r);
    clients_[std::size_t(cur.client)]->copy_line(cur.line, x.buf.data());
    snoop();
  } else {
    // The snoopers act first; who will hold the line after this request (the shared
    // line) is known once they have.
    snoop();
    r.shared = others_keep();
    clients_[std::size_t(cur.client)]->bus_own(t, cur.msg, cur.line, r);
  }
  if (log_) {
    x.supplier = supplier_of(r, cur.client, cur.msg);
    log_->bus_address(t, cur.client, cohsim::name(cur.msg), cur.line * p_.line_size, x.supplier, r.shared, x.seq + 1, mark);
  }

  switch (cur.msg) {
    case BusMsg::PutM:
      if (!r.data_to_memory) {
        x.kind = Txn::Free;
        return;
      }
      ++mem_writebacks_;
      memory_->write_line(address_done, cur.line, x.buf.data(), cur.trace_line);
      x.beats = data_phase;
      make_ready(std::size_t(ti), address_done);
      break;
    case BusMsg::Upd:
      x.beats = p_.period;  // the written word
      make_ready(std::size_t(ti), address_done);
      break;
    default: {
      x.deliver = true;
      ++responses_of_[cur.line & (kResponseFilter - 1)];
      x.exclusive = cur.msg == BusMsg::GetS && !r.shared;
      x.beats = data_phase;
      if (r.no_data) {  // an owner's upgrade: its own copy is current
        x.no_data = true, x.beats = 0;
        make_ready(std::size_t(ti), address_done);
      } else if (r.data_to_requestor) {
        ++c2c_;
        make_ready(std::size_t(ti), jittered(address_done + r.supply_latency));
        if (r.data_to_memory) {
          ++mem_writebacks_;
          memory_->write_line(address_done, cur.line, x.buf.data(), cur.trace_line);
        }
      } else if (r.deferred) {
        ++deferred_;
        x.kind = Txn::AwaitCache;
        if (r.deferred_mem) mem_wait_.push_back({cur.line, r.deferrer, x.seq, cur.trace_line});
      } else {
        bool held = false;
        for (auto& w : mem_wait_) held |= w.line == cur.line;  // every promise so far is older
        if (held) {
          ++deferred_;
          x.kind = Txn::HeldForMemory;
        } else {
          x.kind = Txn::AwaitMemory;
          ++mem_reads_;
          memory_->read_line(address_done, cur.line, txns_[std::size_t(ti)].buf.data(), this, std::uint64_t(ti),
                             cur.trace_line);
        }
      }
      max_outstanding_ = std::max(max_outstanding_, ++outstanding_);
    }
  }
}

void SnoopBus::send_data(Tick t, int to, LineAddr line, const std::uint8_t* data) {
  std::size_t best = txns_.size();
  for (std::size_t i = 0; i < txns_.size(); ++i)
    if (txns_[i].kind == Txn::AwaitCache && txns_[i].client == to && txns_[i].line == line &&
        (best == txns_.size() || txns_[i].seq < txns_[best].seq))
      best = i;
  if (best == txns_.size())
    throw SimError("bus: a deferred response for line 0x" + std::to_string(line) + " to client " + std::to_string(to) +
                   " that nobody awaits\n" + dump());
  Txn& x = txns_[best];
  std::memcpy(x.buf.data(), data, p_.line_size);
  make_ready(best, jittered(t));
  ++c2c_;
  schedule(std::max<Tick>(edge(x.ready), in_step_ ? step_now_ : sim_now()));
}

void SnoopBus::send_to_memory(Tick t, int from, LineAddr line, const std::uint8_t* data) {
  ++mem_writebacks_;
  std::size_t k = 0;
  while (k < mem_wait_.size() && !(mem_wait_[k].line == line && mem_wait_[k].client == from)) ++k;
  if (k == mem_wait_.size())
    throw SimError("bus: memory did not await the line 0x" + std::to_string(line) + " client " +
                   std::to_string(from) + " sent it\n" + dump());
  memory_->write_line(t, line, data, mem_wait_[k].trace_line);
  mem_wait_.erase(mem_wait_.begin() + std::ptrdiff_t(k));
  // The requests memory held that no older promise still holds read it now, oldest first.
  std::uint64_t oldest_promise = ~std::uint64_t(0);
  for (auto& w : mem_wait_)
    if (w.line == line) oldest_promise = std::min(oldest_promise, w.seq);
  for (;;) {
    std::size_t best = txns_.size();
    for (std::size_t i = 0; i < txns_.size(); ++i)
      if (txns_[i].kind == Txn::HeldForMemory && txns_[i].line == line && txns_[i].seq < oldest_promise &&
          (best == txns_.size() || txns_[i].seq < txns_[best].seq))
        best = i;
    if (best == txns_.size()) break;
    txns_[best].kind = Txn::AwaitMemory;
    ++mem_reads_;
    memory_->read_line(t, line, txns_[best].buf.data(), this, std::uint64_t(best), txns_[best].trace_line);
  }
}

bool SnoopBus::line_quiet(LineAddr line) const {
  if (busy_ && current_.line == line) return false;
  for (const Pending& q : queue_)
    if (q.line == line) return false;
  for (const Txn& x : txns_)
    if (x.kind != Txn::Free && x.line == line) return false;
  for (const Promise& p : mem_wait_)
    if (p.line == line) return false;
  for (LineAddr h : held_)
    if (h == line) return false;
  return true;
}

}  // namespace cohsim
