#include "sim/base/event_log.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <systemc>

#include "sim/base/error.hpp"

namespace cohsim {

namespace {
std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
// Picoseconds: an integer when the time is a whole number of them (every clock here).
nlohmann::json picoseconds(Tick t) {
  constexpr Tick kPerPs = kTicksPerNs / 1000;
  if (t % kPerPs == 0) return t / kPerPs;
  return double(t) / double(kPerPs);
}
}  // namespace

EventLog::~EventLog() {
  if (!file_) return;
  try {
    finish();
  } catch (...) {
  }
  std::fclose(file_);
}

void EventLog::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw UserError(path + ": cannot write the event log: " + std::strerror(errno));
  path_ = path;
  recs_.reserve(kWindow);
}

int EventLog::add_agent(const std::string& name, const std::string& kind, const char* clock, Tick period) {
  agents_.push_back({name, kind, clock, period});
  return int(agents_.size()) - 1;
}

void EventLog::map_bus_client(int client, int agent) {
  if (std::size_t(client) >= bus_agent_.size()) bus_agent_.resize(std::size_t(client) + 1, -1);
  bus_agent_[std::size_t(client)] = agent;
}

void EventLog::map_net_endpoint(int endpoint, int agent) {
  if (std::size_t(endpoint) >= net_agent_.size()) net_agent_.resize(std::size_t(endpoint) + 1, -1);
  net_agent_[std::size_t(endpoint)] = agent;
}

void EventLog::add_symbol(const std::string& name, Addr a) {
  symbols_[a] = nlohmann::json(name).dump();
  std::string& s = line_names_[a / line_size_ * line_size_];
  s += s.empty() ? name : "," + name;
  line_symbols_[a / line_size_ * line_size_] = nlohmann::json(s).dump();
}

void EventLog::write_header(const nlohmann::json& extra) {
  nlohmann::json h = nlohmann::json::object();
  h["schema"] = 2;
  h["kind"] = "header";
  h["time_unit"] = "ps";
  h["line_size"] = line_size_;
  nlohmann::json agents = nlohmann::json::array();
  for (const Agent& a : agents_)
    agents.push_back({{"name", a.name}, {"kind", a.kind}, {"clock", a.clock}, {"period_ps", picoseconds(a.period)}});
  h["agents"] = std::move(agents);
  nlohmann::json syms = nlohmann::json::object();
  for (const auto& [a, n] : symbols_) syms[nlohmann::json::parse(n).get<std::string>()] = hex(a);
  h["symbols"] = std::move(syms);
  for (auto it = extra.begin(); it != extra.end(); ++it) h[it.key()] = it.value();
  const std::string s = h.dump();
  std::fputs(s.c_str(), file_);
  std::fputc('\n', file_);
}

void EventLog::final_registers(Tick t, int agent, const std::vector<std::string>& names,
                               const std::vector<std::uint64_t>& v) {
  nlohmann::json regs = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size() && i < v.size(); ++i) regs[names[i]] = v[i];
  regs_text_.push_back(regs.dump());
  Rec& r = push(t, Kind::FinalRegs, agent);
  r.value = regs_text_.size() - 1;
}

// Formatting: the keys are fixed ASCII; every name goes through nlohmann-json's escaping
// once (cached by its pointer, since names are the tables' own strings) and numbers
// through std::to_chars. The records are simple enough that building a json object per
// record (what this did first) cost 10x the simulation.
const std::string& EventLog::quoted(const char* s) {
  auto it = quoted_.find(s);
  if (it != quoted_.end()) return it->second;
  return quoted_.emplace(s, nlohmann::json(std::string(s)).dump()).first->second;
}

const std::string& EventLog::quoted_agent(int agent) {
  static const std::string unknown = "\"?\"";
  if (agent < 0 || std::size_t(agent) >= agents_.size()) return unknown;
  Agent& a = agents_[std::size_t(agent)];
  if (a.quoted.empty()) a.quoted = nlohmann::json(a.name).dump();
  return a.quoted;
}

