#include "coherence/protocol.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <cerrno>
#include <cstdlib>
#include <tuple>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"
#include "sim/base/registry.hpp"
#include "sim/base/temp_file.hpp"

namespace cohsim {

const char* name(Event e) {
  static const char* n[] = {
      "Load",          "Store",       "Replacement",  "Own-GetS",   "Own-GetM",     "Own-PutM",    "Own-Upd",
      "Own-Upd-Alone", "Other-GetS",  "Other-GetM",   "Other-PutM", "Other-Upd",    "Data",        "Data-Excl",
      "Fwd-GetS",      "Fwd-GetM",    "Inv",          "Put-Ack",    "Data(ack=0)",  "Data(ack>0)", "Inv-Ack",
      "Last-Inv-Ack",  "AckCount(0)", "AckCount(>0)", "GetS",       "GetM",         "GetM-Owner",  "PutS-NotLast",
      "PutS-Last",     "PutM-Owner",  "PutE-Owner",   "PutO-Owner", "Put-NonOwner", "Owner-Data",
      "Recall",        "Recall-Ack",  "Last-Recall-Ack", "Recall-Data", "Prefetch"};
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
                            "copy data to memory",
                            "recall from sharers",
                            "recall from owner"};
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
                            "write the data that came with the message to memory",
                            "send an Inv to every sharer; their Inv-Acks come back to the directory (a recall)",
                            "send a Fwd-GetM to the owner on the directory's behalf: it sends its data back to the directory and drops the line (a recall)"};
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
      const bool home = is_home_fabric(fabric_);
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
  if (used_[int(Event::Load)] && !is_home_fabric(fabric_)) {
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

namespace {

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string dot_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

// What a cell does, in words: the hover text of the HTML table.
std::string cell_hover(const ProtocolTable& t, std::uint8_t s, Event e) {
  const Cell& c = t.cell(s, e);
  const std::string& st = t.states()[s].name;
  const std::string ev = std::string(name(e)) + " (" + describe(e) + ")";
  if (c.kind == CellKind::Impossible) return "In " + st + ", " + ev + " cannot happen: " + c.why + ".";
  if (c.kind == CellKind::Stall)
    return "In " + st + ", " + ev + " stalls: it waits until the line leaves " + st + ", then is handled there.";
  std::string o = "In " + st + ", on " + ev + ": ";
  if (c.num_actions == 0) o += "no action";
  for (int i = 0; i < c.num_actions; ++i) o += (i ? "; " : "") + std::string(describe(c.actions[std::size_t(i)]));
  const StateInfo& next = t.states()[c.next];
  o += c.next == s ? "; the line stays in " + st + "." : "; then " + next.name + ": " + next.description + ".";
  return o;
}

// The short form of an action on a diagram's edge ("Load/GetS").
const char* edge_action(Action a) {
  static const char* n[] = {"",         "GetS",     "GetM",      "PutM",     "Data",        "WB",
                            "hit",      "hit",      "Upd",       "apply",    "own data",    "defer Data",
                            "defer WB", "PutS",     "PutE",      "PutO",     "Data",        "Inv-Ack",
                            "Data",     "Data-Excl", "Fwd-GetS", "Fwd-GetM", "Inv",         "AckCount",
                            "Put-Ack",  "+sharer",  "+sharer",   "-sharer",  "no sharers",  "owner",
                            "no owner", "mem",       "recall Inv", "recall Fwd-GetM"};
  static_assert(sizeof(n) / sizeof(n[0]) == int(Action::kCount), "a short name per action");
  return n[int(a)];
}

std::string edge_label(const ProtocolTable& t, std::uint8_t s, Event e) {
  const Cell& c = t.cell(s, e);
  std::string acts;
  for (int i = 0; i < c.num_actions; ++i) {
    const std::string a = edge_action(c.actions[std::size_t(i)]);
    if (a.empty() || acts.find(a) != std::string::npos) continue;
    acts += (acts.empty() ? "" : ",") + a;
  }
  return std::string(name(e)) + (acts.empty() ? "" : "/" + acts);
}

// Events that come from the core itself (drawn solid); the rest arrive from the
// fabric: snooped requests, forwarded requests, invalidations (drawn dashed).
bool core_side(Event e) { return e == Event::Load || e == Event::Store || e == Event::Replacement; }

}  // namespace

const char* describe(Event e) {
  static const char* d[] = {
      "the core reads the line",
      "the core writes the line (a store leaving the store buffer, or an atomic)",
      "the line is chosen as a victim",
      "our own GetS is ordered on the bus",
      "our own GetM is ordered on the bus",
      "our own PutM is ordered on the bus",
      "our own update is ordered; other caches share the line",
      "our own update is ordered and no other cache holds the line any more",
      "another cache's GetS is ordered on the bus",
      "another cache's GetM is ordered on the bus",
      "another cache's PutM is ordered on the bus",
      "another cache's update is ordered: the new data comes with it",
      "the data for our request arrives; other caches share the line",
      "the data for our request arrives and no other cache holds the line",
      "the directory forwards another cache's GetS to us, the owner",
      "the directory forwards another cache's GetM to us, the owner",
      "the directory invalidates our shared copy for a writer",
      "the directory has taken our Put",
      "data for our request, with no invalidation acks to wait for",
      "data for our request, with acks still to come from the sharers",
      "a sharer acknowledges an invalidation for our GetM (not the last one)",
      "the last invalidation ack we wait for",
      "the directory answers our owner upgrade: no sharers to wait for",
      "the directory answers our owner upgrade: acks from sharers to wait for",
      "a GetS from a cache reaches the directory",
      "a GetM from a cache that is not the owner",
      "a GetM from the owner itself (an O->M upgrade)",
      "a PutS, and other sharers remain",
      "a PutS from the last sharer",
      "a PutM with data from the owner",
      "a PutE (clean, no data) from the owner",
      "a PutO with data from the owner",
      "a Put from a cache that is no longer the owner",
      "the old owner's copy of the line, after a forwarded GetS",
      "a sparse directory chose this line's entry as the victim for a new line: recall it from the caches",
      "a sharer's Inv-Ack for the directory's recall, more acks to come",
      "the last Inv-Ack the directory's recall awaits",
      "the owner's data for the directory's recall (it has dropped the line)",
      "the cache's own prefetcher asks for the line (the default rule: what a load does in I)"};
  static_assert(sizeof(d) / sizeof(d[0]) == kNumEvents, "a description per event");
  return d[int(e)];
}

std::string ProtocolTable::to_html() const {
  std::ostringstream o;
  o << "<table class=\"cohsim-protocol\">\n<caption>" << html_escape(name_) << " (" << html_escape(fabric_)
    << "): " << html_escape(description_) << "</caption>\n<tr><th>state</th>";
  for (Event e : events_) o << "<th title=\"" << html_escape(describe(e)) << "\">" << cohsim::name(e) << "</th>";
  o << "</tr>\n";
  for (std::size_t st = 0; st < states_.size(); ++st) {
    const StateInfo& info = states_[st];
    o << "<tr class=\"" << (info.stable ? "stable" : "transient") << "\"><th title=\""
      << html_escape(info.description) << (info.stable ? "" : " (transient)") << "\">" << html_escape(info.name)
      << "</th>";
    for (Event e : events_) {
      const Cell& c = cell(std::uint8_t(st), e);
      std::string cls = c.kind == CellKind::Stall ? "stall" : c.kind == CellKind::Impossible ? "impossible" : "do";
      if (c.kind == CellKind::Do) {
        if (c.next == st) cls += " same";
        else if (!states_[c.next].stable) cls += " to-transient";
        else cls += " to-stable";
      }
      o << "<td class=\"" << cls << "\" title=\"" << html_escape(cell_hover(*this, std::uint8_t(st), e)) << "\">"
        << html_escape(cell_text(*this, std::uint8_t(st), e)) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string protocol_html_page(const std::vector<const ProtocolTable*>& tables) {
  std::ostringstream o;
  std::string title;
  for (const ProtocolTable* t : tables) title += (title.empty() ? "" : " + ") + t->name() + " (" + t->fabric() + ")";
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title)
    << " - cohsim protocol table</title>\n"
       "<style>\n"
       "body { font-family: system-ui, sans-serif; font-size: 18px; margin: 1.5em; color: #1a1a1a; }\n"
       "table.cohsim-protocol { border-collapse: collapse; margin: 1em 0 2em; }\n"
       "table.cohsim-protocol caption { text-align: left; font-size: 1.2em; font-weight: 600; padding: 0.4em 0; }\n"
       "table.cohsim-protocol th, table.cohsim-protocol td { border: 1px solid #999; padding: 0.3em 0.5em; "
       "font-size: 0.9em; }\n"
       "table.cohsim-protocol th { background: #eef0f4; }\n"
       "tr.transient th { background: #fff4d6; font-style: italic; }\n"
       "td.do.to-stable { background: #d9f2d9; }\n"
       "td.do.to-transient { background: #d6e6ff; }\n"
       "td.do.same { background: #ffffff; }\n"
       "td.stall { background: #f8c9c9; color: #8a0000; font-weight: 600; text-align: center; }\n"
       "td.impossible { background: repeating-linear-gradient(45deg, #e4e4e4, #e4e4e4 4px, #f4f4f4 4px, "
       "#f4f4f4 8px); }\n"
       "td[title]:hover, th[title]:hover { outline: 2px solid #333; cursor: help; }\n"
       ".legend span { display: inline-block; border: 1px solid #999; padding: 0.2em 0.6em; margin: 0 0.4em "
       "0.4em 0; }\n"
       "</style>\n</head>\n<body>\n<h1>"
    << html_escape(title)
    << "</h1>\n"
       "<p class=\"legend\">"
       "<span class=\"do to-stable\" style=\"background:#d9f2d9\">actions /next stable state</span>"
       "<span class=\"do to-transient\" style=\"background:#d6e6ff\">actions /next transient state</span>"
       "<span class=\"do same\">actions, state unchanged</span>"
       "<span class=\"stall\" style=\"background:#f8c9c9;color:#8a0000\">stall: the event waits</span>"
       "<span class=\"impossible\" style=\"background:#e4e4e4\">cannot happen</span>"
       "<span style=\"background:#fff4d6;font-style:italic\">transient state (row)</span></p>\n"
       "<p>Rows are the line's states, columns the events a controller reacts to. Hover over a cell for what it "
       "does, over a state or an event for its meaning, over an empty cell for why it cannot happen. This is "
       "the table the simulator executes (<code>cohsim protocol show</code>).</p>\n";
  for (const ProtocolTable* t : tables) o << t->to_html();
  o << "</body>\n</html>\n";
  return o.str();
}

std::string ProtocolTable::to_dot() const {
  // Every stable state, and every event handled in it: to the stable state it leads
  // to, through the transient states it passes (our own request being ordered, our
  // data arriving), folded into the edge. Core events solid, fabric events dashed.
  std::ostringstream o;
  const bool home = is_home_fabric(fabric_);
  o << "digraph \"" << dot_escape(name_) << "\" {\n  rankdir=LR;\n  node [shape=circle, fontname=\"Helvetica\"];\n"
    << "  edge [fontname=\"Helvetica\", fontsize=10];\n"
    << "  label=\"" << dot_escape(name_ + " (" + fabric_ + ")")
    << (home ? "\\nevery edge is a message reaching the directory"
             : "\\nsolid: the core's own events (Load, Store, Replacement)\\ndashed: events from the fabric "
               "(other caches' requests, forwards, invalidations)")
    << "\";\n  labelloc=t;\n";
  for (auto& st : states_)
    if (st.stable) o << "  \"" << dot_escape(st.name) << "\" [tooltip=\"" << dot_escape(st.description) << "\"];\n";
  // (from, to, dashed) -> labels, in the order met
  std::map<std::tuple<std::string, std::string, bool>, std::vector<std::string>> edges;
  std::vector<std::tuple<std::string, std::string, bool>> order;
  auto add = [&](const std::string& from, const std::string& to, bool dashed, const std::string& label) {
    auto k = std::make_tuple(from, to, dashed);
    auto& v = edges[k];
    if (v.empty()) order.push_back(k);
    if (std::find(v.begin(), v.end(), label) == v.end()) v.push_back(label);
  };
  for (std::size_t st = 0; st < states_.size(); ++st) {
    if (!states_[st].stable) continue;
    for (Event e : events_) {
      const Cell& c = cell(std::uint8_t(st), e);
      if (c.kind != CellKind::Do) continue;
      // An invalid line that ignores what it sees on the fabric draws nothing.
      if (st == 0 && c.next == 0 && c.num_actions == 0) continue;
      const bool dashed = !home && !core_side(e);
      const std::string label = edge_label(*this, std::uint8_t(st), e);
      if (states_[c.next].stable) {
        add(states_[st].name, states_[c.next].name, dashed, label);
        continue;
      }
      // Every way out of the transient states it passes through, by our own request
      // being ordered and our data (or acks) arriving: the last of those events says
      // which stable state is reached ("Load/GetS (Data-Excl)").
      std::function<void(std::uint8_t, Event, int)> walk = [&](std::uint8_t at, Event last, int depth) {
        if (states_[at].stable) {
          add(states_[st].name, states_[at].name, dashed, label + " (" + cohsim::name(last) + ")");
          return;
        }
        if (depth > 6) return;
        for (Event f : events_) {
          if (!is_own(f) && !is_completion(f)) continue;
          const Cell& d = cell(at, f);
          if (d.kind == CellKind::Do && d.next != at) walk(d.next, f, depth + 1);
        }
      };
      walk(c.next, e, 0);
    }
  }
  for (auto& k : order) {
    std::string l;
    for (auto& x : edges[k]) l += (l.empty() ? "" : "\\n") + dot_escape(x);
    o << "  \"" << dot_escape(std::get<0>(k)) << "\" -> \"" << dot_escape(std::get<1>(k)) << "\" [label=\"" << l
      << "\"" << (std::get<2>(k) ? ", style=dashed" : "") << "];\n";
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
  if (!named && !is_home_fabric(t->fabric()))
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
  std::string home_fabric = kHomeFabric;
  if (fabric == kHomeFabric) fabric = "directory", home_only = true;
  if (fabric == kSparseHomeFabric) fabric = "directory", home_only = true, home_fabric = kSparseHomeFabric;
  if (fabric != "bus" && fabric != kSplitBusFabric && fabric != "directory")
    throw UserError("fabric '" + fabric + "': valid fabrics are bus, " + kSplitBusFabric + ", directory, " +
                    kHomeFabric + ", " + kSparseHomeFabric);
  if (home_only && fabric != "directory") throw UserError("only a directory has a home table: use fabric directory");
  const ProtocolTable* t = find_protocol(name, home_only ? home_fabric : fabric);
  if (!t) throw UserError(no_such_protocol(name, home_only ? home_fabric : fabric));
  static const char* kFormats = "valid formats are text, md, csv, html, dot, svg, png";
  if (format != "text" && format != "md" && format != "csv" && format != "html" && format != "dot" &&
      format != "svg" && format != "png")
    throw UserError("format '" + format + "': " + kFormats);
  const bool both = !home_only && fabric == "directory" && (format == "text" || format == "md" || format == "html");
  if (format == "html") {
    std::vector<const ProtocolTable*> shown{t};
    if (both) shown.push_back(find_protocol(name, kHomeFabric));
    return protocol_html_page(shown);
  }
  if (format == "svg" || format == "png") return render_graphviz(t->to_dot(), format);
  std::string out;
  for (const ProtocolTable* x : {t, both ? find_protocol(name, kHomeFabric) : nullptr}) {
    if (!x) continue;
    if (x != t) out += "\n";
    if (format == "text") out += x->to_text();
    else if (format == "md") out += x->to_markdown();
    else if (format == "csv") out += x->to_csv();
    else out += x->to_dot();
  }
  return out;
}

std::string render_graphviz(const std::string& dot, const std::string& format) {
  // Graphviz's `dot` reads the graph from a private temporary file and writes the
  // image to a pipe; nothing is written where the user did not ask.
  std::string dot_path;
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    for (std::size_t b = 0; b <= dirs.size();) {
      std::size_t e = dirs.find(':', b);
      if (e == std::string::npos) e = dirs.size();
      const std::string cand = (e > b ? dirs.substr(b, e - b) : std::string(".")) + "/dot";
      if (access(cand.c_str(), X_OK) == 0) {
        dot_path = cand;
        break;
      }
      b = e + 1;
    }
  }
  if (dot_path.empty())
    throw UserError("--format " + format +
                    " needs Graphviz's `dot` program, which is not installed: install the Debian package graphviz "
                    "(apt-get install graphviz), or use --format dot and render it elsewhere");
  const TempFile input("--format " + format + ": Graphviz's input", ".dot");
  const std::string& in_path = input.path();
  {
    std::ofstream f(in_path);
    f << dot;
    if (!f) throw UserError("cannot write the temporary file " + in_path);
  }
  int pipefd[2];
  if (pipe(pipefd) != 0) throw UserError("cannot run Graphviz: no pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  posix_spawn_file_actions_addclose(&fa, pipefd[1]);
  const std::string tflag = "-T" + format;
  std::vector<char*> argv{const_cast<char*>("dot"), const_cast<char*>(tflag.c_str()),
                          const_cast<char*>(in_path.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, dot_path.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    throw UserError("cannot run " + dot_path);
  }
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, std::size_t(n));
  }
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty())
    throw UserError(dot_path + " -T" + format + " failed (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  return out;
}

std::string no_such_protocol(const std::string& name, const std::string& fabric) {
  std::vector<std::string> names, elsewhere;
  for (auto* p : registry()) {
    if (p->fabric() == fabric) names.push_back(p->name());
    else if (p->name() == name && !is_home_fabric(p->fabric())) elsewhere.push_back(p->fabric());
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
