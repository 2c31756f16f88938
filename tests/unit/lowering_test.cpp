// Lowering tables: the x86 table the core runs today (unchanged), spot checks of
// AArch64 (v8.0 and LSE) and RISC-V cells, every valid cell defined, the loop
// structure, docs/lowering.md, `cohsim lower`, and every cell against clang 14's output.
#include "cpu/lowering.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/lower_command.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace cohsim {
namespace {

const Ordering kAll[] = {Ordering::Plain,   Ordering::Relaxed, Ordering::Acquire,
                         Ordering::Release, Ordering::AcqRel,  Ordering::SeqCst};

std::string cell_text(const Lowering& l, OpKind k, Ordering o, Ordering f = Ordering::Relaxed) {
  return Lowering::text(l.cell(k, o, f));
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A scratch directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cohsim_lowering_XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// ---- the tables ------------------------------------------------------------------------

TEST(Lowering, IsaNames) {
  EXPECT_EQ(Lowering::isa_names(), (std::vector<std::string>{"x86", "arm", "riscv"}));
  EXPECT_EQ(Lowering::for_isa("x86").isa(), "x86");
  EXPECT_EQ(Lowering::for_isa("arm").isa(), "arm");
  EXPECT_FALSE(Lowering::for_isa("arm").lse());
  EXPECT_TRUE(Lowering::for_isa("arm", true).lse());
  EXPECT_EQ(Lowering::for_isa("riscv").isa(), "riscv");
  EXPECT_EQ(&Lowering::for_isa("arm"), &Lowering::for_isa("arm"));
  EXPECT_NE(&Lowering::for_isa("arm"), &Lowering::for_isa("arm", true));
  EXPECT_THROW(Lowering::for_isa("mips"), std::logic_error);
  EXPECT_THROW(Lowering::for_isa("x86", true), std::logic_error);
  EXPECT_THROW(Lowering::for_isa("riscv", true), std::logic_error);
  EXPECT_EQ(Lowering::all().size(), 4u);
}

// The x86 table the core runs: the kinds, flags and mnemonics it has always had.
TEST(Lowering, X86IsUnchanged) {
  const Lowering& x = Lowering::for_isa("x86");
  constexpr std::uint8_t locked = kLocked | kDrainStoreBuffer | kWaitOlderLoads;
  struct Want {
    InstKind kind;
    std::uint8_t flags;
    const char* mnemonic;
  };
  auto expect = [&](OpKind k, Ordering o, Ordering f, std::vector<Want> want) {
    const Sequence& s = x.cell(k, o, f);
    SCOPED_TRACE(std::string(name(k)) + " " + name(o) + "/" + name(f));
    EXPECT_TRUE(s.defined);
    ASSERT_EQ(s.n, want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(s.insts[i].kind, want[i].kind);
      EXPECT_EQ(s.insts[i].flags, want[i].flags);
      EXPECT_STREQ(s.insts[i].mnemonic, want[i].mnemonic);
      EXPECT_EQ(s.insts[i].sem, 0);
      EXPECT_EQ(s.insts[i].orders, 0);
      EXPECT_EQ(s.insts[i].branch, BranchKind::None);
      EXPECT_EQ(s.insts[i].ctl, 0);
    }
  };
  for (Ordering o : kAll)
    for (Ordering f : kAll) {
      expect(OpKind::Load, o, f, {{InstKind::Load, kNone, "mov"}});
      if (o == Ordering::SeqCst) expect(OpKind::Store, o, f, {{InstKind::Rmw, locked, "xchg"}});
      else expect(OpKind::Store, o, f, {{InstKind::Store, kNone, "mov"}});
      expect(OpKind::FetchAdd, o, f, {{InstKind::Rmw, locked, "lock xadd"}});
      expect(OpKind::FetchSub, o, f, {{InstKind::Rmw, locked, "lock xadd"}});
      for (OpKind k : {OpKind::FetchAnd, OpKind::FetchOr, OpKind::FetchXor})
        expect(k, o, f, {{InstKind::Rmw, locked, "lock cmpxchg (loop)"}});
      expect(OpKind::Swap, o, f, {{InstKind::Rmw, locked, "xchg"}});
      expect(OpKind::CompareExchange, o, f, {{InstKind::Rmw, locked, "lock cmpxchg"}});
      expect(OpKind::CompareExchangeWeak, o, f, {{InstKind::Rmw, locked, "lock cmpxchg"}});
      if (o == Ordering::SeqCst)
        expect(OpKind::Fence, o, f, {{InstKind::Fence, std::uint8_t(kDrainStoreBuffer | kWaitOlderLoads), "mfence"}});
      else expect(OpKind::Fence, o, f, {});
      expect(OpKind::Compute, o, f, {{InstKind::Compute, kNone, "compute"}});
      expect(OpKind::IFetch, o, f, {{InstKind::IFetch, kNone, "ifetch"}});
    }
  Op op;
  op.kind = OpKind::FetchAdd;
  op.order = Ordering::SeqCst;
  EXPECT_EQ(x.text(op), "lock xadd");
  op.kind = OpKind::Fence;
  op.order = Ordering::Acquire;
  EXPECT_EQ(x.text(op), "(nothing)");
}

TEST(Lowering, ArmSpotChecks) {
  const Lowering& a = Lowering::for_isa("arm");
  EXPECT_EQ(cell_text(a, OpKind::Load, Ordering::Plain), "ldr");
  EXPECT_EQ(cell_text(a, OpKind::Load, Ordering::Relaxed), "ldr");
  EXPECT_EQ(cell_text(a, OpKind::Load, Ordering::Acquire), "ldar");
  EXPECT_EQ(cell_text(a, OpKind::Load, Ordering::SeqCst), "ldar");
  EXPECT_EQ(cell_text(a, OpKind::Store, Ordering::Relaxed), "str");
  EXPECT_EQ(cell_text(a, OpKind::Store, Ordering::Release), "stlr");
  EXPECT_EQ(cell_text(a, OpKind::Store, Ordering::SeqCst), "stlr");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::SeqCst), "ldaxr; add; stlxr; cbnz (loop)");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::Relaxed), "ldxr; add; stxr; cbnz (loop)");
  EXPECT_EQ(cell_text(a, OpKind::FetchSub, Ordering::Acquire), "ldaxr; sub; stxr; cbnz (loop)");
  EXPECT_EQ(cell_text(a, OpKind::FetchOr, Ordering::Release), "ldxr; orr; stlxr; cbnz (loop)");
  EXPECT_EQ(cell_text(a, OpKind::Swap, Ordering::AcqRel), "ldaxr; stlxr; cbnz (loop)");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::SeqCst, Ordering::SeqCst),
            "ldaxr; cmp; b.ne (fail); stlxr; cbnz (loop); fail: clrex");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchangeWeak, Ordering::Release, Ordering::Relaxed),
            "ldxr; cmp; b.ne (fail); stlxr; fail: clrex");
  // The failure ordering strengthens the instructions, as in LLVM.
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Relaxed, Ordering::SeqCst),
            "ldaxr; cmp; b.ne (fail); stlxr; cbnz (loop); fail: clrex");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Release, Ordering::Acquire),
            "ldaxr; cmp; b.ne (fail); stlxr; cbnz (loop); fail: clrex");
  EXPECT_EQ(cell_text(a, OpKind::Fence, Ordering::Acquire), "dmb ishld");
  EXPECT_EQ(cell_text(a, OpKind::Fence, Ordering::Release), "dmb ish");
  EXPECT_EQ(cell_text(a, OpKind::Fence, Ordering::AcqRel), "dmb ish");
  EXPECT_EQ(cell_text(a, OpKind::Fence, Ordering::SeqCst), "dmb ish");

  // The representation a core model reads.
  const Sequence& ldar = a.cell(OpKind::Load, Ordering::SeqCst);
  EXPECT_EQ(ldar.insts[0].kind, InstKind::Load);
  EXPECT_EQ(ldar.insts[0].sem, kAcquire);
  EXPECT_EQ(a.cell(OpKind::Store, Ordering::Release).insts[0].sem, kRelease);
  const Sequence& add = a.cell(OpKind::FetchAdd, Ordering::SeqCst);
  ASSERT_EQ(add.n, 4);
  EXPECT_EQ(add.insts[0].kind, InstKind::Load);
  EXPECT_EQ(add.insts[0].sem, kExclusive | kAcquire);
  EXPECT_EQ(add.insts[0].ctl, kLoopStart);
  EXPECT_EQ(add.insts[1].kind, InstKind::Alu);
  EXPECT_EQ(add.insts[2].kind, InstKind::Store);
  EXPECT_EQ(add.insts[2].sem, kExclusive | kRelease);
  EXPECT_EQ(add.insts[3].kind, InstKind::Branch);
  EXPECT_EQ(add.insts[3].branch, BranchKind::RetryIfStoreFailed);
  const Sequence& cas = a.cell(OpKind::CompareExchange, Ordering::AcqRel, Ordering::Acquire);
  ASSERT_EQ(cas.n, 6);
  EXPECT_EQ(cas.insts[2].branch, BranchKind::ExitIfNotEqual);
  EXPECT_EQ(cas.insts[5].kind, InstKind::ClearExclusive);
  EXPECT_EQ(cas.insts[5].ctl, kFailPath);
  const Sequence& weak = a.cell(OpKind::CompareExchangeWeak, Ordering::AcqRel, Ordering::Acquire);
  ASSERT_EQ(weak.n, 5);
  EXPECT_EQ(weak.insts[0].ctl, 0) << "a weak exchange does not loop";
  EXPECT_EQ(a.cell(OpKind::Fence, Ordering::Acquire).insts[0].orders, kOrderRR | kOrderRW);
  EXPECT_EQ(a.cell(OpKind::Fence, Ordering::SeqCst).insts[0].orders, kOrderAll);
}

