#include "coherence/protocol.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"
#include "sim/base/registry.hpp"

namespace cohsim {

const char* name(Event e) {
  static const char* n[] = {
      "Load",          "Store",       "Replacement",  "Own-GetS",   "Own-GetM",     "Own-PutM",    "Own-Upd",
      "Own-Upd-Alone", "Other-GetS",  "Other-GetM",   "Other-PutM", "Other-Upd",    "Data",        "Data-Excl",
      "Fwd-GetS",      "Fwd-GetM",    "Inv",          "Put-Ack",    "Data(ack=0)",  "Data(ack>0)", "Inv-Ack",
      "Last-Inv-Ack",  "AckCount(0)", "AckCount(>0)", "GetS",       "GetM",         "GetM-Owner",  "PutS-NotLast",
      "PutS-Last",     "PutM-Owner",  "PutE-Owner",   "PutO-Owner", "Put-NonOwner", "Owner-Data",
      "Prefetch"};
  static_assert(sizeof(n) / sizeof(n[0]) == kNumEvents, "a name per event");
  return n[int(e)];
}

const char* name(Action a) {
  static const char* n[] = {"-",
                            "issue GetS",
                            "issue GetM",
                            "issue PutM",
                            "send data to requestor",
                            "send data to memory",
                            "load hit",
                            "store hit",
                            "issue Upd",
                            "apply update",
                            "own data suffices",
                            "defer data to req",
                            "defer data to memory",
                            "issue PutS",
                            "issue PutE",
                            "issue PutO",
                            "send data to dir",
                            "send Inv-Ack to req",
                            "send data to req",
                            "send exclusive data to req",
                            "send Fwd-GetS to owner",
                            "send Fwd-GetM to owner",
                            "send Inv to sharers",
                            "send AckCount to req",
                            "send Put-Ack",
                            "add req to sharers",
                            "add owner to sharers",
                            "remove req from sharers",
                            "clear sharers",
                            "set owner to req",
                            "clear owner",
                            "copy data to memory"};
  static_assert(sizeof(n) / sizeof(n[0]) == int(Action::kCount), "a name per action");
  return n[int(a)];
}

const char* describe(Action a) {
  static const char* d[] = {"nothing",
                            "put a GetS (read request) on the fabric",
                            "put a GetM (write request) on the fabric",
                            "put a PutM (dirty writeback) on the fabric",
                            "send the line's data to the requesting cache",
                            "send the line's data to the memory side (a writeback)",
                            "the waiting load completes",
                            "the waiting store completes",
                            "put an update carrying the stored data on the fabric (no invalidation)",
                            "write the data another cache's update carries into our copy",
                            "our copy is current: complete without a data response",
                            "record the requester: it gets the line from us once our own data has arrived",
                            "memory waits for our copy: we send it the line once our own data has arrived",
                            "send PutS to the directory: we drop our shared copy",
                            "send PutE to the directory: we drop our clean exclusive copy",
                            "send PutO with the data to the directory: we drop our owned copy",
                            "send the line's data to the directory, which writes it to memory",
                            "send an Inv-Ack to the cache whose GetM caused the invalidation",
                            "read the line from memory and send it to the requester, with the number of acks to await",
                            "read the line from memory and send it as exclusive data (no other cache holds it)",
                            "forward the GetS to the owner, which sends the data to the requester",
                            "forward the GetM to the owner, with the number of acks the requester must await",
                            "send an Inv to every sharer except the requester",
                            "tell the requesting owner how many Inv-Acks to await",
                            "acknowledge the requester's Put",
                            "add the requester to the sharer list",
                            "add the (former) owner to the sharer list",
                            "remove the requester from the sharer list",
                            "empty the sharer list",
                            "record the requester as the owner",
                            "record that no cache owns the line",
                            "write the data that came with the message to memory"};
  static_assert(sizeof(d) / sizeof(d[0]) == int(Action::kCount), "a description per action");
  return d[int(a)];
}

Row row(std::string state, std::initializer_list<Event> events, std::initializer_list<Action> actions,
        std::string next) {
  return Row{std::move(state), events, actions, std::move(next), false};
}

Row stall(std::string state, std::initializer_list<Event> events) {
  return Row{std::move(state), events, {}, "", true};
}

ProtocolTable::ProtocolTable(std::string name, std::string fabric, std::string description,
                             std::vector<StateInfo> states, std::vector<Event> events, std::vector<Row> rows,
                             std::vector<std::pair<std::string, std::string>> unreachable)
    : name_(std::move(name)),
      fabric_(std::move(fabric)),
      description_(std::move(description)),
      states_(std::move(states)),
      events_(std::move(events)),
      cells_(states_.size() * kNumEvents) {
  auto fail = [&](const std::string& m) { throw std::logic_error("protocol " + name_ + ": " + m); };
  if (states_.empty() || states_[0].name != "I") fail("state 0 must be I");
  if (states_.size() > 255) fail("too many states");
  for (Event e : events_) used_[int(e)] = true;
  for (const Row& r : rows) {
    std::uint8_t s = state_index(r.state);
    std::uint8_t next = r.next.empty() ? s : state_index(r.next);
    if (r.actions.size() > std::size_t(kMaxActions)) fail("too many actions in a cell");
    for (Event e : r.events) {
      if (!used_[int(e)]) fail(std::string("event ") + cohsim::name(e) + " is not declared");
      Cell& c = cells_[s * kNumEvents + int(e)];
      if (c.kind != CellKind::Impossible) fail("two rows for (" + r.state + ", " + cohsim::name(e) + ")");
      c.kind = r.stall ? CellKind::Stall : CellKind::Do;
      c.next = next;
      c.num_actions = std::uint8_t(r.actions.size());
      for (std::size_t i = 0; i < r.actions.size(); ++i) c.actions[i] = r.actions[i];
    }
  }
  for (auto& [cellname, why] : unreachable) {
    auto comma = cellname.find(',');
    if (comma == std::string::npos) fail("unreachable cell must be 'STATE,Event'");
    std::uint8_t s = state_index(cellname.substr(0, comma));
    std::string ev = cellname.substr(comma + 1);
    bool found = false;
    for (Event e : events_)
      if (ev == cohsim::name(e)) {
        Cell& c = cells_[s * kNumEvents + int(e)];
        if (c.kind != CellKind::Impossible) fail("cell " + cellname + " is both defined and unreachable");
        c.why = why;
        found = true;
      }
    if (!found) fail("unknown event in " + cellname);
  }
  // Every other impossible cell gets the general reason it cannot happen.
  for (std::size_t st = 0; st < states_.size(); ++st)
    for (Event e : events_) {
      Cell& c = cells_[st * kNumEvents + int(e)];
      if (c.kind != CellKind::Impossible || !c.why.empty()) continue;
      const StateInfo& info = states_[st];
      const bool home = fabric_ == kHomeFabric;
      if (home && is_dir_side(e) && !info.stable)
        c.why = "the directory holds no transient state when this message can arrive";
      else if (home) c.why = "the directory never records this state when this message can arrive";
      else if (e == Event::Replacement && st == 0) c.why = "an invalid line is never chosen as a victim";
      else if ((e == Event::FwdGetS || e == Event::FwdGetM) && info.stable)
        c.why = "the directory forwards requests only to the owner";
      else if (e == Event::FwdGetS || e == Event::FwdGetM)
        c.why = "the directory does not take this cache for the owner while it waits in this state";
      else if (e == Event::Inv) c.why = "the directory invalidates only caches it lists as sharers";
      else if (e == Event::PutAck) c.why = "no Put of ours is outstanding in this state";
      else if (e == Event::InvAck || e == Event::LastInvAck || e == Event::AckCount0 || e == Event::AckCountN)
        c.why = "no GetM of ours awaits acknowledgements in this state";
      else if (e == Event::Replacement && st == 0) c.why = "an invalid line is never chosen as a victim";
      else if (is_own(e) && info.stable) c.why = "no request of ours is outstanding in a stable state";
      else if (is_own(e)) c.why = "this state waits for a different request of ours";
      else if (is_data(e)) c.why = "no data response is awaited in this state";
      else if (e == Event::Replacement && !info.stable) c.why = "only lines in stable states are chosen as victims";
      else if (is_other(e) && !info.stable && fabric_ != kSplitBusFabric)
        c.why = "atomic transactions: no other request is ordered while we wait for our data";
      else c.why = "the protocol never puts a line in this state when this event can occur";
    }
  // The default rule of a prefetch: in I it does what a load does there (on every
  // protocol, issue GetS) but completes no load; in any other state the controller
  // drops the prefetch before asking the table (the line is present, in flight or
  // leaving), so those cells stay impossible and no table needs a Prefetch row.
  if (used_[int(Event::Load)] && fabric_ != kHomeFabric) {
    const Cell& load = cells_[int(Event::Load)];
    Cell& p = cells_[int(Event::Prefetch)];
    bool gets = false;
    for (int k = 0; k < load.num_actions; ++k) gets |= load.actions[std::size_t(k)] == Action::IssueGetS;
    if (load.kind == CellKind::Do && gets) {
      p.kind = CellKind::Do;
      p.next = load.next;
      for (int k = 0; k < load.num_actions; ++k)
        if (load.actions[std::size_t(k)] != Action::LoadHit) p.actions[p.num_actions++] = load.actions[std::size_t(k)];
    }
  }
  action_text_.resize(cells_.size());
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    const Cell& c = cells_[i];
    std::string& t = action_text_[i];
    if (c.kind == CellKind::Stall) t = "stall";
    for (int k = 0; k < c.num_actions; ++k) t += (k ? ", " : "") + std::string(cohsim::name(c.actions[std::size_t(k)]));
  }
}

