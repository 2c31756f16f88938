#include "sim/cli/lower_command.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "cpu/litmus/litmus.hpp"
#include "cpu/lowering.hpp"
#include "cpu/trace/program.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/text.hpp"
#include "sim/cli/command.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {

const char* kSynopsis =
    "cohsim lower TRACE|TEST.litmus [--isa x86|arm|riscv] [--lse] [--summary]\n"
    "       cohsim lower --table [--isa x86|arm|riscv] [--lse]\n"
    "       cohsim lower --docs";

// Names addresses as the text trace format does: `sym`, `sym+off` or hex.
class AddrNamer {
 public:
  explicit AddrNamer(const Trace& t) : syms_(t.symbols()), span_(std::max(1u, TraceOptions{}.symbol_stride)) {
    for (std::size_t i = 0; i < syms_.size(); ++i) by_addr_.emplace_back(syms_[i].second, i);
    std::sort(by_addr_.begin(), by_addr_.end());
  }
  std::string operator()(Addr a) const {
    auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), std::make_pair(a, std::size_t(-1)));
    if (it != by_addr_.begin()) {
      --it;
      const Addr base = it->first;
      if (a - base < span_) {
        auto first = std::lower_bound(by_addr_.begin(), by_addr_.end(), std::make_pair(base, std::size_t(0)));
        std::string s = syms_[first->second].first;
        if (a != base) s += "+" + std::to_string(a - base);
        return s;
      }
    }
    return hex(a);
  }
  static std::string hex(std::uint64_t v) {
    std::ostringstream o;
    o << "0x" << std::hex << v;
    return o.str();
  }

 private:
  const std::vector<std::pair<std::string, Addr>>& syms_;
  Addr span_;
  std::vector<std::pair<Addr, std::size_t>> by_addr_;
};

std::string value_text(std::uint64_t v) { return v <= 0xffffffffu ? std::to_string(v) : AddrNamer::hex(v); }

// The operation as a text trace writes it: `fetch_add z 1 SeqCst -> r2`.
std::string op_text(const Op& op, const AddrNamer& addr, const std::vector<std::string>& regs) {
  return cohsim::op_text(
      op, [&](Addr a) { return addr(a); }, regs);
}

// Every barrier mnemonic of a table, in table order (so a summary lists the zeros too).
std::vector<std::string> barrier_kinds(const Lowering& isa) {
  std::vector<std::string> kinds;
  std::vector<OpKind> ops{OpKind::Fence};  // fences first, by ordering
  for (int k = 0; k < kNumOpKinds; ++k)
    if (OpKind(k) != OpKind::Fence) ops.push_back(OpKind(k));
  for (OpKind k : ops)
    for (int o = 0; o < kNumOrderings; ++o)
      for (int f = 0; f < kNumOrderings; ++f) {
        const Sequence& s = isa.cell(k, Ordering(o), Ordering(f));
        for (int i = 0; i < s.n; ++i)
          if (s.insts[i].kind == InstKind::Fence &&
              std::find(kinds.begin(), kinds.end(), s.insts[i].mnemonic) == kinds.end())
            kinds.push_back(s.insts[i].mnemonic);
      }
  return kinds;
}

// Counts of one mnemonic each, in order of first appearance.
struct Tally {
  std::vector<std::pair<std::string, std::uint64_t>> items;
  std::uint64_t total = 0;
  void add(const std::string& m, std::uint64_t n = 1) {
    auto it = std::find_if(items.begin(), items.end(), [&](auto& p) { return p.first == m; });
    if (it == items.end()) items.emplace_back(m, n);
    else it->second += n;
    total += n;
  }
  std::string text() const {
    std::string s = std::to_string(total);
    for (std::size_t i = 0; i < items.size(); ++i)
      s += (i ? ", " : ": ") + items[i].first + " " + std::to_string(items[i].second);
    return s;
  }
};

}  // namespace