TEST(Lowering, ArmLseSpotChecks) {
  const Lowering& a = Lowering::for_isa("arm", true);
  EXPECT_EQ(cell_text(a, OpKind::Load, Ordering::SeqCst), "ldar");
  EXPECT_EQ(cell_text(a, OpKind::Store, Ordering::SeqCst), "stlr");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::SeqCst), "ldaddal");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::Relaxed), "ldadd");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::Acquire), "ldadda");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::Release), "ldaddl");
  EXPECT_EQ(cell_text(a, OpKind::FetchAdd, Ordering::AcqRel), "ldaddal");
  EXPECT_EQ(cell_text(a, OpKind::FetchSub, Ordering::SeqCst), "neg; ldaddal");
  EXPECT_EQ(cell_text(a, OpKind::FetchAnd, Ordering::Acquire), "mvn; ldclra");
  EXPECT_EQ(cell_text(a, OpKind::FetchOr, Ordering::Release), "ldsetl");
  EXPECT_EQ(cell_text(a, OpKind::FetchXor, Ordering::Relaxed), "ldeor");
  EXPECT_EQ(cell_text(a, OpKind::Swap, Ordering::SeqCst), "swpal");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Relaxed, Ordering::Relaxed), "cas");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Acquire, Ordering::Relaxed), "casa");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Release, Ordering::Relaxed), "casl");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchangeWeak, Ordering::SeqCst, Ordering::Relaxed), "casal");
  EXPECT_EQ(cell_text(a, OpKind::CompareExchange, Ordering::Relaxed, Ordering::SeqCst), "casal");
  const Sequence& s = a.cell(OpKind::FetchAdd, Ordering::SeqCst);
  EXPECT_EQ(s.insts[0].kind, InstKind::Rmw);
  EXPECT_EQ(s.insts[0].sem, kAcquire | kRelease);
  EXPECT_EQ(a.cell(OpKind::Swap, Ordering::Acquire).insts[0].sem, kAcquire);
}

