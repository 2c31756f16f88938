// A coherence protocol is data: one table of (state, event) -> (actions, next state)
// in the style of Sorin, Hill and Wood's Primer, with stable and transient states.
// One generic controller (private_cache.hpp) executes any table; the same object
// prints itself for a class and names the per-cell statistics.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace cohsim {

// Events a cache controller reacts to. Core-side events first, then what it
// observes on the fabric. A protocol uses the subset it needs.
enum class Event : std::uint8_t {
  Load,         // the core reads the line
  Store,        // the core writes the line (store-buffer drain or atomic RMW)
  Replacement,  // the line is chosen as a victim
  OwnGetS,      // our own GetS is ordered on the bus
  OwnGetM,
  OwnPutM,
  OwnUpd,       // our own update (Dragon's BusUpd) is ordered; other caches share the line
  OwnUpdAlone,  // ... and no other cache holds the line any more
  OtherGetS,    // another cache's GetS is ordered on the bus
  OtherGetM,
  OtherPutM,
  OtherUpd,       // another cache's update is ordered: the new data comes with it
  Data,           // the data response for our request arrives (other caches share the line)
  DataExclusive,  // ... and no other cache holds the line (a protocol without E reads it as Data)
  // A cache on a directory (the Primer, chapter 8): what the network brings it.
  FwdGetS,     // the directory forwards another cache's GetS to us, the owner
  FwdGetM,     // ... another cache's GetM
  Inv,         // the directory invalidates our shared copy for a writer (we answer Inv-Ack to it)
  PutAck,      // the directory has taken our Put
  DataAck0,    // data for our request, from the directory or the owner, no invalidation acks to wait for
  DataAcks,    // ... with acks still to come from the sharers
  InvAck,      // a sharer acknowledges an invalidation for our GetM (not the last one)
  LastInvAck,  // ... the last one we wait for
  AckCount0,   // the directory answers our owner upgrade (MOESI O->M): no sharers to wait for
  AckCountN,   // ... with sharers' acks to wait for
  // The directory (the home of a line) and what reaches it.
  DirGetS,       // a GetS from a cache
  DirGetM,       // a GetM from a cache that is not the owner
  DirGetMOwner,  // a GetM from the owner itself (MOESI's O->M upgrade)
  PutSNotLast,   // a PutS, and other sharers remain (or the sender is not a sharer)
  PutSLast,      // a PutS from the last sharer
  PutMOwner,     // a PutM with data from the owner
  PutEOwner,     // a PutE (clean, no data) from the owner
  PutOOwner,     // a PutO with data from the owner
  PutNonOwner,   // a PutM, PutE or PutO from a cache that is no longer the owner
  OwnerData,     // the old owner's copy of the line, after a forwarded GetS
  // A sparse directory (directory.entries) recalls a line to free its entry for another.
  Recall,         // the directory chose this line's entry as the victim for a new line
  RecallAck,      // a sharer's Inv-Ack for the recall, more acks to come
  LastRecallAck,  // ... the last Inv-Ack the recall awaits
  RecallData,     // the owner's data (its writeback) for the recall
  // A cache's own prefetcher asks for a line. No protocol declares it: every table
  // gets the controller's default rule (ProtocolTable's constructor), so the printed
  // tables and their per-cell statistics do not show it.
  Prefetch,
  kCount
};
constexpr int kNumEvents = int(Event::kCount);
const char* name(Event e);
const char* describe(Event e);  // one line: what the event is
inline bool is_own(Event e) { return e >= Event::OwnGetS && e <= Event::OwnUpdAlone; }
inline bool is_other(Event e) { return e >= Event::OtherGetS && e <= Event::OtherUpd; }
inline bool is_data(Event e) {
  return e == Event::Data || e == Event::DataExclusive || e == Event::DataAck0 || e == Event::DataAcks;
}
// Events that move a directory cache out of a transient state towards a stable one.
inline bool is_completion(Event e) {
  return is_data(e) || e == Event::LastInvAck || e == Event::AckCount0 || e == Event::AckCountN || e == Event::PutAck ||
         e == Event::OwnerData;
}
inline bool is_dir_side(Event e) { return e >= Event::DirGetS && e <= Event::RecallData; }

