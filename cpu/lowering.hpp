// Lowering: each trace operation (Rust operation and ordering) becomes the
// instruction sequence an ISA executes, one table per ISA, following the standard
// C/C++11 (= Rust) mappings as LLVM emits them. The core then gives each
// instruction its architectural meaning; nothing here knows about timing.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/trace/op.hpp"

namespace cohsim {

// What an instruction does, in hardware terms.
enum class InstKind : std::uint8_t {
  Load,     // read memory into a register
  Store,    // write memory through the store buffer
  Rmw,      // atomic read-modify-write (the trace op says which)
  Fence,    // a barrier (flags say which accesses it orders)
  Compute,  // busy cycles
  IFetch,   // counted only
};

// Ordering properties of an instruction.
enum InstFlags : std::uint8_t {
  kNone = 0,
  kDrainStoreBuffer = 1 << 0,  // waits until every older store has left the store buffer
  kWaitOlderLoads = 1 << 1,    // waits until every older load has performed
  kLocked = 1 << 2,            // x86 lock prefix: performs atomically holding the line
};

struct Inst {
  InstKind kind;
  std::uint8_t flags;
  const char* mnemonic;  // as the ISA spells it
};

struct Sequence {
  std::uint8_t n = 0;
  std::array<Inst, 4> insts{};
};

class Lowering {
 public:
  // The table of an ISA by its configuration name ("x86"); throws std::logic_error
  // for an unknown name (the config validates names with isa_names()).
  static const Lowering& for_isa(const std::string& isa);
  static std::vector<std::string> isa_names();

  const std::string& isa() const { return isa_; }
  const Sequence& lower(const Op& op) const {
    return table_[std::size_t(op.kind) * kNumOrderings + std::size_t(op.order)];
  }
  std::string text(const Op& op) const;  // "lock xadd" or "mov; mfence"

 protected:
  explicit Lowering(std::string isa) : isa_(std::move(isa)), table_(kNumOpKinds * kNumOrderings) {}
  void set(OpKind k, Ordering o, std::initializer_list<Inst> seq);
  void set_all(OpKind k, std::initializer_list<Inst> seq);

 private:
  std::string isa_;
  std::vector<Sequence> table_;
};

}  // namespace cohsim
