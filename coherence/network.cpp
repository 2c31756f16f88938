#include "coherence/network.hpp"

#include <algorithm>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/kernel_errors.hpp"
#include "sim/base/registry.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

const char* name(NetMsgType t) {
  static const char* n[] = {"GetS",     "GetM", "PutS",    "PutM",     "PutE", "PutO",   "Fwd-GetS",
                            "Fwd-GetM", "Inv",  "Put-Ack", "AckCount", "Data", "Inv-Ack"};
  static_assert(sizeof(n) / sizeof(n[0]) == kNumNetMsgTypes, "a name per message");
  return n[int(t)];
}

const char* name(VNet v) {
  static const char* n[] = {"request", "forward", "response"};
  return n[int(v)];
}

Network::Network(sc_core::sc_module_name name, const NetworkParams& p)
    : sc_module(name),
      p_(p),
      rx_(p.line_size),
      rng_(random_stream(p.seed, "network.jitter")),
      home_rng_(random_stream(p.seed, "network.home_data_jitter")),
      cap_(p.buffer_entries),
      vns_(p.virtual_networks == 1 ? 1 : 3),
      inj_cap_(p.buffer_entries ? p.injection_entries : 0) {
  wake_.bind<&Network::deliver>(this);
  wake_.dont_initialize();
}

int Network::attach(NetEndpoint* e, const std::string& name) {
  end_names_.push_back(name.empty() ? "e" + std::to_string(ends_.size()) : name);
  ends_.push_back(e);
  return int(ends_.size()) - 1;
}

const Choices<Topology>& topologies() {
  static const Choices<Topology> c("numa.topology",
                                   {{"fully_connected", Topology::FullyConnected, "one hop between any two nodes"},
                                    {"crossbar", Topology::Crossbar, "one hop through a central switch"},
                                    {"ring", Topology::Ring, "a ring, the shorter way round"},
                                    {"mesh", Topology::Mesh, "a 2D mesh, XY routing (numa.mesh_columns)"}});
  return c;
}
COHSIM_REGISTER_CHOICES(topologies);

Topology parse_topology(const std::string& name) { return topologies().value(name); }

unsigned mesh_width(unsigned nodes, unsigned columns) {
  if (columns == 0)
    while (columns * columns < nodes) ++columns;
  return columns;
}

std::vector<std::string> topology_names() { return plugin_names("numa.topology"); }

std::uint32_t Network::link_between(unsigned a, unsigned b) {
  std::int32_t& id = node_link_[std::size_t(a) * (nodes_ + 1) + b];
  if (id < 0) {
    id = std::int32_t(links_.size());
    const bool sw = p_.topology == Topology::Crossbar;
    // A crossbar's links run to and from its switch (node index nodes_).
    const std::string from = a == nodes_ ? "switch" : "n" + std::to_string(a);
    const std::string to = b == nodes_ ? "switch" : "n" + std::to_string(b);
    links_.push_back(Link{sw && a == nodes_ ? 0 : p_.hop_latency, p_.hop_width, from + "-" + to});
  }
  return std::uint32_t(id);
}

std::vector<std::uint32_t> Network::node_path(unsigned a, unsigned b) {
  std::vector<std::uint32_t> path;
  if (a == b) return path;
  switch (p_.topology) {
    case Topology::FullyConnected: path.push_back(link_between(a, b)); break;
    case Topology::Crossbar:
      path.push_back(link_between(a, nodes_));  // into the switch: the hop's latency
      path.push_back(link_between(nodes_, b));  // its output port towards b
      break;
    case Topology::Ring: {
      const unsigned cw = (b + nodes_ - a) % nodes_, ccw = nodes_ - cw;
      const bool clockwise = cw <= ccw;
      for (unsigned x = a; x != b;) {
        const unsigned y = clockwise ? (x + 1) % nodes_ : (x + nodes_ - 1) % nodes_;
        path.push_back(link_between(x, y));
        x = y;
      }
      break;
    }
    case Topology::Mesh: {
      const unsigned w = p_.mesh_columns;
      unsigned x = a % w, y = a / w;
      const unsigned tx = b % w, ty = b / w;
      while (x != tx) {  // X first
        const unsigned nx = x < tx ? x + 1 : x - 1;
        path.push_back(link_between(y * w + x, y * w + nx));
        x = nx;
      }
      while (y != ty) {
        const unsigned ny = y < ty ? y + 1 : y - 1;
        path.push_back(link_between(y * w + x, ny * w + x));
        y = ny;
      }
      break;
    }
  }
  return path;
}