// Actions the generic controller knows how to perform.
enum class Action : std::uint8_t {
  None,
  IssueGetS,        // request the line for reading
  IssueGetM,        // request the line for writing (also from S: an upgrade)
  IssuePutM,        // write the dirty line back (evicting it)
  SendDataToReq,    // supply the line to the requester (cache-to-cache)
  SendDataToMem,    // write the line to the memory side
  LoadHit,          // the waiting load completes
  StoreHit,         // the waiting store completes
  IssueUpd,         // broadcast the store to the sharers (Dragon's BusUpd) instead of invalidating
  ApplyUpdate,      // take the data another cache's update carries
  OwnDataSuffices,  // our own copy is up to date: our GetM needs no data response
  // The split-transaction bus: a cache that is the owner-to-be (its own GetM ordered,
  // its data not yet here) answers a later request once its data has arrived. In a
  // Data cell, SendDataToReq / SendDataToMem then send to the requesters recorded here.
  DeferDataToReq,  // record the requester: it gets the line from us after our data arrives
  DeferDataToMem,  // ... and memory waits for our copy (it answers no request for the line until then)
  // A cache on a directory.
  IssuePutS,      // tell the directory we drop a shared copy
  IssuePutE,      // ... a clean exclusive copy (no data)
  IssuePutO,      // ... an owned copy (with its data)
  SendDataToDir,  // send our copy to the directory (the memory is updated)
  SendInvAck,     // acknowledge an invalidation to the cache that asked for it
  // The directory.
  DirSendData,       // send the line from memory to the requester (with the count of acks it must await)
  DirSendExclusive,  // ... as exclusive data (no other cache holds it)
  FwdGetSToOwner,    // forward the GetS to the owner, which answers the requester
  FwdGetMToOwner,    // forward the GetM to the owner (with the count of acks the requester must await)
  InvToSharers,      // send Inv to every sharer but the requester
  SendAckCount,      // tell the owner asking to upgrade how many acks to await
  SendPutAck,        // acknowledge a Put
  AddReqToSharers,
  AddOwnerToSharers,
  RemoveReqFromSharers,
  ClearSharers,
  SetOwnerToReq,
  ClearOwner,
  CopyDataToMemory,
  // A sparse directory's recall: the directory itself is the requester of the
  // invalidations and of the owner's data.
  RecallSharers,  // send Inv to every sharer; their Inv-Acks come back to the directory
  RecallOwner,    // send Fwd-GetM to the owner; it sends its data back to the directory and drops the line
  kCount
};
const char* name(Action a);
const char* describe(Action a);

enum class Permission : std::uint8_t { None, Read, Write };

struct StateInfo {
  std::string name;
  std::string description;
  bool stable;
  Permission permission;  // what the core may do in this state
};

enum class CellKind : std::uint8_t { Impossible, Stall, Do };

constexpr int kMaxActions = 5;

struct Cell {
  CellKind kind = CellKind::Impossible;
  std::array<Action, kMaxActions> actions{};
  std::uint8_t num_actions = 0;
  std::uint8_t next = 0;  // next state index
  std::string why;        // for Impossible cells: why the event cannot happen here
};

// A row as written in a protocol file: a state, one or more events, and either the
// actions and next state, or "stall".
struct Row {
  std::string state;
  std::vector<Event> events;
  std::vector<Action> actions;
  std::string next;  // "" = stay in the same state
  bool stall = false;
};
Row row(std::string state, std::initializer_list<Event> events, std::initializer_list<Action> actions,
        std::string next = "");
Row stall(std::string state, std::initializer_list<Event> events);

class ProtocolTable {
 public:
  // Validates the rows (known states, one row per cell, stable states first) and
  // compiles them into a dense (state, event) array. Throws std::logic_error on a
  // malformed table: the tables are code, checked by a test at start-up.
  ProtocolTable(std::string name, std::string fabric, std::string description, std::vector<StateInfo> states,
                std::vector<Event> events, std::vector<Row> rows,
                std::vector<std::pair<std::string, std::string>> unreachable = {});