TEST(Lowering, RiscVSpotChecks) {
  const Lowering& r = Lowering::for_isa("riscv");
  EXPECT_EQ(cell_text(r, OpKind::Load, Ordering::Plain), "ld");
  EXPECT_EQ(cell_text(r, OpKind::Load, Ordering::Relaxed), "ld");
  EXPECT_EQ(cell_text(r, OpKind::Load, Ordering::Acquire), "ld; fence r,rw");
  EXPECT_EQ(cell_text(r, OpKind::Load, Ordering::SeqCst), "fence rw,rw; ld; fence r,rw");
  EXPECT_EQ(cell_text(r, OpKind::Store, Ordering::Relaxed), "sd");
  EXPECT_EQ(cell_text(r, OpKind::Store, Ordering::Release), "fence rw,w; sd");
  EXPECT_EQ(cell_text(r, OpKind::Store, Ordering::SeqCst), "fence rw,w; sd");
  EXPECT_EQ(cell_text(r, OpKind::FetchAdd, Ordering::SeqCst), "amoadd.d.aqrl");
  EXPECT_EQ(cell_text(r, OpKind::FetchAdd, Ordering::Relaxed), "amoadd.d");
  EXPECT_EQ(cell_text(r, OpKind::FetchSub, Ordering::Acquire), "neg; amoadd.d.aq");
  EXPECT_EQ(cell_text(r, OpKind::FetchAnd, Ordering::Release), "amoand.d.rl");
  EXPECT_EQ(cell_text(r, OpKind::FetchOr, Ordering::AcqRel), "amoor.d.aqrl");
  EXPECT_EQ(cell_text(r, OpKind::FetchXor, Ordering::SeqCst), "amoxor.d.aqrl");
  EXPECT_EQ(cell_text(r, OpKind::Swap, Ordering::Acquire), "amoswap.d.aq");
  EXPECT_EQ(cell_text(r, OpKind::CompareExchange, Ordering::SeqCst, Ordering::SeqCst),
            "lr.d.aqrl; bne (fail); sc.d.aqrl; bnez (loop)");
  EXPECT_EQ(cell_text(r, OpKind::CompareExchange, Ordering::AcqRel, Ordering::Acquire),
            "lr.d.aq; bne (fail); sc.d.rl; bnez (loop)");
  EXPECT_EQ(cell_text(r, OpKind::CompareExchangeWeak, Ordering::Release, Ordering::Relaxed),
            "lr.d; bne (fail); sc.d.rl; bnez (loop)");
  EXPECT_EQ(cell_text(r, OpKind::CompareExchange, Ordering::Relaxed, Ordering::Acquire),
            "lr.d.aq; bne (fail); sc.d; bnez (loop)");
  EXPECT_EQ(cell_text(r, OpKind::Fence, Ordering::Acquire), "fence r,rw");
  EXPECT_EQ(cell_text(r, OpKind::Fence, Ordering::Release), "fence rw,w");
  EXPECT_EQ(cell_text(r, OpKind::Fence, Ordering::AcqRel), "fence.tso");
  EXPECT_EQ(cell_text(r, OpKind::Fence, Ordering::SeqCst), "fence rw,rw");
  EXPECT_EQ(r.cell(OpKind::Fence, Ordering::AcqRel).insts[0].orders, kOrderRR | kOrderRW | kOrderWW);
  EXPECT_EQ(r.cell(OpKind::Fence, Ordering::Release).insts[0].orders, kOrderRW | kOrderWW);
  EXPECT_EQ(r.cell(OpKind::FetchAdd, Ordering::SeqCst).insts[0].sem, kAcquire | kRelease);
  const Sequence& cas = r.cell(OpKind::CompareExchange, Ordering::Acquire, Ordering::Relaxed);
  EXPECT_EQ(cas.insts[0].sem, kExclusive | kAcquire);
  EXPECT_EQ(cas.insts[0].ctl, kLoopStart);
  EXPECT_EQ(cas.insts[1].branch, BranchKind::ExitIfNotEqual);
  EXPECT_EQ(cas.insts[2].sem, kExclusive);
  EXPECT_EQ(cas.insts[3].branch, BranchKind::RetryIfStoreFailed);
}