void Network::build(const std::vector<unsigned>& node_of) {
  const std::size_t n = ends_.size();
  if (node_of.size() != n) throw SimError("network: a node for every endpoint is needed");
  node_of_ = node_of;
  nodes_ = 1;
  for (unsigned x : node_of_) nodes_ = std::max(nodes_, x + 1);
  if (p_.topology == Topology::Mesh) {
    p_.mesh_columns = mesh_width(nodes_, p_.mesh_columns);
    if (nodes_ % p_.mesh_columns)  // the rule numa.mesh_columns (sim/system) refuses such a configuration
      throw std::invalid_argument("network: a mesh of " + std::to_string(nodes_) + " nodes in rows of " +
                                  std::to_string(p_.mesh_columns) + " is not a rectangle");
  }
  // Every endpoint's input and output port on its node's router.
  links_.clear();
  for (std::size_t i = 0; i < n; ++i)
    links_.push_back(Link{0, p_.link_width, end_names_[i] + "-n" + std::to_string(node_of_[i])});
  for (std::size_t i = 0; i < n; ++i)
    links_.push_back(Link{p_.link_latency, p_.link_width, "n" + std::to_string(node_of_[i]) + "-" + end_names_[i]});
  node_link_.assign(std::size_t(nodes_ + 1) * (nodes_ + 1), -1);
  std::vector<std::vector<std::uint32_t>> paths(std::size_t(nodes_) * nodes_);
  for (unsigned a = 0; a < nodes_; ++a)
    for (unsigned b = 0; b < nodes_; ++b) paths[a * nodes_ + b] = node_path(a, b);
  routes_.assign(n * n, {});
  route_hops_.assign(n * n, 0);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t d = 0; d < n; ++d) {
      auto& r = routes_[s * n + d];
      r.push_back(std::uint32_t(s));
      const auto& path = paths[std::size_t(node_of_[s]) * nodes_ + node_of_[d]];
      r.insert(r.end(), path.begin(), path.end());
      r.push_back(std::uint32_t(n + d));
      route_hops_[s * n + d] = hops(node_of_[s], node_of_[d]);
    }
  last_delivery_.assign(n * n * kNumVNets, 0);
  if (cap_) {
    const std::size_t bufs = links_.size() * vns_;
    credits_.assign(bufs, cap_);
    queue_.assign(bufs + n * vns_, {});
    kept_.assign(n * vns_, {});
    stall_ticks_.assign(bufs, 0);
    peak_.assign(bufs, 0);
    area_.assign(bufs, 0.0);
    changed_.assign(bufs, 0);
  }
  if (cap_ && inj_cap_) {
    inj_used_.assign(n * vns_, 0);
    inj_held_.assign(n * vns_, {});
    inj_last_.assign(n * vns_, 0);
    inj_refused_.assign(n * vns_, kNever);
    inj_peak_.assign(n * vns_, 0);
    inj_held_peak_.assign(n * vns_, 0);
    inj_blocked_.assign(n * vns_, 0);
    inj_area_.assign(n * vns_, 0.0);
    inj_changed_.assign(n * vns_, 0);
    inj_notify_.reserve(n);
  }
}

