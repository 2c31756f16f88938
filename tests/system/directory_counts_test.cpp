// The directory protocols in counts a student derives by hand from the Primer's
// tables (chapter 8): which messages each request costs. The `compute` gaps are far
// longer than a miss, so the threads take turns.
#include <gtest/gtest.h>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

std::string dir(const std::string& protocol, int cores, const std::string& more = "") {
  return "cores: " + std::to_string(cores) + "\nl2: null\nl3: null\ncheck: true\ncoherence: {protocol: " + protocol +
         ", fabric: directory}\n" + more;
}

TEST(DirectoryCounts, ReadThenWriteCostsTwoRequestsUnderMsiOneUnderMesiAndMoesi) {
  const char* trace = "thread 0\n  load x -> r\n  fence SeqCst\n  store x 1\n";
  auto msi = simulate(dir("msi", 1), trace);
  ASSERT_EQ(msi.exit_code, 0) << msi.err;
  EXPECT_EQ(msi.at("network.msgs.GetS"), 1);
  EXPECT_EQ(msi.at("network.msgs.GetM"), 1);  // the upgrade S -> M
  EXPECT_EQ(msi.at("network.msgs.Data"), 2);
  EXPECT_EQ(msi.at("network.messages"), 4);
  EXPECT_EQ(msi.at("core0.l1d.silent_upgrades"), 0);
  for (const char* p : {"mesi", "moesi"}) {
    auto r = simulate(dir(p, 1), trace);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("network.msgs.GetS"), 1) << p;  // answered with exclusive data: E
    EXPECT_EQ(r.at("network.msgs.GetM"), 0) << p;  // E -> M silently
    EXPECT_EQ(r.at("network.messages"), 2) << p;
    EXPECT_EQ(r.at("core0.l1d.silent_upgrades"), 1) << p;
    EXPECT_EQ(r.at("directory.dircells.I.GetS"), 1) << p;
  }
}

TEST(DirectoryCounts, MsiWriterReaderWriterMessagesAsThePrimerCountsThem) {
  // t0 writes x: GetM, Data from the directory (2 messages).
  // t1 reads x: GetS, Fwd-GetS to t0, t0 sends Data to t1 and to the directory (4).
  // t2 writes x: GetM; the directory sends Data with ack count 2 and Inv to t0 and
  // t1, which each send t2 an Inv-Ack (6). Twelve in all.
  const char* trace = R"(
thread 0
  store x 1
thread 1
  compute 2000
  load x -> a
thread 2
  compute 4000
  store x 2
)";
  auto r = simulate(dir("msi", 3), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("network.msgs.GetM"), 2);
  EXPECT_EQ(r.at("network.msgs.GetS"), 1);
  EXPECT_EQ(r.at("network.msgs.Fwd-GetS"), 1);
  EXPECT_EQ(r.at("network.msgs.Data"), 4);
  EXPECT_EQ(r.at("network.msgs.Inv"), 2);
  EXPECT_EQ(r.at("network.msgs.Inv-Ack"), 2);
  EXPECT_EQ(r.at("network.messages"), 12);
  EXPECT_EQ(r.at("directory.memory_writes"), 1);  // the data t0 sent the directory
  EXPECT_EQ(r.at("core2.l1d.cells.IM_AD.Data(ack>0)") + r.at("core2.l1d.cells.IM_AD.Data(ack=0)"), 1);
  EXPECT_EQ(r.at("core1.regs.a"), 1);
}