// Every cell Rust accepts is defined on every ISA; on AArch64 and RISC-V the cells it
// rejects are not, the x86 core flags stay unset, and the loop structure is well formed.
TEST(Lowering, EveryValidCellDefined) {
  int checked = 0;
  for (const Lowering* l : Lowering::all()) {
    const bool x86 = l->isa() == "x86";
    for (int k = 0; k < kNumOpKinds; ++k)
      for (Ordering o : kAll)
        for (Ordering f : kAll) {
          const OpKind kind = OpKind(k);
          const bool cas = kind == OpKind::CompareExchange || kind == OpKind::CompareExchangeWeak;
          if (!cas && f != Ordering::Relaxed) continue;
          const Sequence& s = l->cell(kind, o, f);
          SCOPED_TRACE(l->title() + ": " + name(kind) + " " + name(o) + (cas ? std::string("/") + name(f) : ""));
          const bool valid = Lowering::valid(kind, o, f);
          if (valid) {
            ++checked;
            EXPECT_TRUE(s.defined);
            if (kind == OpKind::Marker) {
              EXPECT_EQ(s.n, 0);  // a region-of-interest marker is no instruction
            } else if (!(x86 && kind == OpKind::Fence && o != Ordering::SeqCst)) {
              EXPECT_GT(s.n, 0);
            }
          } else if (!x86 && kind != OpKind::Compute && kind != OpKind::IFetch) {
            EXPECT_FALSE(s.defined);
            EXPECT_EQ(Lowering::text(s), "(not a valid ordering)");
          }
          if (x86 || !s.defined) continue;
          int loop_start = -1, fail_path = -1, exclusive_loads = 0, exclusive_stores = 0;
          for (int i = 0; i < s.n; ++i) {
            const Inst& in = s.insts[i];
            EXPECT_EQ(in.flags, 0) << in.mnemonic;
            EXPECT_EQ(in.kind == InstKind::Branch, in.branch != BranchKind::None) << in.mnemonic;
            EXPECT_EQ(in.kind == InstKind::Fence, in.orders != 0) << in.mnemonic;
            if (in.ctl & kLoopStart) {
              EXPECT_EQ(i, 0) << "loops start the sequence";
            }
            if (in.ctl & kLoopStart) loop_start = i;
            if ((in.ctl & kFailPath) && fail_path < 0) fail_path = i;
            if (fail_path >= 0) {
              EXPECT_TRUE(in.ctl & kFailPath) << "the fail path is the tail";
            }
            if (in.sem & kExclusive) {
              EXPECT_TRUE(in.kind == InstKind::Load || in.kind == InstKind::Store) << in.mnemonic;
              (in.kind == InstKind::Load ? exclusive_loads : exclusive_stores)++;
            }
            if (in.branch == BranchKind::RetryIfStoreFailed) {
              EXPECT_EQ(loop_start, 0);
              ASSERT_GT(i, 0);
              EXPECT_TRUE(s.insts[i - 1].kind == InstKind::Store && (s.insts[i - 1].sem & kExclusive));
            }
            if (in.branch == BranchKind::ExitIfNotEqual) {
              EXPECT_TRUE(cas);
            }
          }
          EXPECT_EQ(exclusive_loads, exclusive_stores);
          // Every loop has its retry branch.
          if (loop_start >= 0) {
            bool retry = false;
            for (int i = 0; i < s.n; ++i)  // a store-exclusive's retry, or a wait's jump back
              retry |= s.insts[i].branch == BranchKind::RetryIfStoreFailed ||
                       (kind == OpKind::Wait && s.insts[i].branch == BranchKind::LoopBack);
            EXPECT_TRUE(retry);
          }
          // An acquire/release bit names the ordering: only where the ordering has it.
          const Ordering m = cas && f == Ordering::SeqCst ? Ordering::SeqCst : o;
          for (int i = 0; i < s.n; ++i)
            if (s.insts[i].sem & kRelease) {
              EXPECT_TRUE(m == Ordering::Release || m == Ordering::AcqRel || m == Ordering::SeqCst)
                  << s.insts[i].mnemonic;
            }
        }
  }
  EXPECT_GT(checked, 4 * 50);
}