  const std::string& name() const { return name_; }
  const std::string& fabric() const { return fabric_; }
  const std::string& description() const { return description_; }
  const std::vector<StateInfo>& states() const { return states_; }
  const std::vector<Event>& events() const { return events_; }
  int num_states() const { return int(states_.size()); }
  std::uint8_t state_index(const std::string& s) const;  // throws std::logic_error
  const Cell& cell(std::uint8_t state, Event e) const { return cells_[state * kNumEvents + int(e)]; }
  bool uses(Event e) const { return used_[int(e)]; }
  // A cell's actions as text, joined by ", " ("issue GetM"; "stall" for a stall cell).
  const char* actions_text(std::uint8_t state, Event e) const { return action_text_[state * kNumEvents + int(e)].c_str(); }
  std::uint8_t invalid() const { return 0; }  // state 0 is always I

  // Printing for a class: the executed table as text, markdown, csv.
  std::string to_text() const;
  std::string to_markdown() const;
  std::string to_csv() const;
  std::string to_html() const;
  // Graphviz: the stable states and the transitions between them (transient
  // states folded into the edge that passes through them).
  std::string to_dot() const;

 private:
  std::string name_, fabric_, description_;
  std::vector<StateInfo> states_;
  std::vector<Event> events_;
  std::vector<Cell> cells_;
  std::vector<std::string> action_text_;
  std::array<bool, kNumEvents> used_{};
};

// The fabric name of the split-transaction bus's tables (`bus.transactions: split`);
// "bus" names the atomic bus's.
inline constexpr const char* kSplitBusFabric = "bus-split";

// Registry of protocol tables by (name, fabric). A directory protocol registers its
// caches' table (fabric "directory") and its home's table (fabric "directory-home").
void register_protocol(const ProtocolTable* t);
const ProtocolTable* find_protocol(const std::string& name, const std::string& fabric);
std::vector<const ProtocolTable*> all_protocols();
inline constexpr const char* kHomeFabric = "directory-home";
// A sparse directory's home table (directory.entries not unlimited): the full-map
// home's rows plus the recall rows (the Recall event and the states that wait for
// its acks and data).
inline constexpr const char* kSparseHomeFabric = "directory-sparse-home";
inline bool is_home_fabric(const std::string& f) { return f == kHomeFabric || f == kSparseHomeFabric; }
// The message for a (name, fabric) with no table: the valid names on that fabric,
// and where the name runs if it runs elsewhere.
std::string no_such_protocol(const std::string& name, const std::string& fabric);
// What `cohsim protocol show` prints (and Python's protocol_table returns): the
// table in `format` (text, md, csv, html: a whole page, dot, svg/png: Graphviz). On a directory, text, md and html
// show the caches' table and then the home's; csv and dot the caches'. `home_only`
// (or the fabric "directory-home") shows only the home's. UserError on a bad name,
// fabric or format.
// The table as JSON for the event log's header and the classroom view: its states
// (name, stable, permission), its events, and every cell that is not impossible
// ({state, event, kind: do|stall, actions, next}).
std::string protocol_json(const ProtocolTable& t);
std::string show_protocol(const std::string& name, const std::string& fabric, const std::string& format,
                          bool home_only);
// A complete, styled HTML page (legend, hover text on every cell) of the tables.
std::string protocol_html_page(const std::vector<const ProtocolTable*>& tables);
// Graphviz's `dot` run on a graph: the image as `format` (svg, png). UserError
// naming the Debian package when Graphviz is not installed.
std::string render_graphviz(const std::string& dot, const std::string& format);

#define COHSIM_REGISTER_PROTOCOL(VAR)                       \
  static const bool cohsim_registered_protocol_##VAR = [] { \
    ::cohsim::register_protocol(&VAR());                    \
    return true;                                            \
  }()

}  // namespace cohsim
