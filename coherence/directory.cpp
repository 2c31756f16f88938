#include "coherence/directory.hpp"

#include <algorithm>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/units.hpp"

namespace cohsim {

unsigned directory_entries(const Config& cfg) {
  const std::string& v = cfg.text("directory.entries");
  return v == "unlimited" ? 0 : unsigned(parse_integer(v));
}

unsigned Directory::Entry::count() const {
  unsigned n = 0;
  for (auto w : sharers) n += unsigned(__builtin_popcountll(w));
  return n;
}

Directory::Directory(const DirectoryParams& p, const ProtocolTable& table, Network& net, MemoryLevel* below,
                     EventLog* log)
    : p_(p), table_(table), net_(net), below_(below), log_(log && log->enabled() ? log : nullptr) {
  if (p.caches > kMaxCaches)
    throw UserError("a directory tracks at most " + std::to_string(kMaxCaches) + " caches; the system has " +
                    std::to_string(p.caches));
  std::string port = p_.name;  // "directory", "node1.directory": "node1_directory"
  std::replace(port.begin(), port.end(), '.', '_');
  id_ = net_.attach(this, port);
  if (log_) {
    log_agent_ = log_->add_agent(p_.name, "directory", "uncore", p_.period);
    log_->map_net_endpoint(id_, log_agent_);
  }
  cells_.assign(std::size_t(table_.num_states()) * kNumEvents, 0);
  entries_.reserve(1 << 14);
  if (p.entries) {
    assoc_ = p.assoc ? p.assoc : p.entries;
    if (p.entries % assoc_ || ((p.entries / assoc_) & (p.entries / assoc_ - 1)))
      throw SimError(p_.name + ": " + std::to_string(p.entries) + " entries do not make a power-of-two number of sets of " +
                     std::to_string(assoc_) + " ways");
    if (!table_.uses(Event::Recall))
      throw SimError(p_.name + ": a sparse directory needs a home table with the recall (" + table_.name() + ", " +
                     table_.fabric() + ")");
    sets_ = p.entries / assoc_;
    while ((std::size_t(1) << set_bits_) < sets_) ++set_bits_;
    way_line_.assign(p.entries, kNoLine);
    way_used_.assign(p.entries, 0);
    set_recalling_.assign(sets_, 0);
  }
}

std::size_t sparse_directory_set(LineAddr line, std::size_t sets) {
  unsigned bits = 0;
  while ((std::size_t(1) << bits) < sets) ++bits;
  return fold_set(line, sets, bits);
}

std::size_t Directory::set_of(LineAddr line) const { return fold_set(line, sets_, set_bits_); }

bool Directory::ensure_way(Tick t, LineAddr line) {
  auto it = entries_.find(line);
  if (it != entries_.end() && it->second.way >= 0) {
    way_used_[std::size_t(it->second.way)] = ++use_clock_;
    return true;
  }
  const std::size_t set = set_of(line), base = set * assoc_;
  for (std::size_t w = base; w < base + assoc_; ++w)
    if (way_line_[w] == kNoLine) {
      way_line_[w] = line;
      way_used_[w] = ++use_clock_;
      entries_[line].way = int(w);
      entries_peak_ = std::max(entries_peak_, ++entries_used_);
      return true;
    }
  if (set_recalling_[set]) return false;  // the recall under way frees a way
  // The least recently requested line in a stable state (a line in a transient
  // state finishes first).
  std::size_t victim = base + assoc_;
  for (std::size_t w = base; w < base + assoc_; ++w) {
    const Entry& v = entries_.find(way_line_[w])->second;
    if (table_.states()[v.state].stable && (victim == base + assoc_ || way_used_[w] < way_used_[victim])) victim = w;
  }
  if (victim == base + assoc_) return false;  // every way's line is in a transient state: wait for one to finish
  NetMsg r;
  r.src = r.dst = r.requester = id_;
  r.line = way_line_[victim];
  if (net_.finite_injection()) {  // the recall's Invs and Fwd-GetM need room (else the request waits)
    const Entry& v = entries_.find(r.line)->second;
    unsigned need[kNumVNets] = {};
    count_sends(table_.cell(v.state, Event::Recall), r, v, need);
    if (!net_.room_for(id_, need)) return false;
  }
  entries_.find(r.line)->second.recalling = true;
  set_recalling_[set] = 1;
  ++recalls_;
  execute(t, r, nullptr, Event::Recall);
  return false;
}

void Directory::release_if_invalid(LineAddr line) {
  auto it = entries_.find(line);
  if (it == entries_.end() || it->second.state != table_.invalid()) return;
  if (it->second.way >= 0) {
    way_line_[std::size_t(it->second.way)] = kNoLine;
    --entries_used_;
    if (it->second.recalling) set_recalling_[std::size_t(it->second.way) / assoc_] = 0;
  }
  entries_.erase(it);
}

void Directory::retry_set(Tick t, std::size_t set) {
  // Oldest first; a request for a line whose earlier request still waits keeps its place.
  for (bool progress = !parked_.empty(); progress;) {
    progress = false;
    blocked_.clear();
    for (std::size_t i = 0; i < parked_.size(); ++i) {
      const NetMsg m = parked_[i];
      if (set_of(m.line) != set || std::find(blocked_.begin(), blocked_.end(), m.line) != blocked_.end()) continue;
      if (needs_entry(m) && !ensure_way(t, m.line)) {
        blocked_.push_back(m.line);
        continue;
      }
      const Entry& e = entries_[m.line];
      if (table_.cell(e.state, classify(m, e)).kind == CellKind::Stall) {
        blocked_.push_back(m.line);
        continue;
      }
      if (!room(m)) {  // finite injection queues: it waits for room, and gives back a way it just took
        release_if_invalid(m.line);
        blocked_.push_back(m.line);
        continue;
      }
      parked_.erase(parked_.begin() + std::ptrdiff_t(i));
      net_.consumed(t, m);
      execute(t, m, nullptr);
      release_if_invalid(m.line);
      progress = true;
      break;
    }
  }
}

Event Directory::sharer_leaves(const Entry& e) { return e.count() == 1 ? Event::PutSLast : Event::PutSNotLast; }

Event Directory::classify(const NetMsg& m, const Entry& e) const {
  const int r = m.src;
  switch (m.type) {
    case NetMsgType::GetS: return Event::DirGetS;
    case NetMsgType::GetM: return e.owner == r ? Event::DirGetMOwner : Event::DirGetM;
    case NetMsgType::PutS: return e.has(r) && e.count() == 1 ? Event::PutSLast : Event::PutSNotLast;
    // A sparse directory takes a Put from a cache it lists as a sharer (an old owner
    // whose Put crossed the forwarded GetS) for the sharer leaving: were the last sharer
    // to leave as Put-NonOwner, the line would stay S (or S_D) with no sharers, and a
    // recall of it would wait for no ack. (The full map keeps Put-NonOwner: same
    // actions, and its statistics as they were.)
    case NetMsgType::PutM:
      return e.owner == r ? Event::PutMOwner : sparse() && e.has(r) ? sharer_leaves(e) : Event::PutNonOwner;
    case NetMsgType::PutE:
      return e.owner == r ? Event::PutEOwner : sparse() && e.has(r) ? sharer_leaves(e) : Event::PutNonOwner;
    case NetMsgType::PutO:
      return e.owner == r ? Event::PutOOwner : sparse() && e.has(r) ? sharer_leaves(e) : Event::PutNonOwner;
    case NetMsgType::Data: return m.to_home ? Event::OwnerData : Event::RecallData;
    case NetMsgType::InvAck: return e.acks <= 1 ? Event::LastRecallAck : Event::RecallAck;
    default: break;
  }
  throw SimError(p_.name + ": a " + std::string(name(m.type)) + " from " + std::to_string(m.src) +
                 " reached the directory\n" + dump_pending());
}

void Directory::receive(Tick t, const NetMsg& m, const std::uint8_t* data) {
  // Finite injection queues: a request (or Put) the home cannot answer for want of
  // room waits in its input buffer, and so do the ones that arrive after it (they keep
  // their order). Responses are always taken: their sends, if any, wait in the home.
  if (net_.finite_injection() && vnet_of(m.type) != VNet::Response && (held_count_ || !room(m))) {
    if (held_count_ == held_.size()) held_.push_back(Held{{}, std::vector<std::uint8_t>(p_.line_size), false});
    Held& h = held_[held_count_++];
    h.msg = m;
    h.has_data = data != nullptr;
    if (data) std::copy_n(data, p_.line_size, h.data.begin());
    net_.keep(m);
    return;
  }
  take(t, m, data, false);
}

void Directory::take(Tick t, const NetMsg& m, const std::uint8_t* data, bool kept) {
  if (sparse()) {
    if (needs_entry(m) && !ensure_way(t, m.line)) {  // waits for a way (a recall frees one)
      parked_.push_back(m);
      if (!kept) net_.keep(m);  // finite buffers: it keeps its entry in the input buffer
      ++entry_waits_;
      return;
    }
    if (!execute(t, m, data)) {
      if (data && !m.clean_data) throw SimError(p_.name + ": a message with data cannot wait\n" + dump_pending());
      clean_victims_dropped_ += m.clean_data;  // it waits without its clean line
      parked_.push_back(m);
      if (!kept) net_.keep(m);  // finite buffers: it keeps its entry in the input buffer
      ++stalls_;
      return;
    }
    if (kept) net_.consumed(t, m);
    release_if_invalid(m.line);
    retry_set(t, set_of(m.line));
    return;
  }
  if (!execute(t, m, data)) {
    if (data && !m.clean_data) throw SimError(p_.name + ": a message with data cannot wait\n" + dump_pending());
    clean_victims_dropped_ += m.clean_data;  // it waits without its clean line
    parked_.push_back(m);
    if (!kept) net_.keep(m);  // finite buffers: it keeps its entry in the input buffer
    ++stalls_;
    return;
  }
  if (kept) net_.consumed(t, m);
  retry_parked(t, m.line);
}

void Directory::count_sends(const Cell& c, const NetMsg& m, const Entry& e, unsigned (&need)[kNumVNets]) const {
  for (int i = 0; i < c.num_actions; ++i) switch (c.actions[i]) {
      case Action::DirSendData:
      case Action::DirSendExclusive: ++need[int(VNet::Response)]; break;
      case Action::FwdGetSToOwner:
      case Action::FwdGetMToOwner:
      case Action::SendAckCount:
      case Action::SendPutAck:
      case Action::RecallOwner: ++need[int(VNet::Forward)]; break;
      case Action::InvToSharers: need[int(VNet::Forward)] += e.count() - (e.has(m.src) ? 1 : 0); break;
      case Action::RecallSharers: need[int(VNet::Forward)] += e.count(); break;
      default: break;
    }
}

bool Directory::room(const NetMsg& m) {
  if (!net_.finite_injection()) return true;
  static const Entry kNone{};
  auto it = entries_.find(m.line);
  const Entry& e = it == entries_.end() ? kNone : it->second;
  const Cell& c = table_.cell(e.state, classify(m, e));
  if (c.kind != CellKind::Do) return true;  // a stall sends nothing (and an impossible cell is reported when taken)
  unsigned need[kNumVNets] = {};
  count_sends(c, m, e, need);
  return net_.room_for(id_, need);
}

void Directory::injection_ready(Tick t) {
  // The parked requests first (older), each line's in order, then the held ones, oldest first.
  retry_lines_.clear();
  for (const NetMsg& m : parked_)
    if (std::find(retry_lines_.begin(), retry_lines_.end(), m.line) == retry_lines_.end())
      retry_lines_.push_back(m.line);
  for (std::size_t i = 0; i < retry_lines_.size(); ++i) {
    if (sparse()) {
      const std::size_t set = set_of(retry_lines_[i]);
      bool seen = false;
      for (std::size_t j = 0; j < i; ++j) seen |= set_of(retry_lines_[j]) == set;
      if (!seen) retry_set(t, set);
    } else {
      retry_parked(t, retry_lines_[i]);
    }
  }
  held_data_.resize(p_.line_size);
  while (held_count_) {
    const NetMsg m = held_[0].msg;
    if (!room(m)) break;
    const bool d = held_[0].has_data;
    if (d) std::copy_n(held_[0].data.begin(), p_.line_size, held_data_.begin());
    std::rotate(held_.begin(), held_.begin() + 1, held_.begin() + std::ptrdiff_t(held_count_));  // keeps the storage
    --held_count_;
    take(t, m, d ? held_data_.data() : nullptr, true);
  }
}

void Directory::retry_parked(Tick t, LineAddr line) {
  // Oldest first; a request that goes through may unblock the next.
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < parked_.size(); ++i) {
      if (parked_[i].line != line) continue;
      const NetMsg m = parked_[i];
      const Entry& e = entries_[line];
      if (table_.cell(e.state, classify(m, e)).kind == CellKind::Stall) break;  // keep per-line order
      if (!room(m)) break;  // finite injection queues: it waits for room (injection_ready)
      parked_.erase(parked_.begin() + std::ptrdiff_t(i));
      net_.consumed(t, m);
      execute(t, m, nullptr);
      progress = true;
      break;
    }
  }
}