TEST(Lowering, OpUsesBothCasOrderings) {
  const Lowering& r = Lowering::for_isa("riscv");
  Op op;
  op.kind = OpKind::CompareExchange;
  op.order = Ordering::Relaxed;
  op.fail_order = Ordering::Relaxed;
  EXPECT_EQ(r.text(op), "lr.d; bne (fail); sc.d; bnez (loop)");
  op.fail_order = Ordering::SeqCst;
  EXPECT_EQ(r.text(op), "lr.d.aqrl; bne (fail); sc.d.aqrl; bnez (loop)");
}

// ---- docs/lowering.md --------------------------------------------------------------------

// docs/lowering.md is generated. To regenerate it after changing cpu/lowering.cpp:
//   COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='LoweringDocs.*'
TEST(LoweringDocs, ReferenceIsUpToDate) {
  const std::string path = std::string(COHSIM_SOURCE_DIR) + "/docs/lowering.md";
  const std::string generated = lowering_reference_markdown();
  if (std::getenv("COHSIM_UPDATE_DOCS")) std::ofstream(path, std::ios::binary) << generated;
  EXPECT_TRUE(read_file(path) == generated)
      << path << " is out of date with cpu/lowering.cpp; regenerate it with\n"
      << "  COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='LoweringDocs.*'";
}

TEST(LoweringDocs, EveryIsaHasItsTable) {
  const std::string md = lowering_reference_markdown();
  for (const Lowering* l : Lowering::all()) EXPECT_THAT(md, HasSubstr("## " + l->title() + "\n"));
  EXPECT_THAT(md, HasSubstr("| fetch_add | — | `ldxr; add; stxr; cbnz (loop)` |"));
  EXPECT_THAT(md, HasSubstr("| load | `ld` | `ld` | `ld; fence r,rw` | — | — | `fence rw,rw; ld; fence r,rw` |"));
  EXPECT_THAT(md, HasSubstr("| fence | — | — | nothing | nothing | nothing | `mfence` |"));
}

// ---- cohsim lower ----------------------------------------------------------------------

const char* kTrace = R"(thread 0
  store x 1
  store y 1 Release
  compute 20
thread 1
  load y Acquire -> r0
  load x -> r1
  fetch_add z 1 SeqCst -> r2
  compare_exchange z 1 2 AcqRel Acquire -> r3
  fence SeqCst
  fence Acquire
  store.4 0x1000 7 Relaxed
)";

std::string lowered(const std::string& isa, bool lse, bool summary = false) {
  TempDir dir;
  const std::string path = (dir.path / "t.trace").string();
  std::ofstream(path) << kTrace;
  auto trace = Trace::open(path);
  std::ostringstream out;
  print_lowered_trace(*trace, Lowering::for_isa(isa, lse), out, summary);
  return out.str();
}