namespace {
void put_u(std::string& o, std::uint64_t v) {
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v);
  o.append(b, r.ptr);
}
void put_hex(std::string& o, std::uint64_t v) {
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v, 16);
  o += "\"0x";
  o.append(b, r.ptr);
  o += '"';
}
void put_ps(std::string& o, Tick t) {
  constexpr Tick kPerPs = kTicksPerNs / 1000;
  put_u(o, t / kPerPs);
  if (const Tick f = t % kPerPs) {  // fractions of a picosecond: three decimals
    char b[8];
    std::snprintf(b, sizeof b, ".%03u", unsigned(f));
    o += b;
  }
}
}  // namespace

void EventLog::write(const Rec& r) {
  std::string& o = out_;
  auto key = [&](const char* k) {
    o += ",\"";
    o += k;
    o += "\":";
  };
  o += "{\"time_ps\":";
  put_ps(o, r.t);
  const int clock_agent =
      r.kind == Kind::BusAddress || r.kind == Kind::BusData || r.kind == Kind::NetSend || r.kind == Kind::NetArrive
          ? fabric_agent_
          : r.agent;
  if (clock_agent >= 0 && std::size_t(clock_agent) < agents_.size()) {
    const Agent& a = agents_[std::size_t(clock_agent)];
    o += ",\"";
    o += a.clock;
    o += "_cycle\":";
    put_u(o, r.t / a.period);
  }
  auto line_fields = [&](Addr line_addr) {
    key("line");
    put_hex(o, line_addr);
    auto it = line_symbols_.find(line_addr);
    if (it != line_symbols_.end()) key("symbol"), o += it->second;
  };
  auto data_field = [&] {
    if (r.data < 0) return;
    key("data");
    o += '[';
    for (unsigned k = 0; k + 8 <= line_size_; k += 8) {
      std::uint64_t w;
      std::memcpy(&w, pool_.data() + r.data + k, 8);
      if (k) o += ',';
      put_u(o, w);
    }
    o += ']';
  };
  auto name_of = [&](int client, bool net) -> const std::string& {
    static const std::string memory = "\"memory\"", sharers = "\"sharers\"", none = "null";
    if (client == kMemory && !net) return memory;
    if (client == kSharers) return sharers;
    if (client == kNone) return none;
    const std::vector<int>& map = net ? net_agent_ : bus_agent_;
    return quoted_agent(client >= 0 && std::size_t(client) < map.size() ? map[std::size_t(client)] : -1);
  };
  auto access_fields = [&] {
    key("agent"), o += quoted_agent(r.agent);
    key("addr"), put_hex(o, r.addr);
    auto it = symbols_.find(r.addr);
    if (it != symbols_.end()) key("symbol"), o += it->second;
    else {
      auto lt = line_symbols_.find(r.addr / line_size_ * line_size_);
      if (lt != line_symbols_.end()) key("line_symbol"), o += lt->second;
    }
    key("size"), put_u(o, r.size);
    key("trace_line"), put_u(o, r.tline);
  };
  auto kind = [&](const char* k) { key("kind"), o += '"', o += k, o += '"'; };
  switch (r.kind) {
    case Kind::Cell:
      kind("cell");
      key("agent"), o += quoted_agent(r.agent);
      line_fields(r.addr);
      key("state"), o += quoted(r.a);
      key("event"), o += quoted(r.b);
      key("actions"), o += quoted(r.c);
      key("next"), o += quoted(r.d);
      if (r.flag) key("stall"), o += "true";
      if (r.tline) key("trace_line"), put_u(o, r.tline);
      break;
    case Kind::BusAddress:
      kind("bus");
      key("phase"), o += "\"address\"";
      key("msg"), o += quoted(r.a);
      key("src"), o += name_of(r.other, false);
      line_fields(r.addr);
      key("supplier"), o += name_of(r.supplier, false);
      key("shared"), o += r.flag ? "true" : "false";
      key("txn"), put_u(o, r.value);
      break;
    case Kind::BusData:
      kind("bus");
      key("phase"), o += "\"data\"";
      key("msg"), o += quoted(r.a);
      key("dst"), o += name_of(r.other, false);
      line_fields(r.addr);
      key("supplier"), o += name_of(r.supplier, false);
      key("exclusive"), o += r.flag ? "true" : "false";
      key("txn"), put_u(o, r.value);
      data_field();
      break;
    case Kind::NetSend:
    case Kind::NetArrive:
      kind("net");
      key("phase"), o += r.kind == Kind::NetSend ? "\"send\"" : "\"arrive\"";
      key("msg"), o += quoted(r.a);
      key("src"), o += name_of(r.other, true);
      key("dst"), o += name_of(r.supplier, true);
      key("vnet"), o += quoted(r.b);
      line_fields(r.addr);
      if (r.value) key("acks"), put_u(o, r.value);
      data_field();
      break;
    case Kind::Load:
      kind("load");
      access_fields();
      key("value"), put_u(o, r.value);
      key("from"), o += r.flag ? "\"store_buffer\"" : "\"cache\"";
      break;
    case Kind::StoreEnter:
    case Kind::StoreLeave:
      kind(r.kind == Kind::StoreEnter ? "store_enter" : "store_leave");
      access_fields();
      key("value"), put_u(o, r.value);
      break;
    case Kind::Rmw:
      kind("rmw");
      access_fields();
      key("value"), put_u(o, r.value);
      key("written"), put_u(o, r.value2);
      key("wrote"), o += r.flag ? "true" : "false";
      break;
    case Kind::Fence:
      kind("fence");
      key("agent"), o += quoted_agent(r.agent);
      key("what"), o += quoted(r.a);
      key("trace_line"), put_u(o, r.tline);
      break;
    case Kind::FinalLine:
      kind("final");
      key("agent"), o += quoted_agent(r.agent);
      line_fields(r.addr);
      key("state"), o += quoted(r.a);
      data_field();
      break;
    case Kind::FinalRegs:
      kind("final_registers");
      key("agent"), o += quoted_agent(r.agent);
      key("registers"), o += regs_text_[r.value];
      break;
  }
  o += "}\n";
  if (o.size() >= (1u << 20)) {
    std::fwrite(o.data(), 1, o.size(), file_);
    o.clear();
  }
}