unsigned Network::hops(unsigned a, unsigned b) const {
  if (a == b) return 0;
  switch (p_.topology) {
    case Topology::FullyConnected:
    case Topology::Crossbar: return 1;
    case Topology::Ring: {
      const unsigned cw = (b + nodes_ - a) % nodes_;
      return std::min(cw, nodes_ - cw);
    }
    case Topology::Mesh: {
      const unsigned w = p_.mesh_columns;
      const int dx = int(a % w) - int(b % w), dy = int(a / w) - int(b / w);
      return unsigned(std::abs(dx) + std::abs(dy));
    }
  }
  return 0;
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

void Network::send(Tick t, const NetMsg& m, const std::uint8_t* data, bool from_memory) {
  if (m.dst < 0 || std::size_t(m.dst) >= ends_.size() || m.src < 0 || std::size_t(m.src) >= ends_.size())
    throw SimError("network: message " + std::string(cohsim::name(m.type)) + " from " + std::to_string(m.src) + " to " +
                   std::to_string(m.dst) + ": no such endpoint");
  const std::uint32_t slot = take_slot();
  msgs_[slot] = m;
  has_data_[slot] = data != nullptr;
  if (data) std::copy(data, data + p_.line_size, data_.begin() + std::ptrdiff_t(slot) * p_.line_size);
  const Tick now = sim_now();
  if (inj_cap_ && from_memory && t > now) {  // it takes its entry when it comes back (step_finite)
    if (take_at_inject_.size() <= slot) take_at_inject_.resize(msgs_.size(), false);
    take_at_inject_[slot] = true;
  } else if (inj_cap_) {  // a finite injection queue: an entry, or wait in the controller
    const std::size_t q = std::size_t(m.src) * vns_ + vn_of(m.type);
    if (!inj_held_[q].empty() || inj_used_[q] >= inj_cap_) {
      inj_held_[q].push_back({slot, t});
      inj_held_peak_[q] = std::max<std::uint64_t>(inj_held_peak_[q], inj_held_[q].size());
      return;
    }
    inj_take(q, now);
    inj_last_[q] = std::max(inj_last_[q], t);
  }
  if (t > now) {  // it enters the network later: reserve the links then
    heap_.push({t, seq_++, slot, Ev::Inject});
    wake_at(t);
  } else if (cap_) {
    enqueue_finite(t, slot);
  } else {
    inject(t, slot);
  }
}

void Network::wake_at(Tick at) {
  if (heap_.top().at != at) return;  // something earlier is already scheduled
  const Tick now = sim_now();
  cohsim::wake_at(wake_, at, now);
}

void Network::inject(Tick t, std::uint32_t slot) {
  const NetMsg& m = msgs_[slot];
  const unsigned b = bytes(m);
  Tick head = t, idle = 0, f = 0;  // f: the slowest link's serialisation (the tail follows it)
  const std::size_t route = std::size_t(m.src) * ends_.size() + std::size_t(m.dst);
  for (std::uint32_t id : routes_[route]) {
    Link& l = links_[id];
    const Tick fl = Tick((b + l.width - 1) / l.width) * p_.period;
    const Tick start = std::max(head, l.free_at);
    l.free_at = start + fl;
    l.busy_ticks += fl;
    l.bytes += b;
    head = start + l.latency;
    idle += l.latency;
    f = std::max(f, fl);
  }
  if (route_hops_[route]) hops_ += route_hops_[route], ++remote_msgs_;
  Tick at = head + f;
  if (p_.jitter) {
    const std::uint64_t r = rng_.next();
    // Mostly small delays, now and then a long one (races need both).
    const unsigned range = (r >> 60) == 0 ? p_.jitter : p_.jitter / 8;
    at += Tick((r & 0xffffffff) % (range + 1)) * p_.period;
  }
  at += home_data_delay(m);
  Tick& last = last_delivery_[(std::size_t(m.src) * ends_.size() + std::size_t(m.dst)) * kNumVNets +
                              vn_of(m.type)];
  at = std::max(at, last);
  last = at;
  ++sent_[int(m.type)];
  ++vnet_sent_[int(vnet_of(m.type))];
  bytes_ += b;
  latency_ticks_ += at - t;
  queue_ticks_ += at - t - idle - f;
  heap_.push({at, seq_++, slot, Ev::Deliver});
  wake_at(at);
  if (log_)
    log_->net(t, false, cohsim::name(m.type), m.src, m.dst, cohsim::name(vnet_of(m.type)), m.line * p_.line_size,
              has_data_[slot] ? data_.data() + std::ptrdiff_t(slot) * p_.line_size : nullptr, m.acks);
}

void Network::set_log(EventLog* log) {
  log_ = log && log->enabled() ? log : nullptr;
  if (log_) log_->set_fabric_agent(log_->add_agent("network", "network", "uncore", p_.period));
}

void Network::deliver() {
  guarded([this] { step(); });
}

void Network::step() {
  const Tick now = sim_now();
  if (cap_) return step_finite(now);
  while (!heap_.empty() && heap_.top().at <= now) {
    const std::uint32_t slot = heap_.top().slot;
    const bool injected = heap_.top().kind == Ev::Deliver;
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
    if (log_)
      log_->net(now, true, cohsim::name(m.type), m.src, m.dst, cohsim::name(vnet_of(m.type)), m.line * p_.line_size,
                d ? rx_.data() : nullptr, m.acks);
    ends_[std::size_t(m.dst)]->receive(now, m, d ? rx_.data() : nullptr);
  }
  if (!heap_.empty()) cohsim::wake_at(wake_, heap_.top().at, now);
}

// ---- Finite buffers (network.buffer_entries): credit-based flow control, hop by hop.

void Network::enqueue_finite(Tick t, std::uint32_t slot) {
  const NetMsg& m = msgs_[slot];
  if (hop_.size() < msgs_.size()) hop_.resize(msgs_.size());
  Hop& h = hop_[slot];
  const unsigned v = vn_of(m.type);
  h.queue = inject_queue(std::size_t(m.src), v);
  h.next = 0;
  h.ready = t;
  h.sent = t;
  h.idle = h.tail = 0;
  const unsigned b = bytes(m);
  for (std::uint32_t id : routes_[std::size_t(m.src) * ends_.size() + std::size_t(m.dst)]) {
    const Link& l = links_[id];
    h.idle += l.latency;
    h.tail = std::max(h.tail, Tick((b + l.width - 1) / l.width) * p_.period);
  }
  h.waiting_since = kNever;
  h.seq = seq_++;
  queue_[h.queue].push_back(slot);
  ++queued_;
  ++sent_[int(m.type)];
  ++vnet_sent_[int(vnet_of(m.type))];
  bytes_ += b;
  const std::size_t route = std::size_t(m.src) * ends_.size() + std::size_t(m.dst);
  if (route_hops_[route]) hops_ += route_hops_[route], ++remote_msgs_;
  if (log_)
    log_->net(t, false, cohsim::name(m.type), m.src, m.dst, cohsim::name(vnet_of(m.type)), m.line * p_.line_size,
              has_data_[slot] ? data_.data() + std::ptrdiff_t(slot) * p_.line_size : nullptr, m.acks);
  if (!in_step_) cohsim::wake_at(wake_, t, sim_now());
}

void Network::occupancy_change(std::uint32_t buf, int delta, Tick now) {
  const std::uint64_t taken = cap_ - credits_[buf];
  area_[buf] += double(taken) * double(now - std::min(now, changed_[buf]));
  changed_[buf] = now;
  credits_[buf] = unsigned(int(credits_[buf]) - delta);
  peak_[buf] = std::max<std::uint64_t>(peak_[buf], cap_ - credits_[buf]);
}

void Network::return_credit(std::uint32_t buf, Tick at) {
  const Tick now = sim_now();
  if (at <= now && in_step_) {
    credit_back(buf, now);
    return;
  }
  heap_.push({at, seq_++, buf, Ev::Credit});
  if (!in_step_) cohsim::wake_at(wake_, at, now);
}

void Network::keep_finite(const NetMsg& m) {
  kept_[std::size_t(m.dst) * vns_ + vn_of(m.type)].push_back(m);
  kept_now_ = true;
}

void Network::consumed_finite(Tick t, const NetMsg& m) {
  auto& k = kept_[std::size_t(m.dst) * vns_ + vn_of(m.type)];
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i].type == m.type && k[i].src == m.src && k[i].line == m.line && k[i].requester == m.requester) {
      k.erase(k.begin() + std::ptrdiff_t(i));
      const std::uint32_t last = std::uint32_t(ends_.size() + std::size_t(m.dst));  // the link into the endpoint
      return_credit(last * vns_ + vn_of(m.type), std::max<Tick>(t, sim_now()) + links_[last].latency);
      return;
    }
  throw SimError("network: endpoint " + end_names_[std::size_t(m.dst)] + " took a " + cohsim::name(m.type) +
                 " it did not keep");
}