TEST(LoweringCommand, PrintsEachOpBesideItsSequence) {
  const std::string arm = lowered("arm", false);
  EXPECT_THAT(arm, HasSubstr("lowered for AArch64, ARMv8.0 (exclusives)\nthread 0\n"));
  EXPECT_THAT(arm, HasSubstr("\n  store y 1 Release                         stlr\n"));
  EXPECT_THAT(arm, HasSubstr("\n  fetch_add z 1 SeqCst -> r2                ldaxr; add; stlxr; cbnz (loop)\n"));
  EXPECT_THAT(arm, HasSubstr("\n  compare_exchange z 1 2 AcqRel Acquire -> r3  ldaxr; cmp; b.ne (fail); stlxr; "
                             "cbnz (loop); fail: clrex\n"));
  EXPECT_THAT(arm, HasSubstr("\n  store.4 0x1000 7 Relaxed                  str\n"));
  EXPECT_THAT(arm, HasSubstr("  fences/barriers      2: dmb ishld 1, dmb ish 1\n"));
  EXPECT_THAT(arm, HasSubstr("  acquire/release      6: stlr 1, ldar 1, ldaxr 2, stlxr 2\n"));
  EXPECT_THAT(arm, HasSubstr("  retry loops          2\n"));
  EXPECT_THAT(arm, HasSubstr("  operations           10\n"));

  const std::string lse = lowered("arm", true);
  EXPECT_THAT(lse, HasSubstr("-> r2                ldaddal\n"));
  EXPECT_THAT(lse, HasSubstr("  retry loops          0\n"));

  const std::string rv = lowered("riscv", false);
  EXPECT_THAT(rv, HasSubstr("\n  load y Acquire -> r0                      ld; fence r,rw\n"));
  EXPECT_THAT(rv, HasSubstr("  fences/barriers      4: fence r,rw 2, fence rw,w 1, fence.tso 0, fence rw,rw 1\n"));

  const std::string x86 = lowered("x86", false);
  EXPECT_THAT(x86, HasSubstr("\n  fence Acquire                             (nothing)\n"));
  EXPECT_THAT(x86, HasSubstr("  fences/barriers      1: mfence 1\n"));
  EXPECT_THAT(x86, HasSubstr("  locked instructions  2: lock xadd 1, lock cmpxchg 1\n"));

  const std::string summary = lowered("arm", false, true);
  EXPECT_THAT(summary, ::testing::Not(HasSubstr("thread 0")));
  EXPECT_THAT(summary, HasSubstr("  fences/barriers      2: dmb ishld 1, dmb ish 1\n"));
}

TEST(LoweringCommand, UserErrors) {
  try {
    run_lower_command({"traces/mp.trace", "--isa", "amr"});
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--isa amr: no such ISA; valid: x86, arm, riscv (did you mean 'arm'?)"));
  }
  try {
    run_lower_command({"traces/mp.trace", "--isa", "riscv", "--lse"});
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--lse: LSE atomics are AArch64's"));
  }
  EXPECT_THROW(run_lower_command({"--isa", "arm"}), boost::program_options::error);
  EXPECT_THROW(run_lower_command({"--bogus"}), boost::program_options::error);
  EXPECT_THROW(run_lower_command({"/nonexistent/x.trace"}), UserError);
}

// ---- against clang ---------------------------------------------------------------------

struct Cell {
  OpKind kind;
  Ordering order, fail;
  std::string fn;
};

const char* c_order(Ordering o) {
  switch (o) {
    case Ordering::Relaxed: return "__ATOMIC_RELAXED";
    case Ordering::Acquire: return "__ATOMIC_ACQUIRE";
    case Ordering::Release: return "__ATOMIC_RELEASE";
    case Ordering::AcqRel: return "__ATOMIC_ACQ_REL";
    default: return "__ATOMIC_SEQ_CST";
  }
}