std::string protocol_json(const ProtocolTable& t) {
  nlohmann::json j = nlohmann::json::object();
  j["name"] = t.name();
  j["fabric"] = t.fabric();
  nlohmann::json states = nlohmann::json::array();
  for (const StateInfo& s : t.states())
    states.push_back({{"name", s.name},
                      {"stable", s.stable},
                      {"permission", s.permission == Permission::Write  ? "write"
                                     : s.permission == Permission::Read ? "read"
                                                                        : "none"},
                      {"description", s.description}});
  j["states"] = std::move(states);
  nlohmann::json events = nlohmann::json::array();
  for (Event e : t.events()) events.push_back(cohsim::name(e));
  j["events"] = std::move(events);
  nlohmann::json cells = nlohmann::json::array();
  for (int s = 0; s < t.num_states(); ++s)
    for (Event e : t.events()) {
      const Cell& c = t.cell(std::uint8_t(s), e);
      if (c.kind == CellKind::Impossible) continue;
      cells.push_back({{"state", t.states()[std::size_t(s)].name},
                       {"event", cohsim::name(e)},
                       {"kind", c.kind == CellKind::Stall ? "stall" : "do"},
                       {"actions", t.actions_text(std::uint8_t(s), e)},
                       {"next", t.states()[c.next].name}});
    }
  j["cells"] = std::move(cells);
  return j.dump();
}

