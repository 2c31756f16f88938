// MOESI on a snooping bus with atomic requests and transactions (the Primer, 2nd ed.,
// section 7.4 on the baseline of 7.2). Owned (O): a dirty line that other caches
// share; the owner answers reads, so a dirty line read by another core moves
// M -> O and memory is not written. Only the eviction of an owner writes back.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& moesi_bus() {
  static const ProtocolTable t(
      "moesi", "bus",
      "MESI plus Owned: a dirty line can be shared, its owner supplies it and memory stays stale until "
      "the owner evicts it",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; memory or an owner holds the data", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"O", "owned: dirty and shared; this cache answers reads and must write the line back", true,
           Permission::Read},
          {"M", "modified: the only copy, dirty", true, Permission::Write},
          {"IS_AD", "I->S/E, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->S/E, GetS ordered, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, waiting for our GetM to be ordered and for data", false, Permission::None},
          {"IM_D", "I->M, GetM ordered, waiting for data", false, Permission::None},
          {"SM_AD", "S->M, waiting for our GetM to be ordered and for data", false, Permission::Read},
          {"SM_D", "S->M, GetM ordered, waiting for data", false, Permission::Read},
          {"OM_A", "O->M, waiting for our GetM to be ordered; our data is current", false, Permission::Read},
          {"MI_A", "M->I, waiting for our PutM to be ordered (in the writeback buffer)", false, Permission::Write},
          {"OI_A", "O->I, waiting for our PutM to be ordered (in the writeback buffer)", false, Permission::Read},
          {"II_A", "lost the line before our PutM was ordered", false, Permission::None},
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
          row("IS_D", {E::Data}, {A::LoadHit}, "S"),
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

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),
          row("E", {E::Replacement}, {}, "I"),
          row("E", {E::OtherGetS}, {}, "S"),
          row("E", {E::OtherGetM}, {}, "I"),
          row("E", {E::OtherPutM}, {}),  // a stale PutM from a cache that lost the line: ignored

          row("O", {E::Load}, {A::LoadHit}),
          row("O", {E::Store}, {A::IssueGetM}, "OM_A"),
          row("O", {E::Replacement}, {A::IssuePutM}, "OI_A"),
          row("O", {E::OtherGetS}, {A::SendDataToReq}),
          row("O", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("O", {E::OtherPutM}, {}),

          row("SM_AD", {E::Load}, {A::LoadHit}),
          stall("SM_AD", {E::Store}),
          row("SM_AD", {E::Replacement}, {}, "IM_AD"),
          row("SM_AD", {E::OwnGetM}, {}, "SM_D"),
          row("SM_AD", {E::OtherGetS, E::OtherPutM}, {}),
          row("SM_AD", {E::OtherGetM}, {}, "IM_AD"),
          row("SM_D", {E::Load}, {A::LoadHit}),
          stall("SM_D", {E::Store}),
          row("SM_D", {E::Data}, {A::StoreHit}, "M"),

          row("OM_A", {E::Load}, {A::LoadHit}),
          stall("OM_A", {E::Store}),
          row("OM_A", {E::OwnGetM}, {A::OwnDataSuffices, A::StoreHit}, "M"),
          row("OM_A", {E::OtherGetS}, {A::SendDataToReq}),
          row("OM_A", {E::OtherGetM}, {A::SendDataToReq}, "IM_AD"),
          row("OM_A", {E::OtherPutM}, {}),

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::OtherGetS}, {A::SendDataToReq}, "O"),  // no memory writeback
          row("M", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("M", {E::OtherPutM}, {}),

          row("MI_A", {E::Load}, {A::LoadHit}),
          row("MI_A", {E::Store}, {A::StoreHit}),
          row("MI_A", {E::OwnPutM}, {A::SendDataToMem}, "I"),
          row("MI_A", {E::OtherGetS}, {A::SendDataToReq}, "OI_A"),
          row("MI_A", {E::OtherGetM}, {A::SendDataToReq}, "II_A"),
          row("MI_A", {E::OtherPutM}, {}),

          row("OI_A", {E::Load}, {A::LoadHit}),
          stall("OI_A", {E::Store}),
          row("OI_A", {E::OwnPutM}, {A::SendDataToMem}, "I"),
          row("OI_A", {E::OtherGetS}, {A::SendDataToReq}),
          row("OI_A", {E::OtherGetM}, {A::SendDataToReq}, "II_A"),
          row("OI_A", {E::OtherPutM}, {}),

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::OwnPutM}, {}, "I"),
          row("II_A", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
      },
      {
          {"OM_A,Replacement",
           "a line waiting for its own transaction is never chosen as a victim: the controller takes another way"},
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(moesi_bus);
}  // namespace cohsim