// One C function per valid cell: the C11 operation on a 64-bit long.
std::string c_source(std::vector<Cell>& cells) {
  std::string c;
  for (int k = 0; k <= int(OpKind::Fence); ++k)
    for (Ordering o : kAll)
      for (Ordering f : kAll) {
        const OpKind kind = OpKind(k);
        const bool cas = kind == OpKind::CompareExchange || kind == OpKind::CompareExchangeWeak;
        if ((!cas && f != Ordering::Relaxed) || !Lowering::valid(kind, o, f)) continue;
        const std::string fn = std::string("f_") + name(kind) + "_" + name(o) + (cas ? std::string("_") + name(f) : "");
        const std::string ord = c_order(o);
        cells.push_back({kind, o, f, fn});
        switch (kind) {
          case OpKind::Load:
            c += "long " + fn + "(long *p) { return " +
                 (o == Ordering::Plain ? "*p" : "__atomic_load_n(p, " + ord + ")") + "; }\n";
            break;
          case OpKind::Store:
            c += "void " + fn + "(long *p, long v) { " +
                 (o == Ordering::Plain ? "*p = v" : "__atomic_store_n(p, v, " + ord + ")") + "; }\n";
            break;
          case OpKind::Fence: c += "void " + fn + "(void) { __atomic_thread_fence(" + ord + "); }\n"; break;
          case OpKind::CompareExchange:
          case OpKind::CompareExchangeWeak:
            c += "long " + fn + "(long *p, long e, long d) { __atomic_compare_exchange_n(p, &e, d, " +
                 (kind == OpKind::CompareExchangeWeak ? "1" : "0") + ", " + ord + ", " + c_order(f) +
                 "); return e; }\n";
            break;
          default: {
            const char* b = kind == OpKind::FetchAdd   ? "__atomic_fetch_add"
                            : kind == OpKind::FetchSub ? "__atomic_fetch_sub"
                            : kind == OpKind::FetchAnd ? "__atomic_fetch_and"
                            : kind == OpKind::FetchOr  ? "__atomic_fetch_or"
                            : kind == OpKind::FetchXor ? "__atomic_fetch_xor"
                                                       : "__atomic_exchange_n";
            c += "long " + fn + "(long *p, long v) { return " + b + "(p, v, " + ord + "); }\n";
          }
        }
      }
  return c;
}

// A function of clang's assembly, normalised: mnemonics (a barrier with its operands,
// blanks removed), the index each label stands before, each branch's target label and
// the indices a `ret` stands before.
struct AsmFn {
  std::vector<std::string> insts;
  std::vector<std::string> targets;   // per instruction: the branch target label, or ""
  std::vector<std::string> operands;  // per instruction, blanks removed
  std::map<std::string, int> labels;
  std::vector<int> rets;
};

std::map<std::string, AsmFn> parse_asm(const std::string& path, bool x86) {
  std::map<std::string, AsmFn> fns;
  std::ifstream in(path);
  std::string line, cur;
  while (std::getline(in, line)) {
    const auto comment = line.find(x86 ? "#" : (line.find("//") != std::string::npos ? "//" : "#"));
    if (comment != std::string::npos) line.resize(comment);
    std::istringstream ls(line);
    std::string first;
    if (!(ls >> first)) continue;
    if (first.back() == ':') {
      const std::string label = first.substr(0, first.size() - 1);
      if (label.rfind("f_", 0) == 0) cur = label, fns[cur];
      else if (!cur.empty()) fns[cur].labels[label] = int(fns[cur].insts.size());
      continue;
    }
    if (first[0] == '.' || cur.empty()) continue;
    AsmFn& f = fns[cur];
    std::string rest;
    std::getline(ls, rest);
    std::string ops;
    for (char ch : rest)
      if (ch != ' ' && ch != '\t') ops += ch;
    std::string m = first;
    if (m == "lock") {  // x86 prefix: the instruction follows
      std::istringstream rs(rest);
      std::string next;
      rs >> next;
      m = "lock " + next;
      std::getline(rs, rest);
      ops.clear();
      for (char ch : rest)
        if (ch != ' ' && ch != '\t') ops += ch;
    }
    if (m == "ret" || m == "retq") {
      f.rets.push_back(int(f.insts.size()));
      continue;
    }
    if (m == "mov" || m == "mv") continue;  // the function's register moves
    if (m == "dmb" || m == "fence") m += " " + ops;
    std::string target;
    if (m == "cbnz" || m == "b.ne" || m == "bne" || m == "bnez" || m == "b" || m == "j" || m == "jne") {
      target = ops.substr(ops.rfind(',') == std::string::npos ? 0 : ops.rfind(',') + 1);
    }
    f.insts.push_back(m);
    f.targets.push_back(target);
    f.operands.push_back(ops);
  }
  return fns;
}