TEST(DirectoryCounts, MoesiOwnerAnswersReadersAndMemoryIsNotWritten) {
  // t0 writes x; t1 and t2 read it. Under MOESI the directory forwards both GetS to
  // the owner, which stays O and sends the data itself: memory is never written.
  const char* trace = R"(
thread 0
  store x 7
thread 1
  compute 2000
  load x -> a
thread 2
  compute 4000
  load x -> b
)";
  auto r = simulate(dir("moesi", 3), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("network.msgs.Fwd-GetS"), 2);
  EXPECT_EQ(r.at("network.msgs.Data"), 3);  // directory -> t0, t0 -> t1, t0 -> t2
  EXPECT_EQ(r.at("directory.memory_writes"), 0);
  EXPECT_EQ(r.at("core0.l1d.cells.M.Fwd-GetS"), 1);
  EXPECT_EQ(r.at("core0.l1d.cells.O.Fwd-GetS"), 1);
  EXPECT_EQ(r.at("directory.dircells.O.GetS"), 1);
  EXPECT_EQ(r.at("core1.regs.a"), 7);
  EXPECT_EQ(r.at("core2.regs.b"), 7);
  // Under MESI the first read sends the dirty data to the directory too (memory is
  // written) and the second read is answered by the directory from memory.
  auto m = simulate(dir("mesi", 3), trace);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(m.at("network.msgs.Fwd-GetS"), 1);
  EXPECT_EQ(m.at("network.msgs.Data"), 4);
  EXPECT_EQ(m.at("directory.memory_writes"), 1);
  EXPECT_EQ(m.at("core2.regs.b"), 7);
}

TEST(DirectoryCounts, MigratoryLineMovesOwnerToOwnerWithOneForwardEach) {
  // Each thread in turn reads then writes x (migratory sharing). Under MSI every
  // hand-off costs GetS + Fwd-GetS + 2 Data, then GetM + Data(acks=1) + Inv + Inv-Ack.
  const char* trace = R"(
thread 0
  load x -> a
  store x 1
thread 1
  compute 2000
  load x -> a
  store x 2
thread 2
  compute 4000
  load x -> a
  store x 3
)";
  auto r = simulate(dir("msi", 3), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // t0: GetS, Data, GetM, Data (4). t1 and t2: 4 + 4 each (8, 8). Twenty in all.
  EXPECT_EQ(r.at("network.msgs.GetS"), 3);
  EXPECT_EQ(r.at("network.msgs.GetM"), 3);
  EXPECT_EQ(r.at("network.msgs.Fwd-GetS"), 2);
  EXPECT_EQ(r.at("network.msgs.Inv"), 2);
  EXPECT_EQ(r.at("network.msgs.Inv-Ack"), 2);
  EXPECT_EQ(r.at("network.msgs.Data"), 8);
  EXPECT_EQ(r.at("network.messages"), 20);
  EXPECT_EQ(r.at("core2.regs.a"), 2);
}

TEST(DirectoryCounts, EachLinkLatencyCycleAddsTwoToAColdLoad) {
  // A cold load crosses the crossbar twice (GetS to the directory, data back): ten
  // more cycles per link add twenty uncore cycles (10 ns at 2 GHz, 30 core cycles at
  // 3 GHz) to the run.
  const char* trace = "thread 0\n  load x -> r\n";
  auto a = simulate(dir("msi", 1, "network: {link_latency: 4cycles}\n"), trace);
  auto b = simulate(dir("msi", 1, "network: {link_latency: 14cycles}\n"), trace);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.at("time_ps") - a.at("time_ps"), 10000);
  EXPECT_EQ(b.at("network.avg_latency_uncore_cycles") - a.at("network.avg_latency_uncore_cycles"), 10);
}

TEST(DirectoryCounts, DragonAndMesifOnADirectoryAreRefusedClearly) {
  for (const char* p : {"dragon", "mesif"}) {
    auto r = simulate(dir(p, 2), "thread 0\n  load x -> r\n");
    EXPECT_EQ(r.exit_code, 1) << p;
    EXPECT_NE(r.err.find("protocol " + std::string(p) + " is not available on a directory"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("msi"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  }
  auto d = simulate(dir("dragon", 2), "thread 0\n  load x -> r\n");
  EXPECT_NE(d.err.find("it needs the snooping bus"), std::string::npos) << d.err;
}

}  // namespace
