// What makes each protocol different, in counts a student derives by hand. The
// `compute` gaps are far longer than a miss, so the threads take turns.
#include <gtest/gtest.h>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

std::string l1_only(const std::string& protocol, int cores) {
  return "cores: " + std::to_string(cores) + "\nl2: null\nl3: null\ncheck: true\ncoherence: {protocol: " + protocol +
         "}\n";
}

TEST(ProtocolCounts, ReadThenWriteCostsTwoTransactionsUnderMsiOneUnderMesi) {
  const char* trace = "thread 0\n  load x -> r\n  fence SeqCst\n  store x 1\n";
  auto msi = simulate(l1_only("msi", 1), trace);
  ASSERT_EQ(msi.exit_code, 0) << msi.err;
  EXPECT_EQ(msi.at("bus.transactions"), 2);  // GetS, then GetM to upgrade
  EXPECT_EQ(msi.at("core0.l1d.silent_upgrades"), 0);
  for (const char* p : {"mesi", "moesi", "mesif"}) {
    auto r = simulate(l1_only(p, 1), trace);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("bus.transactions"), 1) << p;  // GetS answered exclusive: E, then E->M silently
    EXPECT_EQ(r.at("bus.msgs.GetS"), 1) << p;
    EXPECT_EQ(r.at("core0.l1d.silent_upgrades"), 1) << p;
  }
}

TEST(ProtocolCounts, MoesiKeepsADirtyLineOwnedAndMemoryUnwritten) {
  // t0 writes x (GetM, M). t1 reads it (GetS): t0 supplies it and becomes O, memory
  // is not written. t2 reads it: the owner supplies it again.
  const char* trace = R"(
thread 0
  store x 7
thread 1
  compute 1500
  load x -> a
thread 2
  compute 3000
  load x -> b
)";
  auto r = simulate(l1_only("moesi", 3), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.GetM"), 1);
  EXPECT_EQ(r.at("bus.msgs.GetS"), 2);
  EXPECT_EQ(r.at("bus.cache_to_cache"), 2);
  EXPECT_EQ(r.at("bus.memory_writebacks"), 0);
  EXPECT_EQ(r.at("memory.writes"), 0);
  EXPECT_EQ(r.at("core0.l1d.cells.M.Other-GetS"), 1);
  EXPECT_EQ(r.at("core0.l1d.cells.O.Other-GetS"), 1);
  EXPECT_EQ(r.at("core1.regs.a"), 7);
  EXPECT_EQ(r.at("core2.regs.b"), 7);
  // Under MESI the same reads write the dirty line back to memory (M -> S).
  auto m = simulate(l1_only("mesi", 3), trace);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(m.at("bus.memory_writebacks"), 1);
  EXPECT_EQ(m.at("bus.cache_to_cache"), 1);  // the second reader gets it from memory
}

TEST(ProtocolCounts, DragonUpdatesSharersInsteadOfInvalidating) {
  // t0 and t1 read x (t0: E, then both Sc). t0 writes x: one update, no
  // invalidation; t1's next read hits and returns the new value.
  const char* trace = R"(
thread 0
  load x -> a
  compute 3000
  store x 5
thread 1
  compute 1500
  load x -> b
  compute 3000
  load x -> c
)";
  auto r = simulate(l1_only("dragon", 2), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.GetS"), 2);
  EXPECT_EQ(r.at("bus.msgs.Upd"), 1);
  EXPECT_EQ(r.at("bus.msgs.GetM"), 0);
  EXPECT_EQ(r.at("bus.transactions"), 3);
  EXPECT_EQ(r.at("core0.l1d.invalidations") + r.at("core1.l1d.invalidations"), 0);
  EXPECT_EQ(r.at("core1.l1d.updates_received"), 1);
  EXPECT_EQ(r.at("core1.l1d.load_hits"), 1);  // the third read hits the updated copy
  EXPECT_EQ(r.at("core1.regs.c"), 5);
  EXPECT_EQ(r.at("core0.l1d.cells.Sc_U.Own-Upd"), 1);  // t0 ends in Sm: it owns the dirty line
}

TEST(ProtocolCounts, MesifHasOneForwarderAmongSharers) {
  // Three cores read x in turn. The first gets it from memory (E); the second from
  // the E copy, and takes F; the third from the F copy, and takes F. Memory is read
  // once; the S copies never answer.
  const char* trace = R"(
thread 0
  load x -> a
thread 1
  compute 1500
  load x -> b
thread 2
  compute 3000
  load x -> c
)";
  auto r = simulate(l1_only("mesif", 3), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.GetS"), 3);
  EXPECT_EQ(r.at("memory.reads"), 1);
  EXPECT_EQ(r.at("bus.cache_to_cache"), 2);
  EXPECT_EQ(r.at("core0.l1d.cells.E.Other-GetS"), 1);
  EXPECT_EQ(r.at("core1.l1d.cells.F.Other-GetS"), 1);
  EXPECT_EQ(r.at("core0.l1d.cells.S.Other-GetS"), 1);  // silent
  // Under MESI both later readers are served by memory.
  auto m = simulate(l1_only("mesi", 3), trace);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(m.at("memory.reads"), 3);
  EXPECT_EQ(m.at("bus.cache_to_cache"), 0);
}

TEST(ProtocolCounts, MigratorySharingUnderEachInvalidationProtocol) {
  // A counter that migrates: each core in turn reads it and writes it back.
  // MSI: each visit is a GetS and a GetM (the first visit's GetS is answered by
  // memory, the later ones by the last writer, which goes M->S). 3 visits: 6.
  // MESI: the first visit reads exclusive and upgrades silently (1); the others
  // read a line another cache holds (GetS + GetM): 1 + 2 + 2 = 5.
  const char* trace = R"(
thread 0
  load x -> a
  store x 1
thread 1
  compute 1500
  load x -> b
  store x 2
thread 2
  compute 3000
  load x -> c
  store x 3
)";
  auto msi = simulate(l1_only("msi", 3), trace);
  ASSERT_EQ(msi.exit_code, 0) << msi.err;
  EXPECT_EQ(msi.at("bus.transactions"), 6);
  auto mesi = simulate(l1_only("mesi", 3), trace);
  ASSERT_EQ(mesi.exit_code, 0) << mesi.err;
  EXPECT_EQ(mesi.at("bus.transactions"), 5);
  EXPECT_EQ(mesi.at("core2.regs.c"), 2);
}

}  // namespace
