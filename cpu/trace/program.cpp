#include "cpu/trace/program.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "sim/base/error.hpp"

namespace cohsim {
namespace {

std::string reg_name(const std::vector<std::string>& regs, int r) {
  return r >= 0 && std::size_t(r) < regs.size() ? regs[std::size_t(r)] : "r" + std::to_string(r);
}

// Registers an op reads.
int reads(const Op& op, int out[3]) {
  int n = 0;
  if (op.areg >= 0) out[n++] = op.areg;
  if (op.vreg >= 0) out[n++] = op.vreg;
  if (op.ereg >= 0) out[n++] = op.ereg;
  return n;
}

bool writes_memory(OpKind k) { return k == OpKind::Store || is_rmw(k) || k == OpKind::Compute; }

}  // namespace

void check_program(std::vector<Op>& ops, const std::string& path, unsigned thread,
                   const std::vector<std::string>& regs) {
  const std::size_t n = ops.size();
  auto fail = [&](const Op& op, const std::string& msg) {
    throw UserError(located(path, int(op.line), 0, msg + " (thread " + std::to_string(thread) + ")"));
  };
  for (std::size_t i = 0; i < n; ++i) {
    Op& op = ops[i];
    op.flags = 0;
    if (op.kind == OpKind::Branch && op.target > n)
      fail(op, "branch target " + std::to_string(op.target) + " lies outside the thread (" + std::to_string(n) +
                   " operations)");
    int r[3];
    for (int k = 0, m = reads(op, r); k < m; ++k)
      if (std::size_t(r[k]) >= regs.size()) fail(op, "register index " + std::to_string(r[k]) + " out of range");
  }

  // Registers written on every path from the start: a forward "must" analysis (the
  // intersection over predecessors), iterated to its fixed point.
  const std::size_t words = (regs.size() + 63) / 64;
  std::vector<std::uint64_t> in((n + 1) * words, ~0ull);  // top: everything written
  std::vector<bool> reached(n + 1, false);
  std::fill(in.begin(), in.begin() + std::ptrdiff_t(words), 0ull);
  reached[0] = true;
  std::vector<std::uint32_t> work{0};
  std::vector<std::uint64_t> cur(words);
  while (!work.empty()) {
    const std::uint32_t i = work.back();
    work.pop_back();
    if (i == n) continue;
    std::copy(in.begin() + std::ptrdiff_t(i * words), in.begin() + std::ptrdiff_t((i + 1) * words), cur.begin());
    const Op& op = ops[i];
    if (op.reg >= 0) cur[std::size_t(op.reg) / 64] |= 1ull << (op.reg % 64);
    std::uint32_t succ[2];
    for (int k = 0, m = successors(ops, i, succ); k < m; ++k) {
      const std::uint32_t s = succ[k];
      bool changed = !reached[s];
      reached[s] = true;
      for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t& v = in[s * words + w];
        const std::uint64_t nv = v & cur[w];
        if (nv != v || changed) changed = true;
        v = nv;
      }
      if (changed) work.push_back(s);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!reached[i]) continue;
    int r[3];
    for (int k = 0, m = reads(ops[i], r); k < m; ++k)
      if (!(in[i * words + std::size_t(r[k]) / 64] >> (r[k] % 64) & 1))
        fail(ops[i], "register '" + reg_name(regs, r[k]) +
                         "' may be read before it is written (on some path from the thread's start); write it "
                         "first, e.g. `mov 0 -> " +
                         reg_name(regs, r[k]) + "`");
  }