void Network::step_finite(Tick now) {
  in_step_ = true;
  while (!heap_.empty() && heap_.top().at <= now) {
    const InFlight f = heap_.top();
    heap_.pop();
    switch (f.kind) {
      case Ev::Inject:
        if (inj_cap_ && f.slot < take_at_inject_.size() && take_at_inject_[f.slot]) {  // data back from memory
          take_at_inject_[f.slot] = false;
          const NetMsg& m = msgs_[f.slot];
          const std::size_t q = std::size_t(m.src) * vns_ + vn_of(m.type);
          inj_last_[q] = std::max(inj_last_[q], now);
          if (!inj_held_[q].empty() || inj_used_[q] >= inj_cap_) {  // no entry: it waits in the home
            inj_held_[q].push_back({f.slot, now});
            inj_held_peak_[q] = std::max<std::uint64_t>(inj_held_peak_[q], inj_held_[q].size());
            break;
          }
          inj_take(q, now);
        }
        enqueue_finite(now, f.slot);
        break;
      case Ev::Credit: credit_back(f.slot, now); break;
      case Ev::Deliver: deliver_finite(now, f.slot); break;
    }
  }
  advance(now);
  while (!inj_notify_.empty()) {  // endpoints that waited for room may send now
    notify_ready(now);
    advance(now);
  }
  in_step_ = false;
}

void Network::credit_back(std::uint32_t idx, Tick now) {
  const std::size_t bufs = links_.size() * vns_;
  if (idx < bufs) occupancy_change(idx, -1, now);
  else inj_release(idx - bufs, now);
}

// ---- Finite injection queues (network.injection_entries).

void Network::inj_count(std::size_t q, Tick now) {
  inj_area_[q] += double(inj_used_[q]) * double(now - std::min(now, inj_changed_[q]));
  inj_changed_[q] = now;
}

void Network::inj_take(std::size_t q, Tick now) {
  inj_count(q, now);
  ++inj_used_[q];
  inj_peak_[q] = std::max<std::uint64_t>(inj_peak_[q], inj_used_[q]);
}

void Network::inj_release(std::size_t q, Tick now) {
  inj_count(q, now);
  --inj_used_[q];
  if (!inj_held_[q].empty()) {  // the oldest send waiting in the controller takes the entry
    const Held h = inj_held_[q].front();
    inj_held_[q].pop_front();
    inj_take(q, now);
    const Tick at = std::max({now, h.at, inj_last_[q]});  // after what was committed before it
    inj_last_[q] = at;
    if (at > now) {
      heap_.push({at, seq_++, h.slot, Ev::Inject});
    } else {
      enqueue_finite(at, h.slot);
    }
    return;
  }
  if (inj_refused_[q] == kNever) return;
  inj_blocked_[q] += now > inj_refused_[q] ? now - inj_refused_[q] : 0;
  inj_refused_[q] = kNever;
  const int e = int(q / vns_);
  if (std::find(inj_notify_.begin(), inj_notify_.end(), e) == inj_notify_.end()) inj_notify_.push_back(e);
}

void Network::notify_ready(Tick now) {
  // injection_ready() may refuse again and queue the endpoint anew: take the list first.
  std::vector<int> ready;
  ready.swap(inj_notify_);
  for (int e : ready) ends_[std::size_t(e)]->injection_ready(now);
  if (inj_notify_.empty()) ready.swap(inj_notify_), inj_notify_.clear();  // keep the storage
}

bool Network::room_for(int e, const unsigned (&need)[kNumVNets], Tick at) {
  if (!inj_cap_) return true;
  unsigned per[kNumVNets] = {};
  for (int c = 0; c < kNumVNets; ++c) per[vns_ == 1 ? 0 : c] += need[c];
  bool ok = true;
  for (unsigned v = 0; v < vns_; ++v) {
    if (!per[v]) continue;
    const std::size_t q = std::size_t(e) * vns_ + v;
    const unsigned free = inj_held_[q].empty() ? inj_cap_ - inj_used_[q] : 0;
    if (free >= std::min(per[v], inj_cap_)) continue;
    ok = false;
    if (inj_refused_[q] == kNever) inj_refused_[q] = std::max(at, sim_now());
  }
  return ok;
}

bool Network::has_room(int e, VNet c) const {
  if (!inj_cap_) return true;
  const std::size_t q = std::size_t(e) * vns_ + vn_of_class(c);
  return inj_held_[q].empty() && inj_used_[q] < inj_cap_;
}

void Network::deliver_finite(Tick now, std::uint32_t slot) {
  const NetMsg m = msgs_[slot];
  const bool d = has_data_[slot];
  if (d) std::copy_n(data_.begin() + std::ptrdiff_t(slot) * p_.line_size, p_.line_size, rx_.begin());
  free_slots_.push_back(slot);
  if (log_)
    log_->net(now, true, cohsim::name(m.type), m.src, m.dst, cohsim::name(vnet_of(m.type)), m.line * p_.line_size,
              d ? rx_.data() : nullptr, m.acks);
  kept_now_ = false;
  ends_[std::size_t(m.dst)]->receive(now, m, d ? rx_.data() : nullptr);
  if (!kept_now_) {  // taken at once: its entry frees, the credit travels back over the link
    const std::uint32_t last = std::uint32_t(ends_.size() + std::size_t(m.dst));
    return_credit(last * vns_ + vn_of(m.type), now + links_[last].latency);
  }
  kept_now_ = false;
}