std::uint8_t ProtocolTable::state_index(const std::string& s) const {
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (states_[i].name == s) return std::uint8_t(i);
  throw std::logic_error("protocol " + name_ + ": unknown state " + s);
}

static std::string cell_text(const ProtocolTable& t, std::uint8_t s, Event e) {
  const Cell& c = t.cell(s, e);
  if (c.kind == CellKind::Impossible) return "";
  if (c.kind == CellKind::Stall) return "stall";
  std::string out;
  for (int i = 0; i < c.num_actions; ++i) {
    if (!out.empty()) out += ", ";
    out += name(c.actions[i]);
  }
  if (c.next != s) out += (out.empty() ? "" : " ") + std::string("/") + t.states()[c.next].name;
  if (out.empty()) out = "-";
  return out;
}

std::string ProtocolTable::to_text() const {
  std::vector<std::vector<std::string>> grid;
  std::vector<std::string> head{"state"};
  for (Event e : events_) head.push_back(cohsim::name(e));
  grid.push_back(head);
  for (std::size_t s = 0; s < states_.size(); ++s) {
    std::vector<std::string> r{states_[s].name};
    for (Event e : events_) r.push_back(cell_text(*this, std::uint8_t(s), e));
    grid.push_back(r);
  }
  std::vector<std::size_t> w(head.size(), 0);
  for (auto& r : grid)
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  std::ostringstream o;
  o << name_ << " (" << fabric_ << "): " << description_ << "\n\n";
  for (std::size_t k = 0; k < grid.size(); ++k) {
    for (std::size_t i = 0; i < grid[k].size(); ++i) o << grid[k][i] << std::string(w[i] - grid[k][i].size() + 2, ' ');
    o << "\n";
    if (k == 0) {
      for (std::size_t i = 0; i < w.size(); ++i) o << std::string(w[i], '-') << "  ";
      o << "\n";
    }
  }
  o << "\nStates:\n";
  for (auto& s : states_) o << "  " << s.name << (s.stable ? "" : " (transient)") << ": " << s.description << "\n";
  o << "\nEmpty cells cannot happen; \"stall\" means the event waits until the line leaves the state.\n";
  return o.str();
}

