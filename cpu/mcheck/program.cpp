#include "cpu/mcheck/program.hpp"

#include <algorithm>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/random.hpp"

namespace cohsim {
namespace {

const char* order_text(Ordering o) {
  switch (o) {
    case Ordering::Acquire: return "Ordering::Acquire";
    case Ordering::Release: return "Ordering::Release";
    case Ordering::AcqRel: return "Ordering::AcqRel";
    case Ordering::SeqCst: return "Ordering::SeqCst";
    default: return "Ordering::Relaxed";
  }
}

bool reads(OpKind k) { return k != OpKind::Store && k != OpKind::Fence; }

}  // namespace

std::size_t McSource::statements() const {
  std::size_t n = 0;
  for (auto& t : threads) n += t.size();
  return n;
}

std::string mc_location_name(unsigned loc) {
  static const char* const names[] = {"x", "y", "z", "w"};
  return loc < 4 ? names[loc] : "v" + std::to_string(loc);
}

McSource mc_generate(std::uint64_t seed, std::uint64_t index, const McGenOptions& o) {
  Random s = random_stream(seed, "mcheck.program", index);
  auto pick = [&](unsigned lo, unsigned hi) { return lo + unsigned(s.next() % (hi - lo + 1)); };
  McSource p;
  p.locations = pick(o.min_locations, o.max_locations);
  p.threads.resize(pick(o.min_threads, o.max_threads));
  std::uint64_t next_value = 1;
  unsigned next_bit = 6;
  static const Ordering loads[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::SeqCst};
  static const Ordering stores[] = {Ordering::Relaxed, Ordering::Release, Ordering::SeqCst};
  static const Ordering rmws[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::Release, Ordering::AcqRel,
                                  Ordering::SeqCst};
  static const Ordering fences[] = {Ordering::Acquire, Ordering::Release, Ordering::AcqRel, Ordering::SeqCst};
  for (auto& th : p.threads) {
    const unsigned n = pick(o.min_ops, o.max_ops);
    for (unsigned i = 0; i < n; ++i) {
      McStmt st;
      st.loc = unsigned(s.next() % p.locations);
      const unsigned k = unsigned(s.next() % 100);
      if (k < 35) {
        st.kind = OpKind::Load, st.order = loads[s.next() % 3];
      } else if (k < 65) {
        st.kind = OpKind::Store, st.order = stores[s.next() % 3], st.value = next_value++;
      } else if (k < 75) {
        st.kind = OpKind::Fence, st.loc = 0, st.order = fences[s.next() % 4];
      } else if (k < 83) {
        st.kind = OpKind::FetchAdd, st.order = rmws[s.next() % 5], st.value = 1ULL << next_bit++;
      } else if (k < 90) {
        st.kind = OpKind::Swap, st.order = rmws[s.next() % 5], st.value = next_value++;
      } else {
        st.kind = OpKind::CompareExchange, st.order = rmws[s.next() % 5], st.value = next_value++;
        // The failure ordering no stronger than the success one (and only loading).
        switch (st.order) {
          case Ordering::SeqCst: st.fail = loads[s.next() % 3]; break;
          case Ordering::Acquire:
          case Ordering::AcqRel: st.fail = loads[s.next() % 2]; break;
          default: st.fail = Ordering::Relaxed;
        }
      }
      th.push_back(st);
    }
  }
  // A compare-exchange expects the initial value or a value some statement writes
  // there, so that both its outcomes are possible.
  for (auto& th : p.threads)
    for (auto& st : th) {
      if (st.kind != OpKind::CompareExchange) continue;
      std::vector<std::uint64_t> cands{0};
      for (auto& t2 : p.threads)
        for (auto& w : t2)
          if (&w != &st && w.loc == st.loc && (w.kind == OpKind::Store || w.kind == OpKind::Swap ||
                                               w.kind == OpKind::CompareExchange))
            cands.push_back(w.value);
      st.expected = cands[s.next() % cands.size()];
    }
  return p;
}

std::string mc_render(const McSource& p, const std::string& name, const std::string& condition,
                      const std::string& expect) {
  std::ostringstream o;
  o << "litmus " << name << "\ninit ";
  for (unsigned l = 0; l < p.locations; ++l) o << (l ? "; " : "") << mc_location_name(l) << " = 0";
  o << "\n";
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    o << "thread " << t << " {\n";
    unsigned reg = 0;
    for (auto& st : p.threads[t]) {
      const std::string loc = mc_location_name(st.loc);
      o << "  ";
      if (reads(st.kind)) o << "let r" << reg++ << " = ";
      switch (st.kind) {
        case OpKind::Load: o << loc << ".load(" << order_text(st.order) << ");"; break;
        case OpKind::Store: o << loc << ".store(" << st.value << ", " << order_text(st.order) << ");"; break;
        case OpKind::FetchAdd: o << loc << ".fetch_add(" << st.value << ", " << order_text(st.order) << ");"; break;
        case OpKind::Swap: o << loc << ".swap(" << st.value << ", " << order_text(st.order) << ");"; break;
        case OpKind::CompareExchange:
          o << loc << ".compare_exchange(" << st.expected << ", " << st.value << ", " << order_text(st.order) << ", "
            << order_text(st.fail) << ");";
          break;
        default: o << "fence(" << order_text(st.order) << ");";
      }
      o << "\n";
    }
    o << "}\n";
  }
  std::string cond = condition;
  if (cond.empty())
    for (unsigned l = 0; l < p.locations; ++l) cond += (l ? " && " : "") + mc_location_name(l) + " == 0";
  o << "exists (" << cond << ")\n";
  if (!expect.empty()) o << "expect " << expect << "\n";
  return o.str();
}

