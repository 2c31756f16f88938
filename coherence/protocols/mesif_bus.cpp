// MESIF on a snooping bus (Intel's Forward state), on the Primer's atomic baseline:
// among the caches sharing a clean line, exactly one holds it in F and answers
// reads; the others stay silent in S. The newest reader takes F, so the forwarder
// is the cache most likely to keep the line. With no F copy (it was evicted),
// memory answers.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& mesif_bus() {
  static const ProtocolTable t(
      "mesif", "bus", "MESI plus Forward: one designated sharer answers reads for a clean shared line",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; does not answer reads", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"F", "forward: a shared clean copy that answers reads (at most one cache)", true, Permission::Read},
          {"M", "modified: the only copy, dirty", true, Permission::Write},
          {"IS_AD", "I->F/E, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->F/E, GetS ordered, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, waiting for our GetM to be ordered and for data", false, Permission::None},
          {"IM_D", "I->M, GetM ordered, waiting for data", false, Permission::None},
          {"SM_AD", "S/F->M, waiting for our GetM to be ordered and for data", false, Permission::Read},
          {"SM_D", "S/F->M, GetM ordered, waiting for data", false, Permission::Read},
          {"MI_A", "M->I, waiting for our PutM to be ordered (in the writeback buffer)", false, Permission::Write},
          {"II_A", "M->I, lost the line before our PutM was ordered", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::OwnGetS, E::OwnGetM, E::OwnPutM, E::OtherGetS, E::OtherGetM, E::OtherPutM,
       E::Data, E::DataExclusive},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_AD"),
          row("I", {E::Store}, {A::IssueGetM}, "IM_AD"),
          row("I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),

          stall("IS_AD", {E::Load, E::Store}),
          row("IS_AD", {E::OwnGetS}, {}, "IS_D"),
          row("IS_AD", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          stall("IS_D", {E::Load, E::Store}),
          row("IS_D", {E::Data}, {A::LoadHit}, "F"),  // the newest sharer forwards
          row("IS_D", {E::DataExclusive}, {A::LoadHit}, "E"),

          stall("IM_AD", {E::Load, E::Store}),
          row("IM_AD", {E::OwnGetM}, {}, "IM_D"),
          row("IM_AD", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          stall("IM_D", {E::Load, E::Store}),
          row("IM_D", {E::Data}, {A::StoreHit}, "M"),

          row("S", {E::Load}, {A::LoadHit}),
          row("S", {E::Store}, {A::IssueGetM}, "SM_AD"),
          row("S", {E::Replacement}, {}, "I"),
          row("S", {E::OtherGetS, E::OtherPutM}, {}),
          row("S", {E::OtherGetM}, {}, "I"),

          row("F", {E::Load}, {A::LoadHit}),
          row("F", {E::Store}, {A::IssueGetM}, "SM_AD"),
          row("F", {E::Replacement}, {}, "I"),
          row("F", {E::OtherGetS}, {A::SendDataToReq}, "S"),  // hands F to the requester
          row("F", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("F", {E::OtherPutM}, {}),

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),
          row("E", {E::Replacement}, {}, "I"),
          row("E", {E::OtherGetS}, {A::SendDataToReq}, "S"),
          row("E", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("E", {E::OtherPutM}, {}),

          row("SM_AD", {E::Load}, {A::LoadHit}),
          stall("SM_AD", {E::Store}),
          row("SM_AD", {E::Replacement}, {}, "IM_AD"),
          row("SM_AD", {E::OwnGetM}, {}, "SM_D"),
          row("SM_AD", {E::OtherGetS, E::OtherPutM}, {}),
          row("SM_AD", {E::OtherGetM}, {}, "IM_AD"),
          row("SM_D", {E::Load}, {A::LoadHit}),
          stall("SM_D", {E::Store}),
          row("SM_D", {E::Data}, {A::StoreHit}, "M"),

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::OtherGetS}, {A::SendDataToReq, A::SendDataToMem}, "S"),
          row("M", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("M", {E::OtherPutM}, {}),

          row("MI_A", {E::Load}, {A::LoadHit}),
          row("MI_A", {E::Store}, {A::StoreHit}),
          row("MI_A", {E::OwnPutM}, {A::SendDataToMem}, "I"),
          row("MI_A", {E::OtherGetS}, {A::SendDataToReq, A::SendDataToMem}, "II_A"),
          row("MI_A", {E::OtherGetM}, {A::SendDataToReq}, "II_A"),
          row("MI_A", {E::OtherPutM}, {}),

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::OwnPutM}, {}, "I"),
          row("II_A", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(mesif_bus);
}  // namespace cohsim
