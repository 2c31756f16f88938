// The point-to-point network a directory protocol runs on (the Primer, chapter 8):
// caches and directory homes are endpoints; a message travels a route of links,
// each with a latency and a bandwidth (bytes per uncore cycle), and waits for a
// link that is busy, so contention shows as queueing.
//
// Each endpoint belongs to a node. Within a node the endpoints meet at the node's
// router, a crossbar: a message enters through its source's input port and leaves
// through its destination's output port (one `link_latency`). Between nodes it
// crosses the topology's links, `hop_latency` each: fully connected (one hop),
// crossbar (one hop through a central switch, contended at its output ports), ring
// (the shorter way round; ties go clockwise) or a 2D mesh with XY routing (columns
// first, then rows). One node is the plain crossbar of a single-socket system.
//
// Coherence messages travel on three virtual networks: requests (GetS, GetM, Puts)
// to the home, forwards (Fwd-GetS, Fwd-GetM, Inv, Put-Ack, AckCount) from the home,
// and responses (data, Inv-Ack); the three share each link's bandwidth. Messages
// between one source and one destination on one virtual network are delivered in
// the order they were sent (point-to-point order), which the protocols rely on.
// `network.virtual_networks: 1` (a teaching option) puts every class in one set of
// buffers and one order.
//
// Buffers. By default (network.buffer_entries: unlimited) buffers are unbounded, so
// one virtual network never blocks another, and the timing below holds. With
// `buffer_entries` N, every link's downstream end has N entries per virtual network
// (a router's input port, or, on the last link, the destination endpoint's input
// buffer), each holding one whole message, and flow control is credit-based: a
// message starts on a link only when the link is free and the upstream side holds a
// credit for the next buffer of its virtual network (virtual cut-through, packet-
// sized entries); it moves hop by hop, its head reaching the next router `latency`
// after it starts and its tail `flits` cycles behind. Router buffers are FIFO per
// virtual network: a head waiting for a credit blocks what queues behind it (no
// virtual output queues). A buffer's entry is freed when the tail leaves it, and the
// credit reaches the upstream side one link latency later (the credit travels back
// over the link it guards; an endpoint's port into its router has latency 0). At the
// destination an endpoint takes a message when it arrives; one the protocol table
// stalls stays in the endpoint's input buffer (the controller may serve later
// entries past it, as the Primer's controllers do), keeping its entry and so its
// credit until the controller takes it: back-pressure reaches the routers and the
// senders. The exception: a forward a cache stalls while it has a miss outstanding
// for the line is absorbed by that miss's MSHR (one per MSHR, as real controllers
// record a deferred forward) and frees its entry; without that, two caches each
// holding a stalled forward could block the Inv the other's Inv-Ack waits for, on
// the forward network itself (the random tester found it on a 4-node mesh). A router's output is arbitrated oldest-first (by the time the waiting
// messages reached the heads of their buffers). With finite buffers and merged
// virtual networks the protocols can deadlock (a buffer full of stalled forwards
// holds up the data they wait for); the watchdog's dump names the cycle of waiting
// buffers (dump()).
//
// Injection queues (network.injection_entries N, with finite buffers). Each
// endpoint's network interface has an injection queue of N entries per virtual
// network: a message takes an entry when its controller sends it (one sent for a later
// tick, after the controller's few cycles of latency, holds it from the send; data from
// memory takes it when it comes back) and frees it when its tail has left for the
// endpoint's port into the router. A controller asks
// room_for() before it takes an incoming message or issues a miss: when a virtual
// network it would send on has no room, the message stays in its input buffer
// (keeping its credit, so back-pressure goes on upstream hop by hop) or the miss
// waits (the core stalls as on a full MSHR file), and the endpoint hears
// injection_ready() when an entry frees. A message needs room for all it sends on
// each virtual network, or an empty queue when that is more than N (a directory's
// fan-out of Invs): what does not fit then waits, in order, in the controller's own
// storage (the home's walk of its sharer list) and goes as entries free; so do the
// sends a controller cannot put off, each held by a structure of its own (a fill's
// victim Put in the writeback buffer, a memory read's data in the home's read buffer,
// whatever taking a response sends). A forward a cache's MSHR absorbed is replayed
// only when there is room, like any other.
// While such sends wait the queue counts as full, so nothing new is taken. Responses
// are always taken (their sends never wait for room), so the request -> forward ->
// response dependencies end in a sink and three virtual networks stay free of
// deadlock. Unlimited (`network.injection_entries: unlimited`): the queue never
// fills and controllers never wait to send.
//
// Simplifications of the finite-buffer model, named: the sends held in a
// controller's own storage are not bounded by the injection queue (they are by the
// structures that hold them); an endpoint frees a taken message's entry at once (not when its own
// pipeline would have started it); one message per link per cycle is not a limit
// beyond the link's bandwidth; and arbitration is oldest-first, not round-robin.
//
// Timing with unlimited buffers, a simplified model named as such: when a message is injected it reserves
// each link of its route in turn (cut-through: its head reaches the next link
// `latency` after it starts on one, its tail follows `flits` cycles behind), so
// messages injected later queue behind it. Idle, a message takes the sum of its
// links' latencies plus its serialisation (size / width cycles). The random tester
// adds `jitter`: a message takes up to jitter/8 extra cycles, one in sixteen up to
// `jitter`, never overtaking an earlier message between the same two endpoints on
// the same virtual network (messages on different virtual networks may overtake).
#pragma once
#include <cstdint>
#include <deque>
#include <queue>
#include <string>
#include <systemc>
#include <vector>