void Network::advance(Tick now) {
  Tick next = kNever;
  for (bool progress = queued_ != 0; progress;) {
    progress = false;
    next = kNever;
    cand_.clear();
    for (std::uint32_t q = 0; q < queue_.size(); ++q) {
      if (queue_[q].empty()) continue;
      const std::uint32_t s = queue_[q].front();
      if (hop_[s].ready > now) next = std::min(next, hop_[s].ready);
      else cand_.push_back(s);
    }
    // Oldest first: the head that reached its buffer's head earliest (then the earlier sent).
    std::sort(cand_.begin(), cand_.end(), [this](std::uint32_t a, std::uint32_t b) {
      return hop_[a].ready != hop_[b].ready ? hop_[a].ready < hop_[b].ready : hop_[a].seq < hop_[b].seq;
    });
    for (std::uint32_t s : cand_) {
      Hop& h = hop_[s];
      const NetMsg& m = msgs_[s];
      const unsigned v = vn_of(m.type);
      const auto& route = routes_[std::size_t(m.src) * ends_.size() + std::size_t(m.dst)];
      const std::uint32_t id = route[h.next];
      Link& l = links_[id];
      const std::uint32_t buf = id * vns_ + v;
      if (credits_[buf] == 0) {  // waits for a credit: its return wakes the network
        if (h.waiting_since == kNever) h.waiting_since = now;
        continue;
      }
      // A credit is there: a wait for one ends (a wait for the link is not a credit stall).
      if (h.waiting_since != kNever) stall_ticks_[buf] += now - h.waiting_since, h.waiting_since = kNever;
      if (l.free_at > now) {
        next = std::min(next, l.free_at);
        continue;
      }
      occupancy_change(buf, +1, now);
      const unsigned b = bytes(m);
      const Tick fl = Tick((b + l.width - 1) / l.width) * p_.period;
      l.free_at = now + fl;
      l.busy_ticks += fl;
      l.bytes += b;
      queue_[h.queue].pop_front();
      --queued_;
      // The tail leaves the buffer it waited in; that buffer's credit travels back
      // (an injection queue's entry frees when the tail has left).
      if (h.next > 0) {
        const std::uint32_t prev = route[h.next - 1];
        return_credit(prev * vns_ + v, now + fl + links_[prev].latency);
      } else if (inj_cap_) {
        return_credit(h.queue, now + fl);
      }
      progress = true;
      if (h.next + 1 < route.size()) {
        ++h.next;
        h.ready = now + l.latency;
        h.queue = buf;
        queue_[buf].push_back(s);
        ++queued_;
        continue;
      }
      Tick at = now + l.latency + h.tail;
      if (p_.jitter) {
        const std::uint64_t r = rng_.next();
        const unsigned range = (r >> 60) == 0 ? p_.jitter : p_.jitter / 8;
        at += Tick((r & 0xffffffff) % (range + 1)) * p_.period;
      }
      at += home_data_delay(m);
      Tick& last = last_delivery_[(std::size_t(m.src) * ends_.size() + std::size_t(m.dst)) * kNumVNets + v];
      at = std::max(at, last);
      last = at;
      latency_ticks_ += at - h.sent;
      queue_ticks_ += at - h.sent - h.idle - h.tail;
      heap_.push({at, seq_++, s, Ev::Deliver});
    }
  }
  if (!heap_.empty()) next = std::min(next, heap_.top().at);
  if (next != kNever) cohsim::wake_at(wake_, next, now);
}

std::string Network::buffer_name(std::uint32_t q) const {
  const std::size_t n = ends_.size();
  const std::size_t bufs = links_.size() * vns_;
  const unsigned v = q % vns_;
  const std::string vn = vns_ == 1 ? "VN0 (every class)" : "VN" + std::to_string(v) + " (" + cohsim::name(VNet(v)) + ")";
  if (q >= bufs) return end_names_[(q - bufs) / vns_] + " injection queue " + vn;
  const std::size_t id = q / vns_;
  if (id < n) return "n" + std::to_string(node_of_[id]) + " router input from " + end_names_[id] + " " + vn;
  if (id < 2 * n) return end_names_[id - n] + " input " + vn;
  const std::string& ln = links_[id].name;  // "A-B": B's router input from A
  const std::size_t dash = ln.find('-');
  return ln.substr(dash + 1) + " router input from " + ln.substr(0, dash) + " " + vn;
}

