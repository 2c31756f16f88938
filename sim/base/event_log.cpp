#include "sim/base/event_log.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <systemc>

#include "sim/base/error.hpp"
#include "sim/base/wake.hpp"

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
  {
    std::lock_guard<std::mutex> g(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
  std::fclose(file_);
}

void EventLog::writer_loop() {
  std::unique_lock<std::mutex> g(mu_);
  for (;;) {
    cv_.wait(g, [this] { return batch_out_ || stop_; });
    if (!batch_out_) return;  // stopped
    g.unlock();
    wpool_ = batch_.pool.data(), wrf_ = batch_.rf_pool.data();
    std::vector<Order>& order = batch_.order;
    auto before = [](const Order& x, const Order& y) { return x.t != y.t ? x.t < y.t : x.seq < y.seq; };
    if (!std::is_sorted(order.begin(), order.end(), before)) std::sort(order.begin(), order.end(), before);
    for (std::size_t i = 0; i < batch_.n; ++i) write(batch_.recs[order[i].index]);
    g.lock();
    batch_out_ = false;
    cv_.notify_all();
  }
}

void EventLog::wait_writer() {
  std::unique_lock<std::mutex> g(mu_);
  cv_.wait(g, [this] { return !batch_out_; });
}

void EventLog::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw UserError(path + ": cannot write the event log: " + std::strerror(errno));
  path_ = path;
  recs_.reserve(kWindow);
  writers_.start();
  writer_ = std::thread([this] { writer_loop(); });
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
  h["schema"] = 6;
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
  wait_writer();  // a batch being written may read regs_text_
  nlohmann::json regs = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size() && i < v.size(); ++i) regs[names[i]] = v[i];
  regs_text_.push_back(regs.dump());
  Rec& r = push(t, Kind::FinalRegs, agent);
  r.value = regs_text_.size() - 1;
}