void EventLog::flush(bool all) {
  // Every later record is stamped at or after the current time: what is older may go.
  const Tick now = all ? ~Tick(0) : Tick(sc_core::sc_time_stamp().value());
  std::sort(recs_.begin(), recs_.end(), [](const Rec& x, const Rec& y) { return x.t != y.t ? x.t < y.t : x.seq < y.seq; });
  std::size_t n = 0;
  while (n < recs_.size() && recs_[n].t < now) {
    write(recs_[n]);
    written_until_ = recs_[n].t;
    ++n;
  }
  recs_.erase(recs_.begin(), recs_.begin() + std::ptrdiff_t(n));
  if (all || recs_.empty()) {
    pool_.clear();
  } else {  // keep the data of the records still buffered
    std::vector<std::uint8_t> kept;
    for (Rec& r : recs_)
      if (r.data >= 0) {
        const std::int64_t at = std::int64_t(kept.size());
        kept.insert(kept.end(), pool_.begin() + r.data, pool_.begin() + r.data + line_size_);
        r.data = at;
      }
    pool_.swap(kept);
  }
  window_ = recs_.size() + kWindow;  // what is stamped in the future waits for the next window
}

void EventLog::finish() {
  if (!file_) return;
  flush(true);
  std::fwrite(out_.data(), 1, out_.size(), file_);
  out_.clear();
  std::fflush(file_);
}

}  // namespace cohsim