std::string ProtocolTable::to_markdown() const {
  std::ostringstream o;
  o << "## " << name_ << " (" << fabric_ << ")\n\n" << description_ << "\n\n| state |";
  for (Event e : events_) o << " " << cohsim::name(e) << " |";
  o << "\n|---|";
  for (std::size_t i = 0; i < events_.size(); ++i) o << "---|";
  o << "\n";
  for (std::size_t s = 0; s < states_.size(); ++s) {
    o << "| " << states_[s].name << " |";
    for (Event e : events_) o << " " << cell_text(*this, std::uint8_t(s), e) << " |";
    o << "\n";
  }
  o << "\n";
  for (auto& s : states_)
    o << "- **" << s.name << "**" << (s.stable ? "" : " (transient)") << ": " << s.description << "\n";
  return o.str();
}

std::string ProtocolTable::to_csv() const {
  std::ostringstream o;
  o << "state,event,kind,actions,next\n";
  for (std::size_t s = 0; s < states_.size(); ++s)
    for (Event e : events_) {
      const Cell& c = cell(std::uint8_t(s), e);
      const char* kind = c.kind == CellKind::Do ? "do" : c.kind == CellKind::Stall ? "stall" : "impossible";
      std::string acts;
      for (int i = 0; i < c.num_actions; ++i) acts += (i ? ";" : "") + std::string(cohsim::name(c.actions[i]));
      o << states_[s].name << "," << cohsim::name(e) << "," << kind << "," << acts << ","
        << (c.kind == CellKind::Do ? states_[c.next].name : "") << "\n";
    }
  return o.str();
}