void expect_matches_arm_or_riscv(const Lowering& l, const Cell& c, const AsmFn& f) {
  const Sequence& s = l.cell(c.kind, c.order, c.fail);
  SCOPED_TRACE(l.title() + ": " + c.fn + ": table \"" + Lowering::text(s) + "\"");
  std::vector<std::string> want;
  for (int i = 0; i < s.n; ++i) want.push_back(s.insts[i].mnemonic);
  ASSERT_EQ(f.insts, want);
  int fail_path = s.n;
  for (int i = s.n - 1; i >= 0; --i)
    if (s.insts[i].ctl & kFailPath) fail_path = i;
  for (int i = 0; i < s.n; ++i) {
    const Inst& in = s.insts[i];
    if (f.targets[i].empty()) {
      EXPECT_EQ(in.branch, BranchKind::None) << in.mnemonic;
      continue;
    }
    ASSERT_TRUE(f.labels.count(f.targets[i])) << f.targets[i];
    const int to = f.labels.at(f.targets[i]);
    if (to <= i) {  // backward: the retry branch, to the loop start
      EXPECT_EQ(in.branch, BranchKind::RetryIfStoreFailed) << in.mnemonic;
      EXPECT_TRUE(s.insts[to].ctl & kLoopStart) << "loop starts at " << to;
    } else {  // forward: the compare exit, to the fail path or the end
      EXPECT_EQ(in.branch, BranchKind::ExitIfNotEqual) << in.mnemonic;
      EXPECT_EQ(to, fail_path);
    }
  }
  int starts = 0, backward = 0;
  for (int i = 0; i < s.n; ++i) {
    starts += (s.insts[i].ctl & kLoopStart) != 0;
    backward += !f.targets[i].empty() && f.labels.at(f.targets[i]) <= i;
  }
  EXPECT_EQ(starts, backward);
  // The success path returns before the fail path.
  for (int r : f.rets) EXPECT_TRUE(r == fail_path || r == s.n) << "ret before " << r;
  if (fail_path < s.n) {
    EXPECT_THAT(f.rets, ::testing::Contains(fail_path));
  }
}

// The x86 model keeps the instructions that touch memory or order it and folds the
// cmpxchg loop into one "lock cmpxchg (loop)" (see the x86 table's comment).
void expect_matches_x86(const Lowering& l, const Cell& c, const AsmFn& f) {
  const Sequence& s = l.cell(c.kind, c.order, c.fail);
  SCOPED_TRACE(l.title() + ": " + c.fn + ": table \"" + Lowering::text(s) + "\"");
  bool loop = false;
  for (std::size_t i = 0; i < f.insts.size(); ++i) loop |= !f.targets[i].empty() && f.labels.at(f.targets[i]) <= int(i);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < f.insts.size(); ++i) {
    std::string m = f.insts[i];
    if (m.back() == 'q') m.pop_back();  // movq, xaddq, cmpxchgq, xchgq
    const bool touches_memory = f.operands[i].find('(') != std::string::npos;
    const bool orders = m == "mfence" || m.rfind("lock ", 0) == 0 || m == "xchg";
    if (!orders && !(m == "mov" && touches_memory)) continue;  // neg, and/or/xor, jne, register movs
    if (m == "mov" && loop) continue;                          // the cmpxchg loop's first load
    got.push_back(loop && m.rfind("lock ", 0) == 0 ? m + " (loop)" : m);
  }
  std::vector<std::string> want;
  for (int i = 0; i < s.n; ++i) want.push_back(s.insts[i].mnemonic);
  EXPECT_EQ(got, want);
}

bool have_clang() { return std::system("clang --version > /dev/null 2>&1") == 0; }

TEST(LoweringClang, EveryCellMatchesClang14) {
  if (!have_clang()) GTEST_SKIP() << "clang is not on PATH";
  TempDir dir;
  std::vector<Cell> cells;
  const std::string src = (dir.path / "cells.c").string();
  std::ofstream(src) << c_source(cells);
  struct Target {
    const Lowering* table;
    const char* flags;
    const char* out;
  };
  const Target targets[] = {
      {&Lowering::for_isa("arm"), "--target=aarch64-linux-gnu", "arm.s"},
      {&Lowering::for_isa("arm", true), "--target=aarch64-linux-gnu -march=armv8.1-a", "lse.s"},
      {&Lowering::for_isa("riscv"), "--target=riscv64-linux-gnu -march=rv64gc", "riscv.s"},
      {&Lowering::for_isa("x86"), "--target=x86_64-linux-gnu", "x86.s"},
  };
  for (const Target& t : targets) {
    const std::string out = (dir.path / t.out).string();
    const std::string cmd = std::string("clang -O2 -S ") + t.flags + " -w -o " + out + " " + src;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const bool x86 = t.table->isa() == "x86";
    const auto fns = parse_asm(out, x86);
    for (const Cell& c : cells) {
      ASSERT_TRUE(fns.count(c.fn)) << c.fn << " not in " << t.out;
      if (x86) expect_matches_x86(*t.table, c, fns.at(c.fn));
      else expect_matches_arm_or_riscv(*t.table, c, fns.at(c.fn));
    }
  }
  EXPECT_EQ(cells.size(), 72u);  // 4 loads, 4 stores, 30 RMWs, 30 exchanges, 4 fences
}

}  // namespace
}  // namespace cohsim
