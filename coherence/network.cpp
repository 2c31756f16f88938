#include "coherence/network.hpp"

#include <algorithm>
#include <sstream>

#include "sim/error.hpp"
#include "sim/kernel_errors.hpp"

namespace cohsim {

const char* name(NetMsgType t) {
  static const char* n[] = {"GetS",   "GetM",   "PutS", "PutM",     "PutE",     "PutO",  "Fwd-GetS",
                            "Fwd-GetM", "Inv", "Put-Ack", "AckCount", "Data", "Inv-Ack"};
  static_assert(sizeof(n) / sizeof(n[0]) == kNumNetMsgTypes, "a name per message");
  return n[int(t)];
}

const char* name(VNet v) {
  static const char* n[] = {"request", "forward", "response"};
  return n[int(v)];
}

Network::Network(sc_core::sc_module_name name, const NetworkParams& p) : sc_module(name), p_(p), rng_(p.seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL), rx_(p.line_size) {
  SC_HAS_PROCESS(Network);
  SC_METHOD(deliver);
  sensitive << wake_;
  dont_initialize();
}

int Network::attach(NetEndpoint* e) {
  ends_.push_back(e);
  return int(ends_.size()) - 1;
}

void Network::build_crossbar() {
  const std::size_t n = ends_.size();
  links_.assign(2 * n, Link{0});
  for (std::size_t i = 0; i < n; ++i) links_[n + i].latency = p_.link_latency;
  routes_.assign(n * n, {});
  last_delivery_.assign(n * n * kNumVNets, 0);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t d = 0; d < n; ++d) routes_[s * n + d] = {std::uint32_t(s), std::uint32_t(n + d)};
}

unsigned Network::flits(NetMsgType t) const {
  const unsigned bytes = p_.header_bytes + (carries_data(t) ? p_.line_size : 0);
  return (bytes + p_.link_width - 1) / p_.link_width;
}

Tick Network::idle_latency(int src, int dst, NetMsgType t) const {
  Tick l = 0;
  for (std::uint32_t id : routes_[std::size_t(src) * ends_.size() + std::size_t(dst)]) l += links_[id].latency;
  return l + Tick(flits(t)) * p_.period;
}