bool Directory::execute(Tick t, const NetMsg& m, const std::uint8_t* data, Event forced) {
  Entry& e = entries_[m.line];
  const Event ev = forced != Event::kCount ? forced : classify(m, e);
  const std::uint8_t s = e.state;
  const Cell& c = table_.cell(s, ev);
  if (c.kind == CellKind::Impossible) {
    std::ostringstream o;
    o << p_.name << ": message " << name(ev) << " from cache " << m.src << " cannot arrive in directory state "
      << table_.states()[s].name << " (protocol " << table_.name() << ") for line 0x" << std::hex
      << m.line * p_.line_size << std::dec << "; owner " << e.owner << ", " << e.count() << " sharer(s)\n"
      << net_.dump();
    throw SimError(o.str());
  }
  // A stalled request waits (it counts once: retries check the cell first).
  ++cells_[std::size_t(s) * kNumEvents + int(ev)];
  if (log_)
    log_->cell(t, log_agent_, m.line * p_.line_size, table_.states()[s].name.c_str(), name(ev),
               table_.actions_text(s, ev), table_.states()[c.kind == CellKind::Stall ? s : c.next].name.c_str(),
               c.kind == CellKind::Stall, 0);
  if (c.kind == CellKind::Stall) return false;  // a stalled request waits (it counts once: retries check the cell first)
  if (forced == Event::kCount) ++requests_;
  if (ev == Event::DirGetS || ev == Event::DirGetM || ev == Event::DirGetMOwner) {
    if (!p_.cache_node || (*p_.cache_node)[std::size_t(m.src)] == p_.node) ++local_requests_;
    else ++remote_requests_;
  }
  const Tick start = std::max(t, next_start_);
  next_start_ = start + p_.period;
  const Tick out = start + p_.latency;
  const int r = m.src;
  // A clean victim's Put (an exclusive L2 or L3 below): the line goes to that level as the home
  // takes the Put, if the home still lists its cache (else the Put is stale: dropped).
  if (m.clean_data && data && victim_sink_) {
    if (e.has(r) || (m.type == NetMsgType::PutE && e.owner == r)) {
      ++clean_victims_;
      victim_sink_->clean_victim(out, m.line, data);
    } else {
      ++clean_victims_dropped_;
    }
  }
  auto acks_for = [&] { return int(e.count()) - (e.has(r) ? 1 : 0); };
  for (int i = 0; i < c.num_actions; ++i) {
    NetMsg o;
    o.src = id_;
    o.line = m.line;
    o.requester = r;
    o.trace_line = m.trace_line;
    switch (c.actions[i]) {
      case Action::DirSendData:
      case Action::DirSendExclusive:
        o.type = NetMsgType::Data;
        o.dst = r;
        o.exclusive = c.actions[i] == Action::DirSendExclusive;
        o.acks = m.type == NetMsgType::GetM ? acks_for() : 0;  // a reader awaits no acks
        send_from_memory(out, o);
        break;
      case Action::FwdGetSToOwner:
      case Action::FwdGetMToOwner:
        if (e.owner < 0) throw SimError(p_.name + ": forward with no owner\n" + dump_pending());
        o.type = c.actions[i] == Action::FwdGetSToOwner ? NetMsgType::FwdGetS : NetMsgType::FwdGetM;
        o.dst = e.owner;
        o.acks = o.type == NetMsgType::FwdGetM ? acks_for() : 0;
        ++forwards_;
        net_.send(out, o, nullptr);
        break;
      case Action::InvToSharers:
        o.type = NetMsgType::Inv;
        for (unsigned k = 0; k < p_.caches; ++k)
          if (e.has(int(k)) && int(k) != r) {
            o.dst = int(k);
            ++invalidations_;
            net_.send(out, o, nullptr);
          }
        break;
      case Action::SendAckCount:
        o.type = NetMsgType::AckCount;
        o.dst = r;
        o.acks = acks_for();
        net_.send(out, o, nullptr);
        break;
      case Action::SendPutAck:
        o.type = NetMsgType::PutAck;
        o.dst = r;
        net_.send(out, o, nullptr);
        break;
      case Action::AddReqToSharers: e.add(r); break;
      case Action::AddOwnerToSharers:
        if (e.owner >= 0) e.add(e.owner);
        break;
      case Action::RemoveReqFromSharers: e.remove(r); break;
      case Action::ClearSharers: std::fill(std::begin(e.sharers), std::end(e.sharers), 0); break;
      case Action::SetOwnerToReq: e.owner = r; break;
      case Action::ClearOwner: e.owner = -1; break;
      case Action::CopyDataToMemory:
        if (!data) throw SimError(p_.name + ": " + name(ev) + " without data\n" + dump_pending());
        ++memory_writes_;
        if (ev == Event::RecallData) ++recall_writebacks_;
        below_->write_line(out, m.line, data, m.trace_line);
        break;
      case Action::RecallSharers:  // the Inv-Acks come back to us: we are the requester
        o.type = NetMsgType::Inv;
        o.requester = id_;
        o.trace_line = 0;  // the directory's own replacement: what it writes back is no access's
        e.acks = 0;
        for (unsigned k = 0; k < p_.caches; ++k)
          if (e.has(int(k))) {
            o.dst = int(k);
            ++invalidations_;
            ++recall_invalidations_;
            ++e.acks;
            net_.send(out, o, nullptr);
          }
        break;
      case Action::RecallOwner:  // the owner sends its data to us and drops the line
        if (e.owner < 0) throw SimError(p_.name + ": a recall with no owner\n" + dump_pending());
        o.type = NetMsgType::FwdGetM;
        o.dst = e.owner;
        o.requester = id_;
        o.trace_line = 0;  // the directory's own replacement: what it writes back is no access's
        o.acks = 0;
        ++forwards_;
        net_.send(out, o, nullptr);
        break;
      default: throw SimError(p_.name + ": the directory cannot perform '" + std::string(name(c.actions[i])) + "'");
    }
  }
  if (ev == Event::RecallAck || ev == Event::LastRecallAck) --e.acks;
  e.state = c.next;
  return true;
}

