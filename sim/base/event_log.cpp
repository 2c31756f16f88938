#include "sim/base/event_log.hpp"

#include <algorithm>
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
  symbols_[a] = name;
  std::string& s = line_symbols_[a / line_size_ * line_size_];
  s += s.empty() ? name : "," + name;
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
  for (const auto& [a, n] : symbols_) syms[n] = hex(a);
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

std::string EventLog::agent_name(int agent) const {
  return agent >= 0 && std::size_t(agent) < agents_.size() ? agents_[std::size_t(agent)].name : "?";
}
std::string EventLog::client_name(int client) const {
  if (client == kMemory) return "memory";
  if (client == kSharers) return "sharers";
  if (client >= 0 && std::size_t(client) < bus_agent_.size()) return agent_name(bus_agent_[std::size_t(client)]);
  return "?";
}
std::string EventLog::endpoint_name(int ep) const {
  if (ep >= 0 && std::size_t(ep) < net_agent_.size()) return agent_name(net_agent_[std::size_t(ep)]);
  return "?";
}

void EventLog::add_common(nlohmann::json& j, const Rec& r, int clock_agent) const {
  j["time_ps"] = picoseconds(r.t);
  if (clock_agent >= 0 && std::size_t(clock_agent) < agents_.size()) {
    const Agent& a = agents_[std::size_t(clock_agent)];
    j[std::string(a.clock) + "_cycle"] = r.t / a.period;
  }
}

void EventLog::write(const Rec& r) {
  nlohmann::json j = nlohmann::json::object();
  auto line_fields = [&](Addr line_addr) {
    j["line"] = hex(line_addr);
    auto it = line_symbols_.find(line_addr);
    if (it != line_symbols_.end()) j["symbol"] = it->second;
  };
  auto data_field = [&] {
    if (r.data < 0) return;
    nlohmann::json words = nlohmann::json::array();
    for (unsigned k = 0; k + 8 <= line_size_; k += 8) {
      std::uint64_t w;
      std::memcpy(&w, pool_.data() + r.data + k, 8);
      words.push_back(w);
    }
    j["data"] = std::move(words);
  };
  auto access_fields = [&] {
    j["agent"] = agent_name(r.agent);
    j["addr"] = hex(r.addr);
    auto it = symbols_.find(r.addr);
    if (it != symbols_.end()) j["symbol"] = it->second;
    else {
      auto lt = line_symbols_.find(r.addr / line_size_ * line_size_);
      if (lt != line_symbols_.end()) j["line_symbol"] = lt->second;
    }
    j["size"] = r.size;
    j["trace_line"] = r.tline;
  };
  switch (r.kind) {
    case Kind::Cell:
      add_common(j, r, r.agent);
      j["kind"] = "cell";
      j["agent"] = agent_name(r.agent);
      line_fields(r.addr);
      j["state"] = r.a;
      j["event"] = r.b;
      j["actions"] = r.c;
      j["next"] = r.d;
      if (r.flag) j["stall"] = true;
      if (r.tline) j["trace_line"] = r.tline;
      break;
    case Kind::BusAddress:
      add_common(j, r, fabric_agent_);
      j["kind"] = "bus";
      j["phase"] = "address";
      j["msg"] = r.a;
      j["src"] = client_name(r.other);
      line_fields(r.addr);
      j["supplier"] = r.supplier == kNone ? nlohmann::json(nullptr) : nlohmann::json(client_name(r.supplier));
      j["shared"] = r.flag;
      j["txn"] = r.value;
      break;
    case Kind::BusData:
      add_common(j, r, fabric_agent_);
      j["kind"] = "bus";
      j["phase"] = "data";
      j["msg"] = r.a;
      j["dst"] = client_name(r.other);
      line_fields(r.addr);
      j["supplier"] = r.supplier == kNone ? nlohmann::json(nullptr) : nlohmann::json(client_name(r.supplier));
      j["exclusive"] = r.flag;
      j["txn"] = r.value;
      data_field();
      break;
    case Kind::NetSend:
    case Kind::NetArrive:
      add_common(j, r, fabric_agent_);
      j["kind"] = "net";
      j["phase"] = r.kind == Kind::NetSend ? "send" : "arrive";
      j["msg"] = r.a;
      j["src"] = endpoint_name(r.other);
      j["dst"] = endpoint_name(r.supplier);
      j["vnet"] = r.b;
      line_fields(r.addr);
      if (r.value) j["acks"] = r.value;
      data_field();
      break;
    case Kind::Load:
      add_common(j, r, r.agent);
      j["kind"] = "load";
      access_fields();
      j["value"] = r.value;
      j["from"] = r.flag ? "store_buffer" : "cache";
      break;
    case Kind::StoreEnter:
    case Kind::StoreLeave:
      add_common(j, r, r.agent);
      j["kind"] = r.kind == Kind::StoreEnter ? "store_enter" : "store_leave";
      access_fields();
      j["value"] = r.value;
      break;
    case Kind::Rmw:
      add_common(j, r, r.agent);
      j["kind"] = "rmw";
      access_fields();
      j["value"] = r.value;
      j["written"] = r.value2;
      j["wrote"] = r.flag;
      break;
    case Kind::Fence:
      add_common(j, r, r.agent);
      j["kind"] = "fence";
      j["agent"] = agent_name(r.agent);
      j["what"] = r.a;
      j["trace_line"] = r.tline;
      break;
    case Kind::FinalLine:
      add_common(j, r, r.agent);
      j["kind"] = "final";
      j["agent"] = agent_name(r.agent);
      line_fields(r.addr);
      j["state"] = r.a;
      data_field();
      break;
    case Kind::FinalRegs:
      add_common(j, r, r.agent);
      j["kind"] = "final_registers";
      j["agent"] = agent_name(r.agent);
      j["registers"] = nlohmann::json::parse(regs_text_[r.value]);
      break;
  }
  const std::string s = j.dump();
  std::fwrite(s.data(), 1, s.size(), file_);
  std::fputc('\n', file_);
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
  std::fflush(file_);
}

}  // namespace cohsim