std::uint32_t Network::take_slot() {
  if (!free_slots_.empty()) {
    std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  msgs_.emplace_back();
  has_data_.push_back(false);
  data_.resize(data_.size() + p_.line_size);
  return std::uint32_t(msgs_.size() - 1);
}

void Network::send(Tick t, const NetMsg& m, const std::uint8_t* data) {
  if (m.dst < 0 || std::size_t(m.dst) >= ends_.size() || m.src < 0 || std::size_t(m.src) >= ends_.size())
    throw SimError("network: message " + std::string(cohsim::name(m.type)) + " from " + std::to_string(m.src) + " to " +
                   std::to_string(m.dst) + ": no such endpoint");
  const std::uint32_t slot = take_slot();
  msgs_[slot] = m;
  has_data_[slot] = data != nullptr;
  if (data) std::copy(data, data + p_.line_size, data_.begin() + std::ptrdiff_t(slot) * p_.line_size);
  const Tick now = sc_core::sc_time_stamp().value();
  if (t > now) {  // it enters the network later: reserve the links then
    heap_.push({t, seq_++, slot, false});
    wake_at(t);
  } else {
    inject(t, slot);
  }
}

void Network::wake_at(Tick at) {
  if (heap_.top().at != at) return;  // something earlier is already scheduled
  const Tick now = sc_core::sc_time_stamp().value();
  wake_.notify(sc_core::sc_time::from_value(at > now ? at - now : 0));
}

void Network::inject(Tick t, std::uint32_t slot) {
  const NetMsg& m = msgs_[slot];
  const Tick f = Tick(flits(m.type)) * p_.period;
  Tick head = t, idle = 0;
  for (std::uint32_t id : routes_[std::size_t(m.src) * ends_.size() + std::size_t(m.dst)]) {
    Link& l = links_[id];
    const Tick start = std::max(head, l.free_at);
    l.free_at = start + f;
    l.busy_ticks += f;
    head = start + l.latency;
    idle += l.latency;
  }
  Tick at = head + f;
  if (p_.jitter) {
    rng_ ^= rng_ << 13, rng_ ^= rng_ >> 7, rng_ ^= rng_ << 17;
    // Mostly small delays, now and then a long one (races need both).
    const unsigned range = (rng_ >> 60) == 0 ? p_.jitter : p_.jitter / 8;
    at += Tick((rng_ & 0xffffffff) % (range + 1)) * p_.period;
  }
  Tick& last = last_delivery_[(std::size_t(m.src) * ends_.size() + std::size_t(m.dst)) * kNumVNets +
                              std::size_t(vnet_of(m.type))];
  at = std::max(at, last);
  last = at;
  ++sent_[int(m.type)];
  ++vnet_sent_[int(vnet_of(m.type))];
  bytes_ += p_.header_bytes + (carries_data(m.type) ? p_.line_size : 0);
  latency_ticks_ += at - t;
  queue_ticks_ += at - t - idle - f;
  heap_.push({at, seq_++, slot, true});
  wake_at(at);
}

void Network::deliver() {
  guarded([this] { step(); });
}

void Network::step() {
  const Tick now = sc_core::sc_time_stamp().value();
  while (!heap_.empty() && heap_.top().at <= now) {
    const std::uint32_t slot = heap_.top().slot;
    const bool injected = heap_.top().injected;
    heap_.pop();
    if (!injected) {
      inject(now, slot);
      continue;
    }
    const NetMsg m = msgs_[slot];
    // The receiver may send (and so grow the slot storage): it gets a copy.
    const bool d = has_data_[slot];
    if (d) std::copy_n(data_.begin() + std::ptrdiff_t(slot) * p_.line_size, p_.line_size, rx_.begin());
    free_slots_.push_back(slot);
    ends_[std::size_t(m.dst)]->receive(now, m, d ? rx_.data() : nullptr);
  }
  if (!heap_.empty()) wake_.notify(sc_core::sc_time::from_value(heap_.top().at - now));
}

void Network::register_stats(Stats& s) const {
  for (int t = 0; t < kNumNetMsgTypes; ++t) s.counter(std::string("network.msgs.") + cohsim::name(NetMsgType(t)), &sent_[t]);
  for (int v = 0; v < kNumVNets; ++v) s.counter(std::string("network.vnet.") + cohsim::name(VNet(v)), &vnet_sent_[v]);
  s.counter("network.bytes", &bytes_);
  const Tick period = p_.period;
  const std::uint64_t* sent = sent_;
  auto total = [sent] {
    std::uint64_t n = 0;
    for (int t = 0; t < kNumNetMsgTypes; ++t) n += sent[t];
    return n;
  };
  const auto *lat = &latency_ticks_, *q = &queue_ticks_;
  s.derived("network.messages", [=] { return double(total()); });
  s.derived("network.avg_latency_cycles", [=] { return total() ? double(*lat) / double(period) / double(total()) : 0.0; });
  s.derived("network.avg_queue_cycles", [=] { return total() ? double(*q) / double(period) / double(total()) : 0.0; });
  const std::vector<Link>* links = &links_;
  s.derived("network.max_link_utilisation", [=] {
    const double now = double(sc_core::sc_time_stamp().value());
    double m = 0;
    for (auto& l : *links) m = std::max(m, now > 0 ? double(l.busy_ticks) / now : 0.0);
    return m;
  });
}

std::string Network::dump() const {
  std::ostringstream o;
  o << "network: " << heap_.size() << " message(s) in flight";
  auto h = heap_;
  int shown = 0;
  while (!h.empty() && shown < 32) {
    const NetMsg& m = msgs_[h.top().slot];
    o << "\n  at " << h.top().at << " fs: " << cohsim::name(m.type) << " " << m.src << "->" << m.dst << " line 0x" << std::hex
      << m.line << std::dec << " req " << m.requester << " acks " << m.acks;
    h.pop();
    ++shown;
  }
  for (auto* e : ends_) o << "\n" << e->dump_pending();
  return o.str();
}

}  // namespace cohsim