void print_lowered_trace(const Trace& trace, const Lowering& isa, std::ostream& out, bool summary_only) {
  const AddrNamer addr(trace);
  Tally barriers, ordered;
  for (const std::string& m : barrier_kinds(isa)) barriers.add(m, 0);
  std::uint64_t ops = 0, insts = 0, loops = 0;
  out << "# " << trace.path() << " lowered for " << isa.title() << "\n";
  for (unsigned t = 0; t < trace.threads(); ++t) {
    if (!summary_only) out << "thread " << t << "\n";
    const auto& regs = trace.registers(t);
    auto stream = trace.stream(t);
    const std::vector<Op>* prog = stream->program();
    std::vector<bool> target;
    if (prog) {
      target.assign(prog->size() + 1, false);
      for (const Op& o : *prog)
        if (o.kind == OpKind::Branch) target[o.target] = true;
    }
    std::vector<std::string> loop_lines;
    Op op;
    std::string line;
    std::size_t index = 0;
    while (stream->next(op)) {
      if (op.kind != OpKind::Marker) ++ops;  // a marker is no operation (the core counts none)
      const Sequence& s = isa.lower(op);
      if (prog && !summary_only) {
        if (target[index]) out << "L" << index << ":\n";
        // A loop: a branch back (its body runs each op once per iteration, all
        // instructions of each), or a wait's load-compare-branch loop.
        if (op.kind == OpKind::Branch && op.target <= index) {
          std::uint64_t n = 0;
          for (std::size_t k = op.target; k <= index; ++k) n += isa.lower((*prog)[k]).n;
          loop_lines.push_back("  loop L" + std::to_string(op.target) + " (lines " +
                               std::to_string((*prog)[op.target].line) + "-" + std::to_string(op.line) +
                               "): " + std::to_string(n) + " instructions per iteration");
        }
        if (op.kind == OpKind::Wait) {
          int exit = 0;
          while (exit < s.n && s.insts[exit].branch != BranchKind::ExitIfAwaited) ++exit;
          loop_lines.push_back("  wait (line " + std::to_string(op.line) + "): " + std::to_string(s.n) +
                               " instructions per iteration while waiting, " + std::to_string(exit + 1) +
                               " in the last");
        }
      }
      ++index;
      for (int i = 0; i < s.n; ++i) {
        const Inst& in = s.insts[i];
        ++insts;
        if (in.kind == InstKind::Fence) barriers.add(in.mnemonic);
        else if ((in.sem & (kAcquire | kRelease)) || (in.flags & kLocked)) ordered.add(in.mnemonic);
        if (in.ctl & kLoopStart) ++loops;
      }
      if (summary_only) continue;
      line = "  " + op_text(op, addr, regs);
      line.resize(std::max<std::size_t>(line.size() + 2, 44), ' ');
      line += op.kind == OpKind::Marker ? std::string("(no instruction: ") +
                                              (MarkerKind(op.value) == MarkerKind::RoiBegin ? "statistics reset)"
                                                                                            : "statistics frozen)")
                                        : Lowering::text(s);
      out << line << "\n";
    }
    if (prog && !summary_only && target[index]) out << "L" << index << ":\n";
    for (const std::string& l : loop_lines) out << l << "\n";
  }
  out << "\nsummary, " << isa.title() << ", each sequence counted once (a retry loop's first pass):\n"
      << "  operations           " << ops << "\n"
      << "  instructions         " << insts << "\n"
      << "  fences/barriers      " << barriers.text() << "\n"
      << "  " << (isa.isa() == "x86" ? "locked instructions  " : "acquire/release      ") << ordered.text() << "\n";
  if (isa.isa() != "x86") out << "  retry loops          " << loops << "\n";
}

int run_lower_command(const std::vector<std::string>& args) {
  CommandLine cl(kSynopsis,
                 "Shows each trace operation (or each operation of a .litmus test) beside the instruction\n"
                 "sequence the ISA runs for it (the C11/Rust mappings as LLVM emits them; see\n"
                 "docs/lowering.md), then the number of fences/barriers by kind, to compare ISAs.");
  cl.options()("isa", po::value<std::string>()->default_value("x86"),
               "the ISA whose lowering to show: x86, arm or riscv")(
      "lse", "arm only: ARMv8.1 LSE atomics (ldadd, swp, cas, ...) instead of exclusive loops")(
      "summary", "print only the counts (operations, instructions, fences/barriers by kind)")(
      "table", "print the ISA's lowering table (markdown) instead of a trace")(
      "docs", "print docs/lowering.md: every ISA's table, its source and how to regenerate it");
  cl.positional("trace", false);
  if (!cl.parse(args)) return 0;
  const auto& vm = cl.vm();
  if (vm.count("docs")) {
    std::cout << lowering_reference_markdown();
    return 0;
  }
  const std::string isa = vm["isa"].as<std::string>();
  const auto names = Lowering::isa_names();
  if (std::find(names.begin(), names.end(), isa) == names.end()) {
    std::string list;
    for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string near = nearest(isa, names);
    throw UserError("--isa " + isa + ": no such ISA; valid: " + list +
                    (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  const bool lse = vm.count("lse");
  if (lse && isa != "arm") throw UserError("--lse: LSE atomics are AArch64's; use it with --isa arm, not " + isa);
  const Lowering& table = Lowering::for_isa(isa, lse);
  if (vm.count("table")) {
    std::cout << "# " << table.title() << "\n\n" << table.markdown_table();
    return 0;
  }
  if (!vm.count("trace")) throw UsageError("missing TRACE\nusage: " + cl.synopsis());
  // A .litmus test is lowered as the trace its runs execute (without a run's random
  // warm-up and delays), as `cohsim litmus` and `cohsim races` take it.
  const std::string path = cl.input("trace");
  auto trace = ends_with(path, ".litmus") ? litmus_trace(parse_litmus(path)) : Trace::open(path);
  print_lowered_trace(*trace, table, std::cout, vm.count("summary"));
  return 0;
}

COHSIM_REGISTER(command_registry, "lower", "show the instructions each ISA runs for a trace",
                Command{{{"lower TRACE --isa X",
                          "print each trace operation beside the instructions x86, arm or riscv execute"}},
                        run_lower_command},
                4);

}  // namespace cohsim
