// Programs: threads whose operations read registers, branch and loop (see
// traces/README.md, "Programs"). A program thread is held in memory as a vector of
// ops; branches name the index of the op they continue at.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cpu/trace/op.hpp"

namespace cohsim {

// Checks a program thread and sets each op's flags (kOpInSpinLoop). Throws
// UserError "PATH:LINE: ..." when
//   - a branch target lies outside the thread (index > ops.size()),
//   - a register may be read before it is written on some path from the start,
//   - a loop (a cycle of branches) has no memory access and no exit: it would run
//     forever without any effect a simulator (or another thread) could observe.
// `regs` names the thread's registers (for messages).
void check_program(std::vector<Op>& ops, const std::string& path, unsigned thread,
                   const std::vector<std::string>& regs);

// Successors of op i in a program of n ops (n: the end of the thread).
inline int successors(const std::vector<Op>& ops, std::size_t i, std::uint32_t out[2]) {
  const Op& op = ops[i];
  if (op.kind != OpKind::Branch) {
    out[0] = std::uint32_t(i + 1);
    return 1;
  }
  if (op.cond == Cond::Always) {
    out[0] = op.target;
    return 1;
  }
  out[0] = std::uint32_t(i + 1);
  out[1] = op.target;
  return 2;
}

// The op as a text trace writes it (`fetch_add [x + r1] v SeqCst -> r2`, `beq r0 1 L4`,
// `wait flag == 1 Acquire`), with `addr` naming addresses and branches naming their
// target op i `L<i>` (the writer puts `L<i>:` before that op).
std::string op_text(const Op& op, const std::function<std::string(Addr)>& addr, const std::vector<std::string>& regs);

}  // namespace cohsim
