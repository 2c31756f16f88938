// MSI on a snooping bus with atomic requests and atomic transactions: the baseline
// protocol of the Primer (Sorin, Hill, Wood, 2nd ed., section 7.2), cache side.
// The bus is held from a request's address phase to its data phase, so a cache in
// IS^D, IM^D or SM^D never sees another request before its data.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& msi_bus() {
  static const ProtocolTable t(
      "msi", "bus", "three-state invalidation protocol (Modified, Shared, Invalid)",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy, memory is up to date", true, Permission::Read},
          {"M", "modified: the only copy, readable and writable, memory is stale", true, Permission::Write},
          {"IS_AD", "I->S, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->S, GetS ordered, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, waiting for our GetM to be ordered and for data", false, Permission::None},
          {"IM_D", "I->M, GetM ordered, waiting for data", false, Permission::None},
          {"SM_AD", "S->M (upgrade), waiting for our GetM to be ordered and for data", false, Permission::Read},
          {"SM_D", "S->M, GetM ordered, waiting for data", false, Permission::Read},
          {"MI_A", "M->I, waiting for our PutM to be ordered (in the writeback buffer)", false, Permission::Write},
          {"II_A", "M->I, lost the line before our PutM was ordered", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::OwnGetS, E::OwnGetM, E::OwnPutM, E::OtherGetS, E::OtherGetM, E::OtherPutM,
       E::Data},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_AD"),
          row("I", {E::Store}, {A::IssueGetM}, "IM_AD"),
          row("I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),

          stall("IS_AD", {E::Load, E::Store}),
          row("IS_AD", {E::OwnGetS}, {}, "IS_D"),
          row("IS_AD", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          stall("IS_D", {E::Load, E::Store}),
          row("IS_D", {E::Data}, {A::LoadHit}, "S"),

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

          row("SM_AD", {E::Load}, {A::LoadHit}),
          stall("SM_AD", {E::Store}),
          // A fill that needs this way drops the shared copy; the GetM stays pending.
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
      },
      {
          {"I,Replacement", "an invalid line is never chosen as a victim"},
          {"IS_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"SM_D,Replacement", "atomic transactions: no fill completes between our GetM and its data"},
          {"MI_A,Replacement", "the line already left the array for the writeback buffer"},
          {"II_A,Replacement", "the line already left the array for the writeback buffer"},
          {"IS_D,Other-GetS", "atomic transactions: the bus is ours until our data arrives"},
          {"IS_D,Other-GetM", "atomic transactions"},
          {"IS_D,Other-PutM", "atomic transactions"},
          {"IM_D,Other-GetS", "atomic transactions"},
          {"IM_D,Other-GetM", "atomic transactions"},
          {"IM_D,Other-PutM", "atomic transactions"},
          {"SM_D,Other-GetS", "atomic transactions"},
          {"SM_D,Other-GetM", "atomic transactions"},
          {"SM_D,Other-PutM", "atomic transactions"},
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(msi_bus);
}  // namespace cohsim