#include "sim/base/event_log.hpp"
#include "sim/base/random.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/types.hpp"
#include "sim/config/config.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

enum class NetMsgType : std::uint8_t {
  GetS,
  GetM,
  PutS,
  PutM,
  PutE,
  PutO,  // requests
  FwdGetS,
  FwdGetM,
  Inv,
  PutAck,
  AckCount,  // forwards
  Data,
  InvAck,  // responses
  kCount
};
constexpr int kNumNetMsgTypes = int(NetMsgType::kCount);
const char* name(NetMsgType t);

enum class VNet : std::uint8_t { Request, Forward, Response, kCount };
constexpr int kNumVNets = int(VNet::kCount);
const char* name(VNet v);
inline VNet vnet_of(NetMsgType t) {
  return t <= NetMsgType::PutO ? VNet::Request : t <= NetMsgType::AckCount ? VNet::Forward : VNet::Response;
}
// Whether every message of this type carries a line of data (a PutS or PutE may too:
// NetMsg::clean_data).
inline bool carries_data(NetMsgType t) {
  return t == NetMsgType::PutM || t == NetMsgType::PutO || t == NetMsgType::Data;
}

struct NetMsg {
  NetMsgType type{};
  int src = -1, dst = -1;
  int requester = -1;  // the cache whose request this message serves
  LineAddr line = 0;
  int acks = 0;            // Data, Fwd-GetM, AckCount: how many Inv-Acks the requester awaits
  bool exclusive = false;  // Data: no other cache holds the line
  bool to_home = false;    // Data: the copy an old owner sends the directory
  // PutS, PutE: the evicting cache's clean line goes with it, for an exclusive L3
  // below the home (l3.inclusion: exclusive under private caches): a data message.
  bool clean_data = false;
  // The trace line of the access whose GetS/GetM this message is or serves (0: none, a
  // Put, a recall): it goes with the memory read or update the request causes, for the
  // event log's DRAM commands (MemoryLevel). No timing depends on it.
  std::uint32_t trace_line = 0;
};

class NetEndpoint {
 public:
  virtual ~NetEndpoint() = default;
  // A message arrives (at the current SystemC time, `t`); `data` is its line, or null.
  virtual void receive(Tick t, const NetMsg& m, const std::uint8_t* data) = 0;
  virtual std::string dump_pending() const = 0;
  // Finite injection queues: an entry freed in a queue that refused this endpoint
  // (Network::room_for): what waited for room may go on.
  virtual void injection_ready(Tick t) { (void)t; }
};

enum class Topology : std::uint8_t { FullyConnected, Crossbar, Ring, Mesh };
Topology parse_topology(const std::string& name);  // "fully_connected", "crossbar", "ring", "mesh"
// The columns of a mesh of `nodes` with numa.mesh_columns `columns` (0: the smallest
// square that holds them); a rectangle only when it divides `nodes`.
unsigned mesh_width(unsigned nodes, unsigned columns);
std::vector<std::string> topology_names();