// Formatting: the keys are fixed ASCII; every name goes through nlohmann-json's escaping
// once (cached by its pointer, since names are the tables' own strings) and numbers
// through std::to_chars, into a buffer filled through a raw pointer and written in 1 MiB
// blocks. The records are simple enough that building a json object per record (what
// this did first) cost 10x the simulation.
const std::string& EventLog::quoted_slow(const char* s) {
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

void EventLog::drain(std::size_t need) {
  const std::size_t used = out_w_ ? std::size_t(out_w_ - out_.data()) : 0;
  if (used) std::fwrite(out_.data(), 1, used, file_);
  if (need && out_.size() < need + (1u << 20)) out_.resize(need + (1u << 20));
  out_w_ = out_.data();
  out_end_ = out_.data() + out_.size();
}

void EventLog::put_u(std::uint64_t v) {
  if (v < 10) {  // (most numbers of a record are small)
    *out_w_++ = char('0' + v);
    return;
  }
  auto r = std::to_chars(out_w_, out_w_ + 24, v);
  out_w_ = r.ptr;
}

void EventLog::put_hex(std::uint64_t v) {
  lit("\"0x");
  auto r = std::to_chars(out_w_, out_w_ + 24, v, 16);
  out_w_ = r.ptr;
  *out_w_++ = '"';
}

void EventLog::put_ps(Tick t) {
  constexpr Tick kPerPs = kTicksPerNs / 1000;
  put_u(t / kPerPs);
  if (const Tick f = t % kPerPs) {  // fractions of a picosecond: three decimals
    static_assert(kPerPs <= 1000, "three decimals hold a fraction of a picosecond");
    const unsigned ms = unsigned(f * 1000 / kPerPs);
    *out_w_++ = '.';
    *out_w_++ = char('0' + ms / 100);
    *out_w_++ = char('0' + ms / 10 % 10);
    *out_w_++ = char('0' + ms % 10);
  }
}

void EventLog::write(const Rec& r) {
  // Room for every fixed part of a record (keys, numbers, literals); names and data
  // ask for their own.
  room(1024);
  lit("{\"time_ps\":");
  put_ps(r.t);
  const int clock_agent =
      r.kind == Kind::BusAddress || r.kind == Kind::BusData || r.kind == Kind::NetSend || r.kind == Kind::NetArrive
          ? fabric_agent_
          : r.agent;
  if (clock_agent >= 0 && std::size_t(clock_agent) < agents_.size()) {
    const Agent& a = agents_[std::size_t(clock_agent)];
    *out_w_++ = ',';
    *out_w_++ = '"';
    const std::size_t n = std::strlen(a.clock);
    std::memcpy(out_w_, a.clock, n);
    out_w_ += n;
    lit("_cycle\":");
    put_u(r.t / a.period);
  }
  auto line_fields = [&](Addr line_addr) {
    key("line");
    put_hex(line_addr);
    if (!line_symbols_.empty()) {
      auto it = line_symbols_.find(line_addr);
      if (it != line_symbols_.end()) room(16), key("symbol"), str(it->second), room(512);
    }
  };
  auto data_field = [&] {
    if (r.data < 0) return;
    room(16 + std::size_t(line_size_) * 3);  // at most 20 digits and a comma per 8 bytes
    key("data");
    *out_w_++ = '[';
    for (unsigned k = 0; k + 8 <= line_size_; k += 8) {
      std::uint64_t w;
      std::memcpy(&w, wpool_ + r.data + k, 8);
      if (k) *out_w_++ = ',';
      put_u(w);
    }
    *out_w_++ = ']';
  };
  auto name_of = [&](int client, bool net) -> const std::string& {
    static const std::string memory = "\"memory\"", sharers = "\"sharers\"", none = "null";
    if (client == kMemory && !net) return memory;
    if (client == kSharers) return sharers;
    if (client == kNone) return none;
    const std::vector<int>& map = net ? net_agent_ : bus_agent_;
    return quoted_agent(client >= 0 && std::size_t(client) < map.size() ? map[std::size_t(client)] : -1);
  };
  auto agent_field = [&] { key("agent"), str(quoted_agent(r.agent)), room(512); };
  auto access_fields = [&] {
    agent_field();
    key("addr"), put_hex(r.addr);
    if (!symbols_.empty()) {
      auto it = symbols_.find(r.addr);
      if (it != symbols_.end()) key("symbol"), str(it->second);
      else {
        auto lt = line_symbols_.find(r.addr / line_size_ * line_size_);
        if (lt != line_symbols_.end()) key("line_symbol"), str(lt->second);
      }
      room(512);
    }
    key("size"), put_u(r.size);
    key("trace_line"), put_u(r.tline);
  };
  auto name_field = [&](const std::string& q) { str(q), room(512); };
  // The store a load or RMW read: {"agent":"core0","trace_line":N}, or "initial" (none wrote it).
  auto rf_field = [&](LastWriters::Writer w) {
    if (w == LastWriters::kInitial) return lit("\"initial\"");
    lit("{\"agent\":");
    str(quoted_agent(LastWriters::agent_of(w))), room(512);
    key("trace_line"), put_u(LastWriters::line_of(w));
    *out_w_++ = '}';
  };
  // A load's or RMW's "rf": one writer, or (bytes of several stores) each run of bytes
  // of one writer.
  auto rf_fields = [&] {
    key("rf");
    if (r.data < 0) return rf_field(r.rf);
    const LastWriters::Writer* w = wrf_ + r.data;
    *out_w_++ = '[';
    for (unsigned i = 0; i < r.size;) {
      unsigned j = i + 1;
      while (j < r.size && w[j] == w[i]) ++j;
      room(64);
      if (i) *out_w_++ = ',';
      lit("{\"offset\":");
      put_u(i);
      key("size"), put_u(j - i);
      key("rf"), rf_field(w[i]);
      *out_w_++ = '}';
      i = j;
    }
    *out_w_++ = ']';
  };
  switch (r.kind) {
    case Kind::Cell:
      lit(",\"kind\":\"cell\"");
      agent_field();
      line_fields(r.addr);
      key("state"), name_field(quoted(r.a));
      key("event"), name_field(quoted(r.b));
      key("actions"), name_field(quoted(r.c));
      key("next"), name_field(quoted(r.d));
      if (r.flag) key("stall"), lit("true");
      if (r.tline) key("trace_line"), put_u(r.tline);
      break;
    case Kind::BusAddress:
      lit(",\"kind\":\"bus\",\"phase\":\"address\"");
      key("msg"), name_field(quoted(r.a));
      key("src"), name_field(name_of(r.other, false));
      line_fields(r.addr);
      key("supplier"), name_field(name_of(r.supplier, false));
      key("shared");
      r.flag ? lit("true") : lit("false");
      key("txn"), put_u(r.value);
      break;
    case Kind::BusData:
      lit(",\"kind\":\"bus\",\"phase\":\"data\"");
      key("msg"), name_field(quoted(r.a));
      key("dst"), name_field(name_of(r.other, false));
      line_fields(r.addr);
      key("supplier"), name_field(name_of(r.supplier, false));
      key("exclusive");
      r.flag ? lit("true") : lit("false");
      key("txn"), put_u(r.value);
      data_field();
      break;
    case Kind::NetSend:
    case Kind::NetArrive:
      lit(",\"kind\":\"net\"");
      key("phase");
      r.kind == Kind::NetSend ? lit("\"send\"") : lit("\"arrive\"");
      key("msg"), name_field(quoted(r.a));
      key("src"), name_field(name_of(r.other, true));
      key("dst"), name_field(name_of(r.supplier, true));
      key("vnet"), name_field(quoted(r.b));
      line_fields(r.addr);
      if (r.value) key("acks"), put_u(r.value);
      data_field();
      break;
    case Kind::Load:
      lit(",\"kind\":\"load\"");
      access_fields();
      key("value"), put_u(r.value);
      key("from");
      r.flag ? lit("\"store_buffer\"") : lit("\"cache\"");
      if (r.other) key("exclusive"), lit("true");
      if (r.value2 != kNoSeq) key("seq"), put_u(r.value2);
      rf_fields();
      break;
    case Kind::LoadIssue:
    case Kind::LoadRetire:
    case Kind::LoadSquash:
      r.kind == Kind::LoadIssue    ? lit(",\"kind\":\"load_issue\"")
      : r.kind == Kind::LoadRetire ? lit(",\"kind\":\"load_retire\"")
                                   : lit(",\"kind\":\"load_squash\"");
      access_fields();
      key("seq"), put_u(r.value);
      break;
    case Kind::StoreEnter:
    case Kind::StoreLeave:
      r.kind == Kind::StoreEnter ? lit(",\"kind\":\"store_enter\"") : lit(",\"kind\":\"store_leave\"");
      access_fields();
      key("value"), put_u(r.value);
      break;
    case Kind::Rmw:
      lit(",\"kind\":\"rmw\"");
      access_fields();
      key("value"), put_u(r.value);
      key("written"), put_u(r.value2);
      key("wrote");
      r.flag ? lit("true") : lit("false");
      rf_fields();
      break;
    case Kind::Fence:
      lit(",\"kind\":\"fence\"");
      agent_field();
      key("what"), name_field(quoted(r.a));
      key("trace_line"), put_u(r.tline);
      break;
    case Kind::TlbMiss:
      lit(",\"kind\":\"tlb_miss\"");
      agent_field();
      key("addr"), put_hex(r.addr);
      if (r.supplier >= 0) {
        key("stlb");
        r.supplier ? lit("\"hit\"") : lit("\"miss\"");
      }
      key("trace_line"), put_u(r.tline);
      break;
    case Kind::WalkStart:
      lit(",\"kind\":\"walk\"");
      agent_field();
      key("addr"), put_hex(r.addr);
      key("level"), put_u(r.size);
      key("trace_line"), put_u(r.tline);
      break;
    case Kind::WalkEnd:
      lit(",\"kind\":\"walk_end\"");
      agent_field();
      key("addr"), put_hex(r.addr);
      if (r.flag) key("fault"), lit("true");
      else key("pa"), put_hex(r.value);
      key("core_cycles"), put_u(r.value2);
      key("trace_line"), put_u(r.tline);
      break;
    case Kind::Dram: {
      lit(",\"kind\":\"dram\"");
      agent_field();
      key("channel"), put_u(std::uint64_t(r.other));
      key("cmd"), name_field(quoted(r.a));
      if (r.flag) key("auto_precharge"), lit("true");
      key("rank"), put_u(r.size);
      const bool refresh = std::strcmp(r.a, "REF") == 0;
      if (!refresh) {
        key("bank_group"), put_u(std::uint64_t(r.supplier));
        key("bank"), put_u(r.value);
        if (std::strcmp(r.a, "PRE") != 0) key("row"), put_u(r.value2);
      }
      if (r.addr != kNoLogLine) {
        line_fields(r.addr);
        if (r.tline) key("trace_line"), put_u(r.tline);
      }
      break;
    }
    case Kind::FinalLine:
      lit(",\"kind\":\"final\"");
      agent_field();
      line_fields(r.addr);
      key("state"), name_field(quoted(r.a));
      data_field();
      break;
    case Kind::FinalRegs:
      lit(",\"kind\":\"final_registers\"");
      agent_field();
      key("registers"), name_field(regs_text_[r.value]);
      break;
  }
  room(2);
  *out_w_++ = '}';
  *out_w_++ = '\n';
}

void EventLog::flush(bool all) {
  // Every later record is stamped at or after the current time: what is older may go
  // (the laggards record what they can first, and may hold the limit back).
  Tick now = all ? ~Tick(0) : sim_now();
  flushing_ = true;
  for (Laggard* l : laggards_) {
    const Tick floor = l->log_catch_up(sim_now(), all);
    if (!all) now = std::min(now, floor);
  }
  flushing_ = false;
  wait_writer();  // the previous window is written: its vectors are free
  // The records stamped before `now` go to the writer, which sorts their small keys
  // (every later record is stamped at or after `now`, so sorting within the window
  // orders the whole log); the others stay buffered, with their data.
  order_.clear();
  kept_.clear(), kept_pool_.clear(), kept_rf_.clear();
  kept_.reserve(recs_.capacity());
  for (std::size_t i = 0; i < recs_.size(); ++i) {
    if (recs_[i].t < now) {
      order_.push_back({recs_[i].t, recs_[i].seq, std::uint32_t(i)});
      continue;
    }
    Rec r = recs_[i];
    if (r.data >= 0 && has_rf(r.kind)) {
      const std::int64_t at = std::int64_t(kept_rf_.size());
      kept_rf_.insert(kept_rf_.end(), rf_pool_.begin() + r.data, rf_pool_.begin() + r.data + r.size);
      r.data = at;
    } else if (r.data >= 0) {
      const std::int64_t at = std::int64_t(kept_pool_.size());
      kept_pool_.insert(kept_pool_.end(), pool_.begin() + r.data, pool_.begin() + r.data + line_size_);
      r.data = at;
    }
    kept_.push_back(r);
  }
  const std::size_t n = order_.size();
  // Hand this window to the writer (order_[0, n) of its records); go on with the kept
  // ones, in the vectors the writer gave back.
  std::swap(batch_.recs, recs_), std::swap(recs_, kept_);
  std::swap(batch_.pool, pool_), std::swap(pool_, kept_pool_);
  std::swap(batch_.rf_pool, rf_pool_), std::swap(rf_pool_, kept_rf_);
  std::swap(batch_.order, order_);
  batch_.n = n;
  {
    std::lock_guard<std::mutex> g(mu_);
    batch_out_ = true;
    cv_.notify_all();
  }
  window_ = recs_.size() + kWindow;  // what is stamped in the future waits for the next window
}

void EventLog::finish() {
  if (!file_) return;
  flush(true);
  wait_writer();
  drain(0);
  std::fflush(file_);
}

}  // namespace cohsim