void Directory::send_from_memory(Tick t, NetMsg m) {
  std::uint32_t slot;
  if (!free_reads_.empty()) {
    slot = free_reads_.back();
    free_reads_.pop_back();
  } else {
    reads_.push_back(PendingRead{{}, std::vector<std::uint8_t>(p_.line_size), false});
    slot = std::uint32_t(reads_.size() - 1);
  }
  reads_[slot].msg = m;
  reads_[slot].used = true;
  ++memory_reads_;
  below_->read_line(t, m.line, reads_[slot].data.data(), this, slot, m.trace_line);
}

void Directory::memory_ready(std::uint64_t tag, Tick tick) {
  PendingRead& pr = reads_[tag];
  pr.used = false;
  free_reads_.push_back(std::uint32_t(tag));
  // Finite injection queues: the data takes its entry when it comes back from memory;
  // with none free it waits in the home (its read buffer) for one, and the queue counts
  // as full meanwhile, so no new request is taken.
  net_.send(tick, pr.msg, pr.data.data(), true);
}

std::string Directory::dump_pending() const {
  std::ostringstream o;
  o << p_.name << ": " << parked_.size() << " waiting request(s)";
  if (held_count_) o << ", " << held_count_ << " waiting for injection room";
  if (sparse())
    o << " (sparse: " << entries_used_ << " of " << way_line_.size() << " entries in use, " << sets_ << " set(s) of "
      << assoc_ << " ways)";
  for (auto& m : parked_) {
    o << "\n  " << name(m.type) << " from " << m.src << " line 0x" << std::hex << m.line * p_.line_size << std::dec;
    if (sparse()) {
      auto it = entries_.find(m.line);
      if (it == entries_.end() || it->second.way < 0)
        o << " waits for an entry in set " << set_of(m.line)
          << (set_recalling_[set_of(m.line)] ? " (a recall is under way)" : "");
    }
  }
  int shown = 0;
  for (auto& [line, e] : entries_)
    if (!table_.states()[e.state].stable && shown++ < 16)
      o << "\n  line 0x" << std::hex << line * p_.line_size << std::dec << " in " << table_.states()[e.state].name
        << ", owner " << e.owner << ", " << e.count() << " sharer(s)";
  for (auto& r : reads_)
    if (r.used)
      o << "\n  data for " << r.msg.dst << " line 0x" << std::hex << r.msg.line * p_.line_size << std::dec
        << " waits for memory";
  return o.str();
}