// Defaults: the declared ones (sim/config/params.cpp).
struct NetworkParams {
  Tick period = declared::period("uncore.frequency");  // the uncore clock
  unsigned line_size = unsigned(declared::bytes("l1d.line_size"));
  unsigned link_width = unsigned(declared::bytes("network.link_width"));  // bytes per cycle
  Tick link_latency = declared::ticks("network.link_latency", period);    // per link (a crossbar route is one link)
  unsigned header_bytes = 8;  // a control message; a data message adds the line
  unsigned jitter = declared::count("network.jitter");  // extra cycles, drawn per message (the random tester)
  // network.owner_data_delay: an old owner's copy of a line to the home (Data to_home)
  // takes this many extra cycles, no random draw (0: off).
  unsigned owner_data_delay = declared::count("network.owner_data_delay");
  std::uint64_t seed = declared::count("seed");
  unsigned buffer_entries = 0;  // network.buffer_entries per virtual network per link: 0 = unlimited
  unsigned virtual_networks = 3;  // network.virtual_networks: 3 or 1 (every class in one set of buffers)
  unsigned injection_entries = 0;  // network.injection_entries per virtual network per endpoint: 0 = unlimited
  // Between nodes.
  Topology topology = parse_topology(declared::choice("numa.topology"));
  unsigned mesh_columns = declared::count("numa.mesh_columns");  // 0: ceil(sqrt(nodes))
  Tick hop_latency = declared::ticks("numa.hop_latency", period);
  unsigned hop_width = unsigned(declared::bytes("numa.link_width"));  // bytes per cycle on an inter-node link
};

class Network : public sc_core::sc_module {
 public:
  Network(sc_core::sc_module_name name, const NetworkParams& p);
  // Endpoints are numbered in the order they attach. `name` (no dots: "core0",
  // "directory", "node1_directory") names its router ports in the statistics.
  int attach(NetEndpoint* e, const std::string& name = "");
  // Sends at tick t (>= the current SystemC time); `data` (a line) is copied.
  // `from_memory`: data the memory side returns at t (Directory::memory_ready): it takes
  // its injection-queue entry when it comes back, not at the call.
  void send(Tick t, const NetMsg& m, const std::uint8_t* data, bool from_memory = false);
  // Finite injection queues (network.injection_entries, with finite buffers; else
  // every answer is yes). The messages `need` (per message class, VNet order) can be
  // sent by endpoint e now: each virtual network has room for them (or is empty, if
  // they are more than it holds). No: the endpoint is counted blocked on the full
  // virtual network(s) from `at` (the controller's tick, or the current time if later)
  // until an entry frees, when it hears injection_ready().
  bool room_for(int e, const unsigned (&need)[kNumVNets], Tick at = 0);
  // Whether e could send one message of class c now (no blocking counted: a prefetch
  // that is simply dropped).
  bool has_room(int e, VNet c) const;
  bool finite_injection() const { return cap_ && inj_cap_; }
  // Builds the routes once every endpoint is attached; node_of[e] is endpoint e's
  // node (all 0: a single crossbar).
  void build(const std::vector<unsigned>& node_of);
  // Inter-node hops from node a to node b.
  unsigned hops(unsigned a, unsigned b) const;
  void register_stats(Stats& s) const;
  // Warm-up / region of interest: zeroes the statistics at `t`; a link's utilisation is
  // then over the time since `t` (a transfer under way counts its part after `t`).
  void reset_stats(Tick t);
  // The end of the measured window (System::finalize_stats): a link's utilisation and
  // bandwidth are over [window start, end], not up to wherever the simulation kernel's
  // clock stopped. Until it is set (statistics read during the run), the current time.
  void set_window_end(Tick end) { window_end_ = end; }
  // Every link, for the saturation advice: its statistics name ("A-B"), whether it
  // runs between nodes (numa.link_width) or is an endpoint's port on its router
  // (network.link_width), and its utilisation over the window.
  struct LinkLoad {
    std::string name;
    bool internode;
    double utilization;
  };
  std::vector<LinkLoad> link_loads() const;
  void set_log(EventLog* log);  // the event log: every message sent and delivered
  // NetworkParams::jitter from now on (the stress tester's steering varies it).
  // `home_data_cycles` > 0: besides, an old owner's copy of the line to the directory
  // (Data to_home) takes 0..home_data_cycles extra cycles (drawn apart, so the other
  // messages' delays are as without it): a directory left waiting for the data while
  // the sharers leave (the sparse directory's I_D).
  // `slow_endpoint` >= 0: that endpoint's requests (Get, Put) take 0..home_data_cycles
  // extra cycles too (a slow cache: its writeback reaches the home late).
  void set_jitter(unsigned cycles, unsigned home_data_cycles = 0, int slow_endpoint = -1) {
    p_.jitter = cycles;
    home_data_jitter_ = home_data_cycles;
    slow_endpoint_ = slow_endpoint;
  }
  // A slow writeback path (network.put_delay, and the stress tester's steering): every
  // Put (PutS, PutM, PutE, PutO) of `endpoint` (-1: of every endpoint) takes `cycles`
  // extra cycles, no random draw (0: off). Messages between two endpoints keep their
  // order, so its later requests to that home wait too.
  void set_put_delay(unsigned cycles, int endpoint) {
    put_delay_ = cycles;
    put_endpoint_ = endpoint;
  }
  // NetworkParams::owner_data_delay from now on (the stress tester's steering varies it).
  void set_owner_data_delay(unsigned cycles) { p_.owner_data_delay = cycles; }
  std::string dump() const;
  // Finite buffers: an endpoint whose protocol table stalls the message being
  // delivered keeps it in its input buffer (keep(), during receive()), and says when
  // it finally takes it (consumed(), at tick t): then its entry's credit returns.
  // Both do nothing with unlimited buffers.
  void keep(const NetMsg& m) {
    if (cap_) keep_finite(m);
  }
  void consumed(Tick t, const NetMsg& m) {
    if (cap_) consumed_finite(t, m);
  }
  bool finite_buffers() const { return cap_ != 0; }
  // The virtual network (buffer set) a message takes: its class's, or 0 with one.
  unsigned vn_of(NetMsgType t) const { return vns_ == 1 ? 0 : unsigned(vnet_of(t)); }
  unsigned vn_of_class(VNet c) const { return vns_ == 1 ? 0 : unsigned(c); }

