// Protocol tables are checked when they are built; the MSI table says what the
// Primer says; the printed table is the executed one.
#include <gtest/gtest.h>

#include "coherence/protocol.hpp"

using namespace cohsim;

namespace {

std::vector<StateInfo> two_states() {
  return {{"I", "invalid", true, Permission::None}, {"S", "shared", true, Permission::Read}};
}

TEST(ProtocolTable, MsiOnTheBusIsRegistered) {
  const ProtocolTable* t = find_protocol("msi", "bus");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->states()[0].name, "I");
  EXPECT_NE(find_protocol("msi", "directory"), nullptr);
  EXPECT_NE(find_protocol("msi", kHomeFabric), nullptr);
  EXPECT_EQ(find_protocol("dragon", "directory"), nullptr);  // an update protocol needs the bus
}

TEST(ProtocolTable, MsiCellsFollowThePrimer) {
  const ProtocolTable& t = *find_protocol("msi", "bus");
  auto st = [&](const char* s) { return t.state_index(s); };
  const Cell& i_load = t.cell(st("I"), Event::Load);
  EXPECT_EQ(i_load.kind, CellKind::Do);
  EXPECT_EQ(i_load.actions[0], Action::IssueGetS);
  EXPECT_EQ(i_load.next, st("IS_AD"));
  const Cell& m_gets = t.cell(st("M"), Event::OtherGetS);
  ASSERT_EQ(m_gets.num_actions, 2);
  EXPECT_EQ(m_gets.actions[0], Action::SendDataToReq);
  EXPECT_EQ(m_gets.actions[1], Action::SendDataToMem);
  EXPECT_EQ(m_gets.next, st("S"));
  EXPECT_EQ(t.cell(st("S"), Event::OtherGetM).next, st("I"));
  EXPECT_EQ(t.cell(st("IS_D"), Event::Load).kind, CellKind::Stall);
  EXPECT_EQ(t.cell(st("SM_AD"), Event::OtherGetM).next, st("IM_AD"));
  // Every stable state says what a load and a store do.
  for (int s = 0; s < t.num_states(); ++s)
    if (t.states()[s].stable) {
      EXPECT_NE(t.cell(std::uint8_t(s), Event::Load).kind, CellKind::Impossible) << t.states()[s].name;
      EXPECT_NE(t.cell(std::uint8_t(s), Event::Store).kind, CellKind::Impossible) << t.states()[s].name;
    }
}

TEST(ProtocolTable, TwoRowsForOneCellAreRefused) {
  EXPECT_THROW(ProtocolTable("bad", "bus", "", two_states(), {Event::Load},
                             {row("I", {Event::Load}, {Action::IssueGetS}, "S"),
                              row("I", {Event::Load}, {Action::IssueGetS}, "S")}),
               std::logic_error);
}

TEST(ProtocolTable, UnknownStateOrUndeclaredEventIsRefused) {
  EXPECT_THROW(
      ProtocolTable("bad", "bus", "", two_states(), {Event::Load}, {row("I", {Event::Load}, {Action::IssueGetS}, "X")}),
      std::logic_error);
  EXPECT_THROW(ProtocolTable("bad", "bus", "", two_states(), {Event::Load},
                             {row("I", {Event::Store}, {Action::IssueGetM}, "S")}),
               std::logic_error);
}

TEST(ProtocolTable, PrintsTheCellsItExecutes) {
  const ProtocolTable& t = *find_protocol("msi", "bus");
  const std::string text = t.to_text();
  EXPECT_NE(text.find("issue GetS /IS_AD"), std::string::npos) << text;
  EXPECT_NE(text.find("send data to requestor, send data to memory /S"), std::string::npos) << text;
  const std::string csv = t.to_csv();
  EXPECT_NE(csv.find("M,Other-GetM,do,send data to requestor,I"), std::string::npos) << csv;
  EXPECT_NE(csv.find("IS_D,Load,stall,,"), std::string::npos) << csv;
  EXPECT_NE(t.to_markdown().find("| M |"), std::string::npos);
  EXPECT_NE(t.to_html().find("<td class=\"stall\">stall</td>"), std::string::npos);
}

TEST(ProtocolTable, DotDrawsTheStableStatesThroughTheirTransientOnes) {
  const std::string dot = find_protocol("mesi", "bus")->to_dot();
  EXPECT_NE(dot.find("\"I\" -> \"E\" [label=\"Load, Own-GetS, Data-Excl\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"E\" -> \"M\" [label=\"Store\"]"), std::string::npos) << dot;  // silent
  EXPECT_EQ(dot.find("IS_AD"), std::string::npos) << dot;  // transient states are folded into edges
}

TEST(ProtocolTable, EveryImpossibleCellSaysWhy) {
  for (const ProtocolTable* t : all_protocols())
    for (int s = 0; s < t->num_states(); ++s)
      for (Event e : t->events()) {
        const Cell& c = t->cell(std::uint8_t(s), e);
        if (c.kind == CellKind::Impossible) {
          EXPECT_FALSE(c.why.empty()) << t->name() << " " << t->states()[s].name;
        }
      }
}

}  // namespace
