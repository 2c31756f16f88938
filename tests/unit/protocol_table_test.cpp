// Protocol tables are checked when they are built; the MSI table says what the
// Primer says; the printed table is the executed one.
#include <gtest/gtest.h>

#include "coherence/protocol.hpp"
#include "sim/base/error.hpp"

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
}

TEST(ProtocolTable, DotDrawsTheStableStatesThroughTheirTransientOnes) {
  const std::string dot = find_protocol("mesi", "bus")->to_dot();
  // A core event's edge is solid and labelled event/action; the stable state it reaches
  // through transient ones is named by the event that decided it.
  EXPECT_NE(dot.find("\"I\" -> \"E\" [label=\"Load/GetS (Data-Excl)\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"I\" -> \"S\" [label=\"Load/GetS (Data)\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"E\" -> \"M\" [label=\"Store/hit\"];"), std::string::npos) << dot;  // the silent upgrade
  // Snooped transitions are dashed; self-loops are drawn.
  EXPECT_NE(dot.find("\"M\" -> \"I\" [label=\"Other-GetM/Data\", style=dashed];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"S\" -> \"S\" [label=\"Load/hit\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"S\" -> \"S\" [label=\"Other-GetS\\nOther-PutM\", style=dashed];"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("\"I\" -> \"I\""), std::string::npos) << dot;  // an invalid line ignoring the fabric
  EXPECT_EQ(dot.find("IS_AD"), std::string::npos) << dot;  // transient states are folded into edges
  // Every edge is solid or dashed according to where its event comes from.
  for (const ProtocolTable* t : all_protocols()) {
    const std::string d = t->to_dot();
    std::size_t pos = 0;
    while ((pos = d.find(" -> ", pos)) != std::string::npos) {
      const std::size_t lab = d.find("[label=\"", pos) + 8, eol = d.find('\n', pos);
      const std::string label = d.substr(lab, d.find('"', lab) - lab);
      const bool core = label.rfind("Load", 0) == 0 || label.rfind("Store", 0) == 0 || label.rfind("Replacement", 0) == 0;
      const bool dashed = d.substr(pos, eol - pos).find("style=dashed") != std::string::npos;
      if (!is_home_fabric(t->fabric())) EXPECT_EQ(dashed, !core) << t->name() << " " << t->fabric() << ": " << d.substr(pos, eol - pos);
      else EXPECT_FALSE(dashed);
      pos = eol;
    }
  }
}

TEST(ProtocolTable, HtmlIsAPageWithALegendAndHoverTextOnEveryCell) {
  const ProtocolTable& t = *find_protocol("msi", "bus");
  const std::string page = show_protocol("msi", "bus", "html", false);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<style>"), std::string::npos);
  EXPECT_NE(page.find("class=\"legend\""), std::string::npos);
  // Each kind of cell has its class and a hover text saying what it does.
  EXPECT_NE(page.find("<td class=\"stall\" title=\"In IS_AD, Load (the core reads the line) stalls"), std::string::npos)
      << page;
  EXPECT_NE(page.find("<td class=\"do to-transient\" title=\"In I, on Load (the core reads the line): put a GetS"),
            std::string::npos);
  EXPECT_NE(page.find("<td class=\"impossible\" title=\"In I, Replacement"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"transient\">"), std::string::npos);
  std::size_t cells = 0, titled = 0;
  for (std::size_t p = 0; (p = page.find("<td ", p)) != std::string::npos; ++p) {
    ++cells;
    const std::size_t end = page.find('>', p);
    titled += page.substr(p, end - p).find(" title=\"") != std::string::npos;
  }
  EXPECT_EQ(cells, std::size_t(t.num_states()) * t.events().size());
  EXPECT_EQ(titled, cells);
  // A directory's page holds the caches' table and the home's, in one document.
  const std::string dir = show_protocol("msi", "directory", "html", false);
  EXPECT_EQ(dir.find("<!DOCTYPE html>", 1), std::string::npos);
  EXPECT_NE(dir.find("(directory-home)"), std::string::npos);
}

TEST(ProtocolTable, SvgAndPngAreDrawnByGraphviz) {
  if (system("command -v dot >/dev/null 2>&1") != 0) {
    // Without Graphviz the message names the package to install.
    try {
      show_protocol("msi", "bus", "svg", false);
      FAIL() << "svg without Graphviz";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("graphviz"), std::string::npos) << e.what();
    }
    GTEST_SKIP() << "Graphviz's dot is not installed (scripts/deps.sh installs it)";
  }
  const std::string svg = show_protocol("mesi", "bus", "svg", false);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("Load/GetS (Data&#45;Excl)"), std::string::npos) << svg.substr(0, 2000);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);  // the dashed snooped edges
  const std::string png = show_protocol("mesi", "bus", "png", false);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
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