// Statistics (docs/stats.md): the home (coherence.fabric: directory), per node with NUMA.
COHSIM_STAT(kStatRequests, "[node*.]directory.requests", "count", "", "requests the home received");
COHSIM_STAT(kStatLocalRequests, "[node*.]directory.local_requests", "count", "", "requests from cores on the home's own NUMA node");
COHSIM_STAT(kStatRemoteRequests, "[node*.]directory.remote_requests", "count", "", "requests from cores on other NUMA nodes");
COHSIM_STAT(kStatStalls, "[node*.]directory.stalls", "count", "", "requests that waited because their line was in a transient state");
COHSIM_STAT(kStatMemoryReads, "[node*.]directory.memory_reads", "count", "", "lines the home read from the level below");
COHSIM_STAT(kStatMemoryWrites, "[node*.]directory.memory_writes", "count", "", "lines the home wrote to the level below");
COHSIM_STAT(kStatInvalidations, "[node*.]directory.invalidations_sent", "count", "", "Inv messages sent to sharers");
COHSIM_STAT(kStatForwards, "[node*.]directory.forwards", "count", "", "requests forwarded to the owner (Fwd-GetS, Fwd-GetM; a recall's Fwd-GetM included)");
COHSIM_STAT(kStatRecalls, "[node*.]directory.recalls", "count", "", "lines recalled from the caches to free a sparse directory's entry (directory.entries)");
COHSIM_STAT(kStatRecallInvs, "[node*.]directory.recall_invalidations", "count", "", "Inv messages sent to sharers by recalls (also in invalidations_sent)");
COHSIM_STAT(kStatRecallWritebacks, "[node*.]directory.recall_writebacks", "count", "", "owners' copies written back to memory by recalls");
COHSIM_STAT(kStatEntryWaits, "[node*.]directory.entry_waits", "count", "", "requests that waited for a free sparse directory entry");
COHSIM_STAT(kStatEntriesPeak, "[node*.]directory.entries_peak", "entries", "", "most sparse directory entries in use at once (since the start of the run)");
COHSIM_STAT(kStatCleanVictims, "[node*.]directory.clean_victims", "count", "",
            "exclusive L2 or L3 under private caches (l2.inclusion, l3.inclusion): PutS/PutE messages carrying their "
            "cache's clean line that the home took while it still listed that cache, handing the line to that level "
            "(in l2.victim_fills or l3.victim_fills)");
