#include "sim/memory/dram/dram_memory.hpp"

#include <cstring>
#include <sstream>

#include "sim/memory/dram/dram_stats.hpp"
#include "sim/base/kernel_errors.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

using sc_core::sc_time;

DramMemory::DramMemory(sc_core::sc_module_name name, const DramControllerParams& p, unsigned line_size, Tick frontend,
                       Tick backend)
    : sc_module(name), ctl_(p), line_size_(line_size), tck_(p.timing.tck_ticks()), frontend_(frontend), backend_(backend) {
  wake_.bind<&DramMemory::wake>(this);
  wake_.dont_initialize();
  waiting_.reserve(256);
  free_.reserve(256);
}

std::uint8_t* DramMemory::page(LineAddr line, bool create) { return values_.at(line * line_size_, create); }

const std::uint8_t* DramMemory::page_const(LineAddr line) const { return values_.at(line * line_size_); }

void DramMemory::peek_line(LineAddr line, std::uint8_t* out) const {
  const std::uint8_t* p = page_const(line);
  if (p) std::memcpy(out, p, line_size_);
  else std::memset(out, 0, line_size_);
}

// Every decision of the cycles before the one holding SystemC's present is made.
void DramMemory::catch_up(Tick t) { ctl_.advance_to((t + tck_ - 1) / tck_); }

void DramMemory::read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                           std::uint32_t trace_line) {
  ++reads_;
  peek_line(line, out);
  std::uint32_t slot;
  if (free_.empty()) {
    slot = std::uint32_t(waiting_.size());
    waiting_.push_back({w, tag});
  } else {
    slot = free_.back();
    free_.pop_back();
    waiting_[slot] = {w, tag};
  }
  catch_up(sim_now());
  t += frontend_;
  ctl_.enqueue((t + tck_ - 1) / tck_, line, false, slot, trace_line);
  reschedule();
}

void DramMemory::write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) {
  ++writes_;
  std::memcpy(page(line, true), in, line_size_);
  catch_up(sim_now());
  t += frontend_;
  ctl_.enqueue((t + tck_ - 1) / tck_, line, true, 0, trace_line);
  reschedule();
}

void DramMemory::reschedule() {
  const std::uint64_t w = ctl_.next_wake();
  if (w == kDramNever) return;
  const Tick now = sim_now();
  const Tick at = w * tck_;
  wake_at(wake_, at, now);
}

void DramMemory::wake() {
  guarded([this] { step(); });
}

void DramMemory::step() {
  const Tick now = sim_now();
  std::uint64_t c = now / tck_;
  Tick horizon = 0;
  std::uint64_t epoch = kNoHorizon;
  for (;;) {
    ctl_.advance_to(c + 1);
    for (auto& ch : ctl_.channels())
      // A read's data-end cycle is known once its column command issues: the waiter
      // hears it then (with the future tick), which saves a wake-up per read.
      while (ch.has_completion()) {
        const DramCompletion done = ch.front_completion();
        ch.pop_completion();
        const Waiting w = waiting_[done.tag];
        free_.push_back(std::uint32_t(done.tag));
        w.waiter->memory_ready(w.tag, done.cycle * tck_ + backend_);
      }
    // The controller's next decision (a PRE, an ACT before the read's column
    // command) is made at once when no request can arrive before it.
    const std::uint64_t next = ctl_.next_wake();
    if (next == kDramNever) return;
    if (!may_run_ahead(next * tck_, now, horizon, epoch)) {
      wake_at(wake_, next * tck_, now);  // reschedule(), its next_wake() known
      return;
    }
    c = next;
  }
}

void DramMemory::finish(Tick end) {
  ctl_.advance_to(end / tck_);
  elapsed_cycles_ = end / tck_ > start_cycle_ ? end / tck_ - start_cycle_ : 0;
}

void DramMemory::reset_stats() {
  const Tick now = sim_now();
  catch_up(now);
  start_cycle_ = (now + tck_ - 1) / tck_;
  reads_ = writes_ = 0;
  ctl_.reset_stats(start_cycle_);
}

void DramMemory::register_stats(Stats& s, const std::string& prefix) const {
  register_memory_traffic_stats(s, prefix, &reads_, &writes_, line_size_);
  register_dram_stats(s, prefix, ctl_, &elapsed_cycles_, &start_cycle_);
}

void DramMemory::set_log(EventLog* log, const std::string& name) {
  if (!log || !log->enabled() || !ctl_.params().log_commands) return;
  log_ = log;
  log_agent_ = log->add_agent(name, "memory", "dram", tck_);
  log->add_laggard(this);
}

// The controller decides the cycles before the present when it next runs (a request,
// its wake-up): catch up as a request would (the decisions are the same whenever they
// are made), hand the commands to the log, and hold the log back to the first cycle not
// yet decided.
Tick DramMemory::log_catch_up(Tick now, bool end) {
  if (!end) catch_up(now);
  Tick floor = ~Tick(0);
  for (std::size_t i = 0; i < ctl_.channels().size(); ++i) {
    DramChannel& ch = ctl_.channels()[i];
    for (const DramCommandRecord& c : ch.command_log())
      log_->dram(Tick(c.cycle) * tck_, log_agent_, unsigned(i), dram_cmd_name(c.cmd), c.auto_precharge, c.rank,
                 c.bank_group, c.bank, c.row, c.line == kDramNoLine ? EventLog::kNoLogLine : Addr(c.line) * line_size_,
                 c.trace_line);
    ch.clear_command_log();
    floor = std::min(floor, Tick(ch.now()) * tck_);
  }
  return floor;
}

std::string DramMemory::dump() const {
  std::ostringstream o;
  o << "memory (" << ctl_.params().timing.name << "): " << waiting_.size() - free_.size() << " reads outstanding";
  for (std::size_t i = 0; i < ctl_.channels().size(); ++i) {
    const auto& ch = ctl_.channels()[i];
    o << "; ch" << i << " at cycle " << ch.now() << (ch.idle() ? " idle" : " busy");
  }
  return o.str();
}

}  // namespace cohsim