std::string Network::buffer_report() const {
  const std::size_t n = ends_.size();
  const std::size_t bufs = links_.size() * vns_;
  std::ostringstream o;
  auto hexline = [this](LineAddr line) {
    std::ostringstream x;
    x << "0x" << std::hex << line * p_.line_size;
    return x.str();
  };
  auto describe = [&](const NetMsg& m) {
    return std::string(cohsim::name(m.type)) + " " + end_names_[std::size_t(m.src)] + "->" +
           end_names_[std::size_t(m.dst)] + " line " + hexline(m.line);
  };
  auto is_input = [&](std::uint32_t b) { return b < bufs && b / vns_ >= n && b / vns_ < 2 * n; };
  auto fill = [&](std::uint32_t b) {
    if (b >= bufs)  // an injection queue: its entries taken
      return inj_cap_ ? std::to_string(inj_used_[b - bufs]) + "/" + std::to_string(inj_cap_) : std::string("unlimited");
    return std::to_string(cap_ - credits_[b]) + "/" + std::to_string(cap_);
  };
  // What each buffer waits for (one edge each), and why, in words.
  std::vector<std::int64_t> waits(queue_.size(), -1);
  std::vector<std::string> why(queue_.size());
  for (std::uint32_t q = 0; q < queue_.size(); ++q) {
    if (is_input(q)) {
      const std::size_t e = q / vns_ - n;
      const auto& k = kept_[e * vns_ + q % vns_];
      if (credits_[q] != 0 || k.size() < cap_) continue;  // not full of stalled messages
      // Its controller refused a message for want of room in an injection queue: the
      // buffer waits for that queue (finite injection queues).
      for (unsigned v = 0; inj_cap_ && v < vns_ && waits[q] < 0; ++v) {
        const std::size_t iq = e * vns_ + v;
        if (inj_refused_[iq] == kNever) continue;
        waits[q] = std::int64_t(bufs + iq);
        why[q] = "full " + fill(q) + ": " + describe(k.front()) + " and the rest wait for " + end_names_[e] +
                 "'s controller, which waits for room in " + buffer_name(std::uint32_t(bufs + iq)) + " (full " +
                 fill(std::uint32_t(bufs + iq)) +
                 (inj_held_[iq].empty() ? "" : ", " + std::to_string(inj_held_[iq].size()) + " more held by the controller") +
                 ")";
      }
      if (waits[q] >= 0) continue;
      // A stalled message waits for a message about its line to reach the endpoint;
      // else for any message about its line still in the network; else for one an
      // endpoint has yet to send.
      for (const NetMsg& s : k) {
        for (int pass = 0; pass < 2 && waits[q] < 0; ++pass)
          for (std::uint32_t r = 0; r < queue_.size() && waits[q] < 0; ++r)
            for (std::uint32_t slot : queue_[r]) {
              const NetMsg& x = msgs_[slot];
              if (x.line == s.line && (pass == 1 || std::size_t(x.dst) == e)) {
                waits[q] = r;
                why[q] = "full " + fill(q) + ": " + describe(s) + " stalls (protocol) and waits for " + describe(x) +
                         (queue_[r].front() == slot ? ", the head of " : ", queued in ") + buffer_name(r);
                break;
              }
            }
        // Else for what another endpoint answers to a message about the line it keeps
        // in its input buffer (a forward its controller has not taken yet).
        for (std::size_t e2 = 0; e2 < n && waits[q] < 0; ++e2)
          for (unsigned v2 = 0; e2 != e && v2 < vns_ && waits[q] < 0; ++v2)
            for (const NetMsg& x : kept_[e2 * vns_ + v2])
              if (x.line == s.line) {
                waits[q] = std::int64_t((n + e2) * vns_ + v2);
                why[q] = "full " + fill(q) + ": " + describe(s) + " stalls (protocol) and waits for the answer to " +
                         describe(x) + ", kept in " + buffer_name(std::uint32_t(waits[q]));
                break;
              }
        if (waits[q] >= 0) break;
      }
      if (waits[q] < 0) {
        std::string held;
        for (const NetMsg& s : k) held += (held.empty() ? "" : "; ") + describe(s);
        why[q] = "full " + fill(q) + " of stalled messages: " + held;
      }
      continue;
    }
    if (queue_[q].empty()) continue;
    const std::uint32_t s = queue_[q].front();
    const NetMsg& m = msgs_[s];
    const auto& route = routes_[std::size_t(m.src) * n + std::size_t(m.dst)];
    const std::uint32_t next = route[hop_[s].next] * vns_ + vn_of(m.type);
    if (credits_[next] != 0) continue;  // it moves once its link is free
    waits[q] = next;
    why[q] = (q < bufs || inj_cap_ ? "holds " + fill(q) + ": head " : "head ") + describe(m) + " waits for a credit of " +
             buffer_name(next) + " (full " + fill(next) + ")";
  }
  // A cycle of waits is a deadlock: name it.
  std::vector<int> mark(queue_.size(), 0);  // 0 unvisited, 1 on the path, 2 done
  std::vector<std::uint32_t> cycle;
  for (std::uint32_t start = 0; start < queue_.size() && cycle.empty(); ++start) {
    std::vector<std::uint32_t> path;
    std::int64_t x = start;
    while (x >= 0 && mark[std::size_t(x)] == 0) {
      mark[std::size_t(x)] = 1;
      path.push_back(std::uint32_t(x));
      x = waits[std::size_t(x)];
    }
    if (x >= 0 && mark[std::size_t(x)] == 1) {
      const auto at = std::find(path.begin(), path.end(), std::uint32_t(x));
      cycle.assign(at, path.end());
    }
    for (std::uint32_t p : path) mark[p] = 2;
  }
  o << "network buffers: " << cap_ << " entr" << (cap_ == 1 ? "y" : "ies") << " per virtual network per link, "
    << vns_ << " virtual network" << (vns_ == 1 ? "" : "s") << "; injection queues: ";
  if (inj_cap_) o << inj_cap_ << " entr" << (inj_cap_ == 1 ? "y" : "ies") << " per virtual network per endpoint";
  else o << "unlimited";
  o << "; " << queued_ << " message(s) queued in routers";
  if (!cycle.empty()) {
    o << "\nnetwork deadlock: a cycle of " << cycle.size() << " waiting buffer(s):";
    for (std::uint32_t q : cycle) o << "\n  " << buffer_name(q) << " " << why[q];
    o << "\n  (and so back to " << buffer_name(cycle.front()) << ")";
  }
  bool any = false;
  for (std::uint32_t q = 0; q < queue_.size(); ++q)
    if (!why[q].empty() && std::find(cycle.begin(), cycle.end(), q) == cycle.end()) {
      if (!any) o << "\nother waiting buffers:";
      any = true;
      o << "\n  " << buffer_name(q) << " " << why[q];
    }
  return o.str();
}