std::string mc_outcome_condition(const LitmusTest& t, const LitmusOutcome& o) {
  std::string c;
  for (unsigned th = 0; th < t.threads && th < o.regs.size(); ++th)
    for (std::size_t r = 0; r < t.registers[th].size(); ++r)
      c += (c.empty() ? "" : " && ") + std::to_string(th) + ":" + t.registers[th][r] +
           " == " + std::to_string(o.regs[th][r]);
  for (std::size_t l = 0; l < o.memory.size() && l < t.locations.size(); ++l)
    c += (c.empty() ? "" : " && ") + t.locations[l] + " == " + std::to_string(o.memory[l]);
  return c.empty() ? "true" : c;
}

bool mc_parse_outcome(const LitmusTest& t, const std::string& key, LitmusOutcome& o) {
  o.regs.assign(t.threads, {});
  for (unsigned th = 0; th < t.threads; ++th) o.regs[th].assign(t.registers[th].size(), 0);
  o.memory.assign(t.locations.size(), 0);
  std::vector<bool> regs_seen(0), mem_seen(t.locations.size(), false);
  std::size_t nregs = 0, seen = 0;
  for (auto& r : t.registers) nregs += r.size();
  std::istringstream in(key);
  std::string tok;
  while (in >> tok) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos) return false;
    const std::string lhs = tok.substr(0, eq);
    std::uint64_t v = 0;
    try {
      v = std::stoull(tok.substr(eq + 1));
    } catch (...) {
      return false;
    }
    const auto colon = lhs.find(':');
    if (colon != std::string::npos) {
      const unsigned th = unsigned(std::stoul(lhs.substr(0, colon)));
      if (th >= t.threads) return false;
      const auto& names = t.registers[th];
      const auto it = std::find(names.begin(), names.end(), lhs.substr(colon + 1));
      if (it == names.end()) return false;
      o.regs[th][std::size_t(it - names.begin())] = v;
      ++seen;
    } else {
      const auto it = std::find(t.locations.begin(), t.locations.end(), lhs);
      if (it == t.locations.end()) return false;
      o.memory[std::size_t(it - t.locations.begin())] = v;
      mem_seen[std::size_t(it - t.locations.begin())] = true;
    }
  }
  if (seen != nregs) return false;
  if (std::find(mem_seen.begin(), mem_seen.end(), false) != mem_seen.end()) o.memory.clear();
  return true;
}

McSource mc_source_from_litmus(const LitmusTest& t) {
  McSource p;
  p.locations = unsigned(t.locations.size());
  for (unsigned th = 0; th < t.threads; ++th) {
    p.threads.emplace_back();
    for (const Op& op : t.ops[th]) {
      const bool ok = op.kind == OpKind::Load || op.kind == OpKind::Store || op.kind == OpKind::FetchAdd ||
                      op.kind == OpKind::Swap || op.kind == OpKind::CompareExchange || op.kind == OpKind::Fence;
      if (!ok || (op.order == Ordering::Plain && op.kind != OpKind::Fence))
        throw UserError(t.path + ":" + std::to_string(op.line) + ": mcheck takes atomic loads, stores, fetch_add, " +
                        "swap, compare_exchange and fences only (no branches, loops or register arithmetic)");
      if (op.reads_registers())
        throw UserError(t.path + ":" + std::to_string(op.line) +
                        ": mcheck does not model dependencies: an address, value or operand from a register is not "
                        "supported");
      McStmt st;
      st.kind = op.kind, st.loc = op.kind == OpKind::Fence ? 0 : unsigned(op.addr), st.value = op.value;
      st.expected = op.expected, st.order = op.order, st.fail = op.fail_order;
      p.threads.back().push_back(st);
    }
    if (p.threads.back().empty()) p.threads.pop_back();
  }
  return p;
}

std::vector<McSource> mc_reductions(const McSource& p) {
  std::vector<McSource> out;
  if (p.threads.size() > 1)
    for (std::size_t t = 0; t < p.threads.size(); ++t) {
      McSource q = p;
      q.threads.erase(q.threads.begin() + std::ptrdiff_t(t));
      out.push_back(q);
    }
  for (std::size_t t = 0; t < p.threads.size(); ++t)
    for (std::size_t i = 0; i < p.threads[t].size(); ++i) {
      if (p.threads[t].size() == 1) continue;  // the thread-dropping step covers it
      McSource q = p;
      q.threads[t].erase(q.threads[t].begin() + std::ptrdiff_t(i));
      out.push_back(q);
    }
  if (p.locations > 1)
    for (unsigned l = 0; l < p.locations; ++l) {
      McSource q = p;
      q.locations = p.locations - 1;
      for (auto& th : q.threads) {
        std::vector<McStmt> kept;
        for (auto st : th) {
          if (st.kind != OpKind::Fence && st.loc == l) continue;
          if (st.kind != OpKind::Fence && st.loc > l) --st.loc;
          kept.push_back(st);
        }
        th = kept;
      }
      q.threads.erase(std::remove_if(q.threads.begin(), q.threads.end(), [](auto& th) { return th.empty(); }),
                      q.threads.end());
      if (!q.threads.empty()) out.push_back(q);
    }
  return out;
}

}  // namespace cohsim