 private:
  struct Link {
    Tick latency;
    unsigned width;
    // For the statistics, "from-to": an inter-node link "n0-n1" (a crossbar's
    // "n0-switch", "switch-n1"); an endpoint's input and output ports on its node's
    // router "core0-n0", "n0-core0".
    std::string name;
    Tick free_at = 0;
    std::uint64_t busy_ticks = 0;
    std::uint64_t bytes = 0;  // of the messages that crossed it
  };
  enum class Ev : std::uint8_t { Inject, Deliver, Credit };
  struct InFlight {
    Tick at;
    std::uint64_t seq;
    std::uint32_t slot;  // Credit: the buffer (link * vns + vn) whose credit returns
    Ev kind;             // Inject: waits to be injected at `at`; Deliver: delivered at `at`
    bool operator>(const InFlight& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  // Finite buffers: where a message is on its route.
  struct Hop {
    std::uint32_t queue = 0;  // the FIFO it waits in (a router input buffer, or its source's injection queue)
    std::uint32_t next = 0;   // the index in its route of the link it takes next
    Tick ready = 0;           // when its head reached that buffer
    Tick sent = 0, idle = 0, tail = 0;  // send tick, the route's latencies, its slowest link's flits
    Tick waiting_since = 0;   // waits for a credit since (kNever: does not)
    std::uint64_t seq = 0;
  };
  static constexpr Tick kNever = ~Tick(0);
  void deliver();
  void step();
  unsigned bytes(const NetMsg& m) const {
    return p_.header_bytes + (carries_data(m.type) || m.clean_data ? p_.line_size : 0);
  }
  std::vector<std::uint32_t> node_path(unsigned a, unsigned b);  // inter-node link ids
  std::uint32_t link_between(unsigned a, unsigned b);
  std::uint32_t take_slot();
  void inject(Tick t, std::uint32_t slot);
  void wake_at(Tick at);
  // Finite buffers (network.buffer_entries).
  void keep_finite(const NetMsg& m);
  void consumed_finite(Tick t, const NetMsg& m);
  void step_finite(Tick now);
  void enqueue_finite(Tick t, std::uint32_t slot);
  void advance(Tick now);
  void deliver_finite(Tick now, std::uint32_t slot);
  void return_credit(std::uint32_t buf, Tick at);
  void occupancy_change(std::uint32_t buf, int delta, Tick now);
  // Finite injection queues: q = endpoint * vns + vn.
  void inj_take(std::size_t q, Tick now);
  void inj_release(std::size_t q, Tick now);
  void inj_count(std::size_t q, Tick now);  // the occupancy's time-weighted area up to now
  void credit_back(std::uint32_t idx, Tick now);  // a router buffer's credit, or (>= bufs) an injection entry
  void notify_ready(Tick now);               // injection_ready() to the endpoints that may go on
  std::string buffer_name(std::uint32_t q) const;  // a buffer (link * vns + vn) or injection queue
  std::string buffer_report() const;              // the full buffers and a cycle of waits, if any
  std::uint32_t inject_queue(std::size_t e, unsigned vn) const {
    return std::uint32_t((links_.size() + e) * vns_ + vn);
  }

  NetworkParams p_;
  std::vector<NetEndpoint*> ends_;
  std::vector<std::string> end_names_;
  std::vector<Link> links_;
  std::vector<std::vector<std::uint32_t>> routes_;  // src * n + dst -> link ids
  std::vector<unsigned> route_hops_;                // src * n + dst -> inter-node hops
  std::vector<unsigned> node_of_;
  unsigned nodes_ = 1;
  std::vector<std::int32_t> node_link_;  // a * nodes + b -> link id (-1: none)
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> heap_;
  std::vector<NetMsg> msgs_;
  std::vector<std::uint8_t> data_;  // slot * line_size
  std::vector<bool> has_data_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint8_t> rx_;  // the line of the message being delivered
  std::uint64_t seq_ = 0;
  Random rng_;
  Random home_rng_;                 // set_jitter's home_data_cycles
  unsigned home_data_jitter_ = 0;
  int slow_endpoint_ = -1;
  Tick home_data_delay(const NetMsg& m) {
    const bool slow = (m.type == NetMsgType::Data && m.to_home) ||
                      (m.src == slow_endpoint_ && vnet_of(m.type) == VNet::Request);
    const bool put = m.type == NetMsgType::PutS || m.type == NetMsgType::PutM || m.type == NetMsgType::PutE ||
                     m.type == NetMsgType::PutO;
    const Tick wb =
        put_delay_ && put && (put_endpoint_ < 0 || m.src == put_endpoint_) ? Tick(put_delay_) * p_.period : 0;
    const Tick owner = p_.owner_data_delay && m.type == NetMsgType::Data && m.to_home
                           ? Tick(p_.owner_data_delay) * p_.period
                           : 0;
    return wb + owner + (home_data_jitter_ && slow ? Tick(home_rng_.below(home_data_jitter_ + 1)) * p_.period : 0);
  }
  unsigned put_delay_ = 0;  // set_put_delay
  int put_endpoint_ = -1;
  std::vector<Tick> last_delivery_;  // (src * n + dst) * vnets + vnet: point-to-point order under jitter
  Wake wake_;
  EventLog* log_ = nullptr;  // null when the event log is off
  // statistics
  std::uint64_t sent_[kNumNetMsgTypes] = {};
  std::uint64_t vnet_sent_[kNumVNets] = {};
  std::uint64_t bytes_ = 0, latency_ticks_ = 0, queue_ticks_ = 0, hops_ = 0, remote_msgs_ = 0;
  Tick window_start_ = 0;  // the statistics' start (reset_stats)
  Tick window_end_ = 0;    // its end (set_window_end); 0: the current time
  Tick window_span() const;
  double link_utilization(std::size_t i) const;
  // Finite buffers: per buffer (link * vns + vn: the link's downstream end; for a
  // router-to-endpoint link, the endpoint's input buffer) its credits at the upstream
  // side; FIFO queues for router input buffers and (after them) each endpoint's
  // injection queues; what each endpoint keeps (stalled) per virtual network.
  unsigned cap_ = 0, vns_ = 3;
  std::vector<unsigned> credits_;
  std::vector<std::deque<std::uint32_t>> queue_;
  std::vector<Hop> hop_;  // per slot
  std::vector<std::vector<NetMsg>> kept_;  // endpoint * vns + vn
  std::vector<std::uint32_t> cand_;        // scratch: the heads that may move
  bool in_step_ = false, kept_now_ = false;
  std::size_t queued_ = 0;  // messages in the FIFO queues
  // statistics per buffer: credit-stall ticks, peak and time-weighted occupancy (entries taken)
  std::vector<std::uint64_t> stall_ticks_, peak_;
  std::vector<double> area_;
  std::vector<Tick> changed_;
  std::vector<bool> take_at_inject_;  // per slot: data from memory, its entry taken when it comes back
  // Finite injection queues, per endpoint * vns + vn: entries taken (queued, or sent
  // for a later tick and not yet in the queue), the sends waiting in the controller (slot, tick), the
  // latest tick a message was committed for (they enter in order), since when the
  // endpoint is refused (kNever: not), the endpoints to tell; statistics.
  struct Held {
    std::uint32_t slot;
    Tick at;
  };
  unsigned inj_cap_ = 0;
  std::vector<unsigned> inj_used_;
  std::vector<std::deque<Held>> inj_held_;
  std::vector<Tick> inj_last_, inj_refused_;
  std::vector<int> inj_notify_;
  std::vector<std::uint64_t> inj_peak_, inj_held_peak_, inj_blocked_;
  std::vector<double> inj_area_;
  std::vector<Tick> inj_changed_;
};

}  // namespace cohsim