// Statistics (docs/stats.md), registered with coherence.fabric: directory.
COHSIM_STAT(kStatMsgs, "network.msgs.*", "count", "", "messages sent, by type");
COHSIM_STAT(kStatVnet, "network.vnet.*", "count", "", "messages sent, by virtual network (request, forward, response)");
COHSIM_STAT(kStatBytes, "network.bytes", "bytes", "", "bytes sent (headers and data)");
COHSIM_STAT(kStatMessages, "network.messages", "count", "", "messages sent");
COHSIM_STAT(kStatAvgLatency, "network.avg_latency_uncore_cycles", "cycles", "uncore", "mean time from send to delivery per message");
COHSIM_STAT(kStatAvgQueue, "network.avg_queue_uncore_cycles", "cycles", "uncore", "mean time a message queued for its link per message");
COHSIM_STAT(kStatHops, "network.hops", "count", "", "inter-node link traversals (NUMA)");
COHSIM_STAT(kStatInternode, "network.internode_messages", "count", "", "messages between NUMA nodes");
COHSIM_STAT(kStatLinkUtil, "network.link.*.utilization", "ratio", "",
            "share of the window (to the run's end) the link A-B (one direction, from A to B) was busy serialising messages (bytes / width cycles each): an inter-node link nA-nB (a crossbar's nA-switch, switch-nB), an endpoint's router ports ENDPOINT-nN (into node N's router) and nN-ENDPOINT (out of it)");
COHSIM_STAT(kStatLinkBytes, "network.link.*.bytes", "bytes", "", "bytes (headers and data) of the messages that crossed the link A-B in the window");
COHSIM_STAT(kStatLinkBandwidth, "network.link.*.bandwidth_GBps", "GBps", "",
            "the link's bytes over the window's simulated time (10^9 bytes per second)");
COHSIM_STAT(kStatLinkCreditStall, "network.link.*.*.credit_stall_uncore_cycles", "cycles", "uncore",
            "network.buffer_entries finite: cycles messages waited at the head of their buffer for a credit of the "
            "buffer at the link A-B's far end, virtual network V (request, forward, response; all with "
            "network.virtual_networks: 1), summed over the messages");
COHSIM_STAT(kStatLinkPeakOcc, "network.link.*.*.peak_occupancy", "entries", "",
            "network.buffer_entries finite: the most entries of the buffer at the link's far end (a router input "
            "port, or the endpoint's input buffer for nN-ENDPOINT) taken at once on virtual network V (an entry is "
            "taken from the credit's use until it returns upstream)");
COHSIM_STAT(kStatLinkMeanOcc, "network.link.*.*.mean_occupancy", "entries", "",
            "network.buffer_entries finite: the time-weighted mean of the entries taken in that buffer over the window");
COHSIM_STAT(kStatInjPeak, "network.inject.*.*.peak_occupancy", "entries", "",
            "network.injection_entries and network.buffer_entries finite: the most entries of endpoint E's injection "
            "queue taken at once on virtual network V (request, forward, response; all with "
            "network.virtual_networks: 1); an entry is taken from the send until the message's tail has left for "
            "the router");
COHSIM_STAT(kStatInjMean, "network.inject.*.*.mean_occupancy", "entries", "",
            "the time-weighted mean of the entries taken in that injection queue over the window");
COHSIM_STAT(kStatInjBlocked, "network.inject.*.*.blocked_uncore_cycles", "cycles", "uncore",
            "cycles endpoint E's controller was blocked by that full injection queue: from its first refused "
            "message or miss until an entry freed for it");
COHSIM_STAT(kStatInjHeld, "network.inject.*.*.peak_held", "count", "",
            "the most sends of that virtual network waiting at once in the controller's own storage for an entry "
            "(a fan-out's rest, a fill's victim Put, memory data that came back to a full queue)");
COHSIM_STAT(kStatMaxLinkUtil, "network.max_link_utilization", "ratio", "", "the busiest link's utilization (router ports included)");