COHSIM_STAT(kStatCleanVictimsDropped, "[node*.]directory.clean_victims_dropped", "count", "",
            "exclusive L2 or L3 under private caches: clean lines whose Put arrived stale (the cache no longer listed: "
            "invalidated or forwarded to while the Put travelled) or had to wait at the home; that level does not take "
            "them (the level below holds the current value). clean_victims + clean_victims_dropped = the caches' "
            "clean_victims once no Put is in flight");
COHSIM_STAT(kStatDirCells, "[node*.]directory.dircells.*.*", "count", "", "times the home table's cell (STATE, EVENT) ran");

void Directory::reset_stats() {
  std::fill(cells_.begin(), cells_.end(), 0);
  local_requests_ = remote_requests_ = requests_ = stalls_ = memory_reads_ = memory_writes_ = invalidations_ =
      forwards_ = 0;
  recalls_ = recall_invalidations_ = recall_writebacks_ = entry_waits_ = 0;
  clean_victims_ = clean_victims_dropped_ = 0;
}

void Directory::register_stats(Stats& s) const {
  const std::string& n = p_.name;
  s.counter(kStatRequests, n + ".requests", &requests_);
  s.counter(kStatLocalRequests, n + ".local_requests", &local_requests_);
  s.counter(kStatRemoteRequests, n + ".remote_requests", &remote_requests_);
  s.counter(kStatStalls, n + ".stalls", &stalls_);
  s.counter(kStatMemoryReads, n + ".memory_reads", &memory_reads_);
  s.counter(kStatMemoryWrites, n + ".memory_writes", &memory_writes_);
  s.counter(kStatInvalidations, n + ".invalidations_sent", &invalidations_);
  s.counter(kStatForwards, n + ".forwards", &forwards_);
  if (victim_sink_) {
    s.counter(kStatCleanVictims, n + ".clean_victims", &clean_victims_);
    s.counter(kStatCleanVictimsDropped, n + ".clean_victims_dropped", &clean_victims_dropped_);
  }
  if (sparse()) {  // a full map has none of these: its statistics stay as they were
    s.counter(kStatRecalls, n + ".recalls", &recalls_);
    s.counter(kStatRecallInvs, n + ".recall_invalidations", &recall_invalidations_);
    s.counter(kStatRecallWritebacks, n + ".recall_writebacks", &recall_writebacks_);
    s.counter(kStatEntryWaits, n + ".entry_waits", &entry_waits_);
    s.counter(kStatEntriesPeak, n + ".entries_peak", &entries_peak_);
  }
  for (int st = 0; st < table_.num_states(); ++st)
    for (Event e : table_.events()) {
      const Cell& c = table_.cell(std::uint8_t(st), e);
      if (c.kind == CellKind::Impossible) continue;
      s.counter(kStatDirCells, n + ".dircells." + table_.states()[st].name + "." + cohsim::name(e),
                &cells_[std::size_t(st) * kNumEvents + int(e)]);
    }
}

}  // namespace cohsim

namespace cohsim {

void Directory::log_final(Tick t) const {
  if (!log_) return;
  for (const auto& [line, e] : entries_)
    if (e.state != table_.invalid())
      log_->final_line(t, log_agent_, line * p_.line_size, table_.states()[e.state].name.c_str(), nullptr);
}

bool Directory::line_quiet(LineAddr line) const {
  auto it = entries_.find(line);
  if (it != entries_.end() && !table_.states()[it->second.state].stable) return false;
  for (const NetMsg& m : parked_)
    if (m.line == line) return false;
  for (const PendingRead& r : reads_)
    if (r.used && r.msg.line == line) return false;
  return true;
}

void Directory::forget(LineAddr line) {
  auto it = entries_.find(line);
  if (it == entries_.end()) return;
  const int way = it->second.way;
  it->second = Entry{};  // state 0 is I, no sharers
  if (!sparse()) return;
  // A sparse directory's entry gives its way back (kept, the way would hold a line in I
  // that a later recall would pick as its victim). A request parked for a way of this
  // set takes it at the next message for the set: the recall or the transition it
  // waits for still ends with one.
  it->second.way = way;
  release_if_invalid(line);
}

}  // namespace cohsim