std::string ProtocolTable::to_html() const {
  std::ostringstream o;
  o << "<table class=\"cohsim-protocol\">\n<caption>" << name_ << " (" << fabric_ << "): " << description_
    << "</caption>\n<tr><th>state</th>";
  for (Event e : events_) o << "<th>" << cohsim::name(e) << "</th>";
  o << "</tr>\n";
  for (std::size_t st = 0; st < states_.size(); ++st) {
    o << "<tr><th title=\"" << states_[st].description << "\">" << states_[st].name << "</th>";
    for (Event e : events_) {
      const Cell& c = cell(std::uint8_t(st), e);
      const char* cls = c.kind == CellKind::Stall ? "stall" : c.kind == CellKind::Do ? "do" : "impossible";
      o << "<td class=\"" << cls << "\"" << (c.why.empty() ? "" : " title=\"" + c.why + "\"") << ">"
        << cell_text(*this, std::uint8_t(st), e) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string ProtocolTable::to_dot() const {
  // Follow each (stable state, core or bus event) through transient states until
  // a stable state is reached again, collecting the events on the way.
  std::ostringstream o;
  o << "digraph \"" << name_ << "\" {\n  rankdir=LR;\n  node [shape=circle];\n";
  for (auto& st : states_)
    if (st.stable) o << "  \"" << st.name << "\";\n";
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> edges;
  for (std::size_t st = 0; st < states_.size(); ++st) {
    if (!states_[st].stable) continue;
    for (Event e : events_) {
      const Cell& c = cell(std::uint8_t(st), e);
      if (c.kind != CellKind::Do || c.next == st) continue;
      // Every way out of the transient states it passes through, by our own
      // request being ordered and our data arriving.
      std::function<void(std::uint8_t, const std::string&, int)> walk = [&](std::uint8_t at, const std::string& label,
                                                                            int depth) {
        if (states_[at].stable) {
          if (at != st) edges[{states_[st].name, states_[at].name}].push_back(label);
          return;
        }
        if (depth > 6) return;
        for (Event f : events_) {
          if (!is_own(f) && !is_completion(f)) continue;
          const Cell& d = cell(at, f);
          if (d.kind == CellKind::Do && d.next != at) walk(d.next, label + ", " + cohsim::name(f), depth + 1);
        }
      };
      walk(c.next, cohsim::name(e), 0);
    }
  }
  for (auto& [k, labels] : edges) {
    std::string l;
    for (auto& x : labels) l += (l.empty() ? "" : "\\n") + x;
    o << "  \"" << k.first << "\" -> \"" << k.second << "\" [label=\"" << l << "\"];\n";
  }
  o << "}\n";
  return o.str();
}

static std::vector<const ProtocolTable*>& registry() {
  static std::vector<const ProtocolTable*> r;
  return r;
}

void register_protocol(const ProtocolTable* t) {
  // The configuration's coherence.protocol names each protocol once, whatever its fabrics.
  bool named = false;
  for (auto* r : registry()) named |= r->name() == t->name();
  if (!named && t->fabric() != kHomeFabric)
    plugin_index_add("coherence.protocol", PluginInfo{t->name(), t->description()});
  registry().push_back(t);
}

const ProtocolTable* find_protocol(const std::string& name, const std::string& fabric) {
  for (auto* t : registry())
    if (t->name() == name && t->fabric() == fabric) return t;
  return nullptr;
}

std::vector<const ProtocolTable*> all_protocols() { return registry(); }

std::string show_protocol(const std::string& name, const std::string& fabric_in, const std::string& format,
                          bool home_only) {
  std::string fabric = fabric_in;
  if (fabric == kHomeFabric) fabric = "directory", home_only = true;
  if (fabric != "bus" && fabric != kSplitBusFabric && fabric != "directory")
    throw UserError("fabric '" + fabric + "': valid fabrics are bus, " + kSplitBusFabric + ", directory, " +
                    kHomeFabric);
  if (home_only && fabric != "directory") throw UserError("only a directory has a home table: use fabric directory");
  const ProtocolTable* t = find_protocol(name, home_only ? kHomeFabric : fabric);
  if (!t) throw UserError(no_such_protocol(name, fabric));
  const bool both = !home_only && fabric == "directory" && (format == "text" || format == "md" || format == "html");
  std::string out;
  for (const ProtocolTable* x : {t, both ? find_protocol(name, kHomeFabric) : nullptr}) {
    if (!x) continue;
    if (x != t) out += "\n";
    if (format == "text") out += x->to_text();
    else if (format == "md") out += x->to_markdown();
    else if (format == "csv") out += x->to_csv();
    else if (format == "html") out += x->to_html();
    else if (format == "dot") out += x->to_dot();
    else throw UserError("format '" + format + "': valid formats are text, md, csv, html, dot");
  }
  return out;
}

std::string no_such_protocol(const std::string& name, const std::string& fabric) {
  std::vector<std::string> names, elsewhere;
  for (auto* p : registry()) {
    if (p->fabric() == fabric) names.push_back(p->name());
    else if (p->name() == name && p->fabric() != kHomeFabric) elsewhere.push_back(p->fabric());
  }
  std::sort(names.begin(), names.end());
  std::string list;
  for (auto& x : names) list += (list.empty() ? "" : ", ") + x;
  if (list.empty()) list = "none (fabrics: bus, directory, " + std::string(kHomeFabric) + ")";
  const std::string near = nearest(name, names);
  return "no protocol '" + name + "' on a " + fabric + "; valid: " + list +
         (!elsewhere.empty() ? " ('" + name + "' runs on a " + elsewhere[0] + ")"
          : near.empty()     ? ""
                             : " (did you mean '" + near + "'?)");
}

}  // namespace cohsim