void Network::register_stats(Stats& s) const {
  for (int t = 0; t < kNumNetMsgTypes; ++t)
    s.counter(kStatMsgs, std::string("network.msgs.") + cohsim::name(NetMsgType(t)), &sent_[t]);
  for (int v = 0; v < kNumVNets; ++v) s.counter(kStatVnet, std::string("network.vnet.") + cohsim::name(VNet(v)), &vnet_sent_[v]);
  s.counter(kStatBytes, "network.bytes", &bytes_);
  const Tick period = p_.period;
  const std::uint64_t* sent = sent_;
  auto total = [sent] {
    std::uint64_t n = 0;
    for (int t = 0; t < kNumNetMsgTypes; ++t) n += sent[t];
    return n;
  };
  const auto *lat = &latency_ticks_, *q = &queue_ticks_;
  s.derived(kStatMessages, "network.messages", [=] { return double(total()); });
  s.derived(kStatAvgLatency, "network.avg_latency_uncore_cycles",
            [=] { return total() ? double(*lat) / double(period) / double(total()) : 0.0; });
  s.derived(kStatAvgQueue, "network.avg_queue_uncore_cycles", [=] { return total() ? double(*q) / double(period) / double(total()) : 0.0; });
  s.counter(kStatHops, "network.hops", &hops_);
  s.counter(kStatInternode, "network.internode_messages", &remote_msgs_);
  const std::vector<Link>* links = &links_;
  const Tick* start = &window_start_;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const std::string k = "network.link." + links_[i].name;
    s.counter(kStatLinkBytes, k + ".bytes", &links_[i].bytes);
    s.derived(kStatLinkUtil, k + ".utilization", [this, i] { return link_utilization(i); });
    s.derived(kStatLinkBandwidth, k + ".bandwidth_GBps", [this, links, i] {  // ticks are fs: bytes / (ticks * 1e-15) / 1e9
      const double span = double(window_span());
      return span > 0 ? double((*links)[i].bytes) * 1e6 / span : 0.0;
    });
  }
  if (cap_) {  // finite buffers: per link and virtual network
    const std::vector<std::uint64_t>* stall = &stall_ticks_;
    const std::vector<double>* area = &area_;
    const std::vector<Tick>* changed = &changed_;
    const std::vector<unsigned>* credits = &credits_;
    const unsigned cap = cap_;
    for (std::size_t i = 0; i < links_.size(); ++i)
      for (unsigned v = 0; v < vns_; ++v) {
        const std::size_t b = i * vns_ + v;
        const std::string k =
            "network.link." + links_[i].name + "." + (vns_ == 1 ? std::string("all") : cohsim::name(VNet(v)));
        s.derived(kStatLinkCreditStall, k + ".credit_stall_uncore_cycles",
                  [=] { return double((*stall)[b]) / double(period); });
        s.counter(kStatLinkPeakOcc, k + ".peak_occupancy", &peak_[b]);
        s.derived(kStatLinkMeanOcc, k + ".mean_occupancy", [=] {
          const Tick now = window_end_ ? window_end_ : sim_now();
          const double span = double(now - std::min(*start, now));
          const double a = (*area)[b] + double(cap - (*credits)[b]) * double(now - std::min(now, (*changed)[b]));
          return span > 0 ? a / span : 0.0;
        });
      }
  }
  if (cap_ && inj_cap_) {  // finite injection queues: per endpoint and virtual network
    for (std::size_t e = 0; e < ends_.size(); ++e)
      for (unsigned v = 0; v < vns_; ++v) {
        const std::size_t q = e * vns_ + v;
        const std::string k =
            "network.inject." + end_names_[e] + "." + (vns_ == 1 ? std::string("all") : cohsim::name(VNet(v)));
        s.counter(kStatInjPeak, k + ".peak_occupancy", &inj_peak_[q]);
        s.derived(kStatInjMean, k + ".mean_occupancy", [this, start, q] {
          const Tick now = window_end_ ? window_end_ : sim_now();
          const double span = double(now - std::min(*start, now));
          const double a = inj_area_[q] + double(inj_used_[q]) * double(now - std::min(now, inj_changed_[q]));
          return span > 0 ? a / span : 0.0;
        });
        s.derived(kStatInjBlocked, k + ".blocked_uncore_cycles", [this, period, q] {
          const Tick now = window_end_ ? window_end_ : sim_now();
          const Tick open = inj_refused_[q] != kNever && now > inj_refused_[q] ? now - inj_refused_[q] : 0;
          return double(inj_blocked_[q] + open) / double(period);
        });
        s.counter(kStatInjHeld, k + ".peak_held", &inj_held_peak_[q]);
      }
  }
  s.derived(kStatMaxLinkUtil, "network.max_link_utilization", [this] {
    double m = 0;
    for (std::size_t i = 0; i < links_.size(); ++i) m = std::max(m, link_utilization(i));
    return m;
  });
}

Tick Network::window_span() const {
  const Tick end = window_end_ ? window_end_ : sim_now();
  return end - std::min(window_start_, end);
}

// A link's busy time over the window. A transfer is counted whole when it starts, so
// the part of the last one still under way at the window's end (its free_at beyond
// the end) is taken off, as reset_stats counts only a transfer's part after the start.
double Network::link_utilization(std::size_t i) const {
  const Tick span = window_span();
  if (span == 0) return 0.0;
  const Tick end = window_end_ ? window_end_ : sim_now();
  const Link& l = links_[i];
  const Tick over = l.free_at > end ? l.free_at - end : 0;
  return std::min(1.0, double(l.busy_ticks - std::min(over, l.busy_ticks)) / double(span));
}

std::vector<Network::LinkLoad> Network::link_loads() const {
  std::vector<LinkLoad> out;
  out.reserve(links_.size());
  // build(): each endpoint's input port, then its output port, then the links between nodes.
  for (std::size_t i = 0; i < links_.size(); ++i)
    out.push_back({links_[i].name, i >= 2 * ends_.size(), link_utilization(i)});
  return out;
}

void Network::reset_stats(Tick t) {
  std::fill(std::begin(sent_), std::end(sent_), 0);
  std::fill(std::begin(vnet_sent_), std::end(vnet_sent_), 0);
  bytes_ = latency_ticks_ = queue_ticks_ = hops_ = remote_msgs_ = 0;
  for (Link& l : links_) l.busy_ticks = l.free_at > t ? l.free_at - t : 0, l.bytes = 0;
  window_start_ = t;
  window_end_ = 0;
  for (std::size_t b = 0; b < stall_ticks_.size(); ++b) {
    stall_ticks_[b] = 0;
    peak_[b] = cap_ - credits_[b];
    area_[b] = 0;
    changed_[b] = t;
  }
  for (std::size_t q = 0; q < inj_used_.size(); ++q) {
    inj_peak_[q] = inj_used_[q];
    inj_held_peak_[q] = inj_held_[q].size();
    inj_blocked_[q] = 0;
    if (inj_refused_[q] != kNever) inj_refused_[q] = t;
    inj_area_[q] = 0;
    inj_changed_[q] = t;
  }
}

std::string Network::dump() const {
  std::ostringstream o;
  std::size_t flying = 0;
  for (auto h = heap_; !h.empty(); h.pop()) flying += h.top().kind != Ev::Credit;
  o << "network: " << flying << " message(s) in flight";
  auto h = heap_;
  int shown = 0;
  while (!h.empty() && shown < 32) {
    if (h.top().kind == Ev::Credit) {
      h.pop();
      continue;
    }
    const NetMsg& m = msgs_[h.top().slot];
    o << "\n  at " << h.top().at << " fs: " << cohsim::name(m.type) << " " << m.src << "->" << m.dst << " line 0x"
      << std::hex << m.line << std::dec << " req " << m.requester << " acks " << m.acks;
    h.pop();
    ++shown;
  }
  for (auto* e : ends_) o << "\n" << e->dump_pending();
  if (cap_) return buffer_report() + "\n" + o.str();
  return o.str();
}

}  // namespace cohsim
