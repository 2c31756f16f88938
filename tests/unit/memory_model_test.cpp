// The ordering rules as data (cpu/memory_model.hpp): ordered_before() over every pair
// of the memory instructions each ISA's lowering emits, against tables written here
// by hand from the architecture documents, not from the implementation:
//   x86-64   Intel SDM vol. 3A 8.2.2/9.2.2 ("loads are not reordered with other loads,
//            stores with older loads, stores with other stores; loads may be reordered
//            with older stores to different locations; locked instructions have a total
//            order"), herd7 x86tso.cat
//   AArch64  Arm ARM B2.3 (Barrier-ordered-before: [A];po, po;[L], [L];po;[A], dmb),
//            herd7 aarch64.cat
//   RISC-V   unprivileged spec ch. 17 (RVWMO) preserved program order rules 1-7,
//            herd7 riscv.cat
// Each access row is an instruction found in the ISA's lowering table by mnemonic (so
// the classification of the real table is what is checked); `dmb ishst` is built
// here (clang emits none for these operations).
#include "cpu/memory_model.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cohsim {
namespace {

// The instruction of `l` with this kind and mnemonic (the first cell that has it).
Inst find(const Lowering& l, InstKind kind, const std::string& mnemonic) {
  for (int k = 0; k < kNumStraightOpKinds; ++k)
    for (int o = 0; o < kNumOrderings; ++o)
      for (int f = 0; f < kNumOrderings; ++f) {
        const Sequence& s = l.cell(OpKind(k), Ordering(o), Ordering(f));
        for (int i = 0; i < s.n; ++i)
          if (s.insts[i].kind == kind && mnemonic == s.insts[i].mnemonic) return s.insts[i];
      }
  ADD_FAILURE() << l.title() << ": no " << mnemonic;
  return Inst{kind, 0, "?"};
}

struct Named {
  std::string name;
  Inst inst;
};

struct Expect {
  const char* isa;
  bool lse;
  std::vector<std::pair<InstKind, const char*>> accesses;
  std::vector<const char*> different;  // row: earlier, column: later; '1' ordered
  std::vector<const char*> same;       // the same location
  struct Barrier {
    const char* name;
    Inst built;             // used when kind is Fence and mnemonic not in the table
    const char* earlier;    // which accesses (the columns above) are ordered before it
    const char* later;      // which are ordered after it
  };
  std::vector<Barrier> barriers;
  std::uint8_t deps;
};

const Inst kNone{InstKind::Compute, 0, nullptr};

std::vector<Expect> expectations() {
  std::vector<Expect> v;
  // x86: every pair but store -> load; locked instructions order everything; the same
  // location adds nothing (a load after a store to it is forwarded the stored value).
  v.push_back({"x86",
               false,
               {{InstKind::Load, "mov"}, {InstKind::Store, "mov"}, {InstKind::Rmw, "lock xadd"}, {InstKind::Rmw, "xchg"}},
               {"1111", "0111", "1111", "1111"},
               {"1111", "0111", "1111", "1111"},
               {{"mfence", kNone, "1111", "1111"}},
               kDepAddr | kDepData | kDepCtrlStore | kDepCtrlLoad});
  // AArch64: columns ldr str ldar stlr ldadd ldadda ldaddl ldaddal. Different
  // locations: only acquire (later all), release (earlier all), release -> acquire
  // (RCsc). Same location: coherence (R->R, R->W, W->W), a store -> load forwarded.
  const std::vector<const char*> weak_diff{"00010011", "00010011", "11111111", "00110111",
                                           "00010011", "11111111", "00110111", "11111111"};
  const std::vector<const char*> weak_same{"11111111", "01011111", "11111111", "01111111",
                                           "11111111", "11111111", "11111111", "11111111"};
  v.push_back({"arm",
               true,
               {{InstKind::Load, "ldr"},
                {InstKind::Store, "str"},
                {InstKind::Load, "ldar"},
                {InstKind::Store, "stlr"},
                {InstKind::Rmw, "ldadd"},
                {InstKind::Rmw, "ldadda"},
                {InstKind::Rmw, "ldaddl"},
                {InstKind::Rmw, "ldaddal"}},
               weak_diff,
               weak_same,
               {{"dmb ish", kNone, "11111111", "11111111"},
                {"dmb ishld", kNone, "10101111", "11111111"},
                {"dmb ishst", Inst{InstKind::Fence, 0, "dmb ishst", kPlainAccess, kOrderWW}, "01011111", "01011111"}},
               kDepAddr | kDepData | kDepCtrlStore});
  // RISC-V: columns ld sd lr.d.aq sc.d.rl amoadd.d .aq .rl .aqrl. Rules 5 (acquire),
  // 6 (release), 7 (both RCsc: release -> acquire); same location rules 1 (-> store)
  // and 2 (load -> load; the core keeps every same-line pair, stronger than rule 2's
  // exception for two loads reading the same write, which is allowed).
  v.push_back({"riscv",
               false,
               {{InstKind::Load, "ld"},
                {InstKind::Store, "sd"},
                {InstKind::Load, "lr.d.aq"},
                {InstKind::Store, "sc.d.rl"},
                {InstKind::Rmw, "amoadd.d"},
                {InstKind::Rmw, "amoadd.d.aq"},
                {InstKind::Rmw, "amoadd.d.rl"},
                {InstKind::Rmw, "amoadd.d.aqrl"}},
               weak_diff,
               weak_same,
               {{"fence rw,rw", kNone, "11111111", "11111111"},
                {"fence r,rw", kNone, "10101111", "11111111"},
                {"fence rw,w", kNone, "11111111", "01011111"},
                {"fence.tso", kNone, "11111111", "11111111"}},
               kDepAddr | kDepData | kDepCtrlStore});
  return v;
}

TEST(OrderingRules, EveryPairOfMemoryInstructionsMatchesTheArchitectureTable) {
  for (const Expect& x : expectations()) {
    const OrderingRules& m = OrderingRules::for_isa(x.isa);
    const Lowering& l = Lowering::for_isa(x.isa, x.lse);
    std::vector<Named> acc;
    for (auto& [k, mn] : x.accesses) acc.push_back({mn, find(l, k, mn)});
    ASSERT_EQ(x.different.size(), acc.size());
    int checked = 0;
    for (std::size_t a = 0; a < acc.size(); ++a)
      for (std::size_t b = 0; b < acc.size(); ++b)
        for (bool same : {false, true}) {
          const bool want = (same ? x.same : x.different)[a][b] == '1';
          EXPECT_EQ(ordered_before(m, m.classify(acc[a].inst), m.classify(acc[b].inst), same), want)
              << x.isa << ": " << acc[a].name << " -> " << acc[b].name << (same ? " (same location)" : "");
          ++checked;
        }
    for (const auto& bar : x.barriers) {
      const Inst f = bar.built.kind == InstKind::Fence ? bar.built : find(l, InstKind::Fence, bar.name);
      for (std::size_t a = 0; a < acc.size(); ++a) {
        EXPECT_EQ(ordered_before(m, m.classify(acc[a].inst), m.classify(f), false), bar.earlier[a] == '1')
            << x.isa << ": " << acc[a].name << " -> " << bar.name;
        EXPECT_EQ(ordered_before(m, m.classify(f), m.classify(acc[a].inst), false), bar.later[a] == '1')
            << x.isa << ": " << bar.name << " -> " << acc[a].name;
        checked += 2;
      }
    }
    EXPECT_GE(checked, 32) << x.isa;
    EXPECT_EQ(m.dependencies, x.deps) << x.isa;
  }
}

// A barrier orders the pairs of its sets, not more: fence.tso and dmb ishld do not
// order an earlier store before a later load (the classic SB+fence.tso outcome).
TEST(OrderingRules, BarriersOrderOnlyTheirPairs) {
  const OrderingRules& rv = OrderingRules::for_isa("riscv");
  const MemOp tso = rv.classify(find(Lowering::for_isa("riscv"), InstKind::Fence, "fence.tso"));
  EXPECT_EQ(tso.orders & kOrderWR, 0);
  EXPECT_EQ(tso.orders, kOrderRR | kOrderRW | kOrderWW);
  const OrderingRules& arm = OrderingRules::for_isa("arm");
  const MemOp ld = arm.classify(find(Lowering::for_isa("arm"), InstKind::Fence, "dmb ishld"));
  EXPECT_EQ(ld.orders, kOrderRR | kOrderRW);
  // x86's mfence is marked by flags in its table; the description makes it a full barrier.
  const OrderingRules& x86 = OrderingRules::for_isa("x86");
  EXPECT_EQ(x86.classify(find(Lowering::for_isa("x86"), InstKind::Fence, "mfence")).orders, kOrderAll);
}

// The table the core looks up is the predicate, for every class pair.
TEST(OrderingRules, OrderTableIsThePredicate) {
  for (const OrderingRules* m : OrderingRules::all()) {
    const OrderTable t(*m);
    for (unsigned a = 0; a < 12; ++a)
      for (unsigned b = 0; b < 12; ++b)
        for (bool same : {false, true}) {
          const MemOp x{MemKind(a / 4), std::uint8_t(a % 4)}, y{MemKind(b / 4), std::uint8_t(b % 4)};
          EXPECT_EQ(t.before(OrderTable::cls(x), OrderTable::cls(y), same), ordered_before(*m, x, y, same));
        }
  }
}

TEST(OrderingRules, UnknownIsaIsRefused) { EXPECT_THROW(OrderingRules::for_isa("mips"), std::logic_error); }

}  // namespace
}  // namespace cohsim