  // Loops: the strongly connected components of the control-flow graph (Tarjan).
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1);
  std::vector<std::uint32_t> stack;
  std::vector<bool> on(n, false);
  int counter = 0, ncomp = 0;
  // Iterative (a recorded program's thread has millions of straight-line operations:
  // a recursive visit would overflow the stack). A frame: the node, its next successor.
  std::vector<std::pair<std::uint32_t, int>> frames;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    frames.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on[root] = true;
    while (!frames.empty()) {
      auto& [v, k] = frames.back();
      std::uint32_t succ[2];
      const int m = successors(ops, v, succ);
      if (k < m) {
        const std::uint32_t w = succ[k++];
        if (w >= n) continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on[w] = true;
          frames.push_back({w, 0});
        } else if (on[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const std::uint32_t done = v;
      if (low[done] == index[done]) {
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on[w] = false;
          comp[w] = ncomp;
        } while (w != done);
        ++ncomp;
      }
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
    }
  }
  struct Loop {
    bool cyclic = false, memory = false, writes = false, exit = false;
    std::uint32_t first = ~0u, last = 0;
  };
  std::vector<Loop> loops(static_cast<std::size_t>(ncomp));
  for (std::uint32_t v = 0; v < n; ++v) {
    Loop& l = loops[std::size_t(comp[v])];
    l.first = std::min(l.first, v), l.last = std::max(l.last, v);
    l.memory |= is_memory(ops[v].kind);
    l.writes |= writes_memory(ops[v].kind);
    std::uint32_t succ[2];
    for (int k = 0, m = successors(ops, v, succ); k < m; ++k) {
      if (succ[k] < n && comp[succ[k]] == comp[v]) l.cyclic = true;
      else l.exit = true;
    }
  }
  for (std::uint32_t v = 0; v < n; ++v) {
    const Loop& l = loops[std::size_t(comp[v])];
    if (!l.cyclic) continue;
    if (v == l.first && !l.memory && !l.exit && reached[v])
      fail(ops[v], "this loop (to line " + std::to_string(ops[l.last].line) +
                       ") has no memory access and no exit: it would run forever without any observable effect");
    if (!l.writes) ops[v].flags |= kOpInSpinLoop;
  }
}

std::string op_text(const Op& op, const std::function<std::string(Addr)>& addr, const std::vector<std::string>& regs) {
  auto num = [](std::uint64_t v) {
    if (v <= 0xffffffffu) return std::to_string(v);
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return std::string(buf);
  };
  auto operand = [&](std::int16_t r, std::uint64_t v) { return r >= 0 ? reg_name(regs, r) : num(v); };
  const bool cas = op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak;
  std::string s;
  if (op.kind == OpKind::Branch) {
    static const char* const words[] = {"jump", "beq", "bne", "blt", "bge"};
    s = words[int(op.cond)];
    if (op.cond != Cond::Always) s += " " + operand(op.ereg, op.expected) + " " + operand(op.vreg, op.value);
    return s + " L" + std::to_string(op.target);
  }
  if (op.kind == OpKind::Marker) return marker_text(op.value);
  s = name(op.kind);
  if (is_memory(op.kind) || op.kind == OpKind::IFetch) {
    if (op.size != 8) s += "." + std::to_string(op.size);
    if (op.areg >= 0) s += " [" + (op.addr ? addr(op.addr) + " + " : std::string()) + reg_name(regs, op.areg) + "]";
    else s += " " + addr(op.addr);
    if (op.kind == OpKind::Wait) s += std::string(" ") + name(op.cond);
    if (cas) s += " " + operand(op.ereg, op.expected);
    if (op.kind != OpKind::Load && op.kind != OpKind::IFetch) s += " " + operand(op.vreg, op.value);
    if (op.order != Ordering::Plain) s += std::string(" ") + name(op.order);
    if (cas) s += std::string(" ") + name(op.fail_order);
  } else if (op.kind == OpKind::Fence) {
    s += std::string(" ") + name(op.order);
  } else if (op.kind == OpKind::Compute) {
    s += " " + std::to_string(op.value);
  } else if (op.kind == OpKind::Mov) {
    s += " " + operand(op.vreg, op.value);
  } else if (is_alu(op.kind)) {
    s += " " + operand(op.ereg, op.expected) + " " + operand(op.vreg, op.value);
  }
  if (op.reg >= 0) s += " -> " + reg_name(regs, op.reg);
  return s;
}

}  // namespace cohsim
