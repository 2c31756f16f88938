#include "coherence/snoop_bus.hpp"

#include <sstream>

#include "sim/base/kernel_errors.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

using sc_core::SC_FS;
using sc_core::sc_time;

SnoopBus::SnoopBus(sc_core::sc_module_name name, const BusParams& p, MemoryLevel* memory_side)
    : sc_module(name), p_(p), memory_(memory_side), buf_(p.line_size, 0) {
  SC_HAS_PROCESS(SnoopBus);
  SC_METHOD(tick);
  sensitive << wake_;
  dont_initialize();
}

int SnoopBus::attach(BusClient* c) {
  clients_.push_back(c);
  held_.push_back(kNotHeld);
  queue_.reserve(clients_.size() * 16);
  return int(clients_.size()) - 1;
}

void SnoopBus::schedule(Tick at) {
  Tick now = sc_core::sc_time_stamp().value();
  wake_at(wake_, at, now);
}

void SnoopBus::request(Tick t, int client, BusMsg m, LineAddr line) {
  queue_.push_back({t, client, m, line});
  if (!busy_) schedule(edge(t));
}

void SnoopBus::tick() {
  guarded([this] { step(); });
}

void SnoopBus::step() {
  const Tick now = sc_core::sc_time_stamp().value();
  if (busy_) {
    if (awaiting_memory_) return;  // memory_ready() schedules the end
    if (now < busy_until_) {       // an early wake-up (it replaced the later one)
      schedule(busy_until_);
      return;
    }
    busy_ = false;
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

void SnoopBus::grant(Tick t) {
  // Choose: round robin over clients starting after the last one granted, or the
  // oldest request. Ties in arrival time go to the lower client id.
  std::size_t pick = queue_.size();
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
  current_ = queue_[pick];
  queue_.erase(queue_.begin() + std::ptrdiff_t(pick));
  last_granted_ = current_.client;
  wait_ticks_ += t - current_.t;
  ++transactions_;
  ++msgs_[int(current_.msg)];

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
  const Tick data_phase = Tick((p_.line_size + p_.width - 1) / p_.width) * p_.period;
  Tick end;
  deliver_ = false;
  exclusive_ = false;
  if (current_.msg == BusMsg::PutM) {
    end = r.data_to_memory ? address_done + data_phase : address_done;
    if (r.data_to_memory) {
      ++mem_writebacks_;
      memory_->write_line(end, current_.line, buf_.data());
    }
  } else if (current_.msg == BusMsg::Upd) {
    end = address_done + p_.period;  // one data beat: the written word
  } else if (r.no_data) {
    end = address_done;  // an owner's upgrade: the address phase is all it needs
  } else {
    Tick ready;
    if (r.data_to_requestor) {
      ++c2c_;
      ready = address_done + r.supply_latency;
      if (r.data_to_memory) {
        ++mem_writebacks_;
        memory_->write_line(address_done, current_.line, buf_.data());
      }
      end = edge(ready) + data_phase;
    } else {
      deliver_ = true;
      exclusive_ = current_.msg == BusMsg::GetS && !r.shared;
      busy_ = true;
      awaiting_memory_ = true;
      grant_tick_ = t;
      memory_->read_line(address_done, current_.line, buf_.data(), this, 0);
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

void SnoopBus::hold(int client, LineAddr line) {
  if (held_[std::size_t(client)] == kNotHeld) ++holds_;
  held_[std::size_t(client)] = line;
}

void SnoopBus::release(int client, Tick t) {
  if (held_[std::size_t(client)] == kNotHeld) return;
  held_[std::size_t(client)] = kNotHeld;
  --holds_;
  if (!busy_ && !queue_.empty()) schedule(edge(t));
}

void SnoopBus::memory_ready(std::uint64_t, Tick ready) {
  const Tick data_phase = Tick((p_.line_size + p_.width - 1) / p_.width) * p_.period;
  const Tick end = edge(ready) + data_phase;
  awaiting_memory_ = false;
  busy_until_ = end;
  busy_ticks_ += end - grant_tick_;
  schedule(end);
}

// Statistics (docs/stats.md), registered with coherence.fabric: bus.
COHSIM_STAT(kStatTransactions, "bus.transactions", "count", "", "transactions granted the bus (address phases)");
COHSIM_STAT(kStatMsgs, "bus.msgs.*", "count", "", "transactions by message (GetS, GetM, PutM, Upd)");
COHSIM_STAT(kStatC2c, "bus.cache_to_cache", "count", "", "transactions whose data came from another cache");
COHSIM_STAT(kStatMemWritebacks, "bus.memory_writebacks", "count", "", "dirty lines written to the level below the bus");
COHSIM_STAT(kStatBusyCycles, "bus.busy_uncore_cycles", "cycles", "uncore", "cycles the bus was held, from grant to the end of the data phase");
COHSIM_STAT(kStatAvgWait, "bus.avg_wait_uncore_cycles", "cycles", "uncore", "mean wait from request to grant per transaction");

void SnoopBus::register_stats(Stats& s) const {
  s.counter(kStatTransactions, "bus.transactions", &transactions_);
  for (int m = 0; m < kNumBusMsgs; ++m) s.counter(kStatMsgs, std::string("bus.msgs.") + cohsim::name(BusMsg(m)), &msgs_[m]);
  s.counter(kStatC2c, "bus.cache_to_cache", &c2c_);
  s.counter(kStatMemWritebacks, "bus.memory_writebacks", &mem_writebacks_);
  const Tick period = p_.period;
  const auto* b = &busy_ticks_;
  const auto* w = &wait_ticks_;
  const auto* n = &transactions_;
  s.derived(kStatBusyCycles, "bus.busy_uncore_cycles", [=] { return double(*b / period); });
  s.derived(kStatAvgWait, "bus.avg_wait_uncore_cycles", [=] { return *n ? double(*w) / double(period) / double(*n) : 0.0; });
}

std::string SnoopBus::dump() const {
  std::ostringstream o;
  o << "bus: " << (busy_ ? (awaiting_memory_ ? "busy, waiting for memory" : "busy") : "idle") << ", " << queue_.size()
    << " queued";
  for (std::size_t c = 0; c < held_.size(); ++c)
    if (held_[c] != kNotHeld) o << "\n  client " << c << " holds line 0x" << std::hex << held_[c] << std::dec;
  for (auto& q : queue_)
    o << "\n  client " << q.client << " " << cohsim::name(q.msg) << " line 0x" << std::hex << q.line << std::dec;
  for (auto* c : clients_) o << "\n" << c->dump_pending();
  return o.str();
}

}  // namespace cohsim
