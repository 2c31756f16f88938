// MESI on a split-transaction snooping bus: the split MSI table (msi_split_bus.cpp,
// after the Primer, 2nd ed., section 7.5: IS_D_I, IM_D_S, IM_D_I, IM_D_SI, SM_D_*,
// deferred responses, memory waiting for an owner-to-be's copy) plus Exclusive
// (section 7.3). One more transient state: a GetS ordered after ours while our data
// is on its way makes that data shared even if it left memory as exclusive
// (IS_D_S), or a silent store in E would write a line another cache reads.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& mesi_split_bus() {
  static const ProtocolTable t(
      "mesi", kSplitBusFabric,
      "MSI plus Exclusive: a line read with no other sharer can be written without a bus transaction; split "
      "transactions",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy, memory is up to date", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"M", "modified: the only copy, readable and writable, memory is stale", true, Permission::Write},
          {"IS_AD", "I->S, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->S, GetS ordered, waiting for data", false, Permission::None},
          {"IS_D_S", "I->S, a GetS was ordered after ours: the data makes S even if it left memory exclusive", false,
           Permission::None},
          {"IS_D_I", "I->S->I, a GetM was ordered after ours: load once on the data, then drop it", false,
           Permission::None},
          {"IM_AD", "I->M, waiting for our GetM to be ordered and for data", false, Permission::None},
          {"IM_D", "I->M, GetM ordered, waiting for data", false, Permission::None},
          {"IM_D_I", "I->M->I, a GetM was ordered after ours: store once, then send the line to its requester", false,
           Permission::None},
          {"IM_D_S", "I->M->S, a GetS was ordered after ours: store once, then send the line to it and to memory",
           false, Permission::None},
          {"IM_D_SI", "I->M->S->I, a GetS then a GetM were ordered after ours", false, Permission::None},
          {"SM_AD", "S->M (upgrade), waiting for our GetM to be ordered and for data", false, Permission::Read},
          {"SM_D", "S->M, GetM ordered, waiting for data", false, Permission::Read},
          {"SM_D_I", "S->M->I, a GetM was ordered after ours", false, Permission::Read},
          {"SM_D_S", "S->M->S, a GetS was ordered after ours", false, Permission::Read},
          {"SM_D_SI", "S->M->S->I, a GetS then a GetM were ordered after ours", false, Permission::Read},
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
          row("IS_D", {E::OtherGetS}, {}, "IS_D_S"),
          row("IS_D", {E::OtherPutM}, {}),
          row("IS_D", {E::OtherGetM}, {}, "IS_D_I"),
          row("IS_D", {E::Data}, {A::LoadHit}, "S"),
          row("IS_D", {E::DataExclusive}, {A::LoadHit}, "E"),
          stall("IS_D_S", {E::Load, E::Store}),
          row("IS_D_S", {E::OtherGetS, E::OtherPutM}, {}),
          row("IS_D_S", {E::OtherGetM}, {}, "IS_D_I"),
          row("IS_D_S", {E::Data, E::DataExclusive}, {A::LoadHit}, "S"),
          stall("IS_D_I", {E::Load, E::Store}),
          row("IS_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IS_D_I", {E::Data, E::DataExclusive}, {A::LoadHit}, "I"),

          stall("IM_AD", {E::Load, E::Store}),
          row("IM_AD", {E::OwnGetM}, {}, "IM_D"),
          row("IM_AD", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          stall("IM_D", {E::Load, E::Store}),
          row("IM_D", {E::OtherGetS}, {A::DeferDataToReq, A::DeferDataToMem}, "IM_D_S"),
          row("IM_D", {E::OtherGetM}, {A::DeferDataToReq}, "IM_D_I"),
          row("IM_D", {E::OtherPutM}, {}),
          row("IM_D", {E::Data}, {A::StoreHit}, "M"),
          stall("IM_D_I", {E::Load, E::Store}),
          row("IM_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IM_D_I", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),
          stall("IM_D_S", {E::Load, E::Store}),
          row("IM_D_S", {E::OtherGetS, E::OtherPutM}, {}),
          row("IM_D_S", {E::OtherGetM}, {}, "IM_D_SI"),
          row("IM_D_S", {E::Data}, {A::StoreHit, A::SendDataToReq, A::SendDataToMem}, "S"),
          stall("IM_D_SI", {E::Load, E::Store}),
          row("IM_D_SI", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IM_D_SI", {E::Data}, {A::StoreHit, A::SendDataToReq, A::SendDataToMem}, "I"),

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
          row("SM_D", {E::OtherGetS}, {A::DeferDataToReq, A::DeferDataToMem}, "SM_D_S"),
          row("SM_D", {E::OtherGetM}, {A::DeferDataToReq}, "SM_D_I"),
          row("SM_D", {E::OtherPutM}, {}),
          row("SM_D", {E::Data}, {A::StoreHit}, "M"),
          row("SM_D_I", {E::Load}, {A::LoadHit}),
          stall("SM_D_I", {E::Store}),
          row("SM_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("SM_D_I", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),
          row("SM_D_S", {E::Load}, {A::LoadHit}),
          stall("SM_D_S", {E::Store}),
          row("SM_D_S", {E::OtherGetS, E::OtherPutM}, {}),
          row("SM_D_S", {E::OtherGetM}, {}, "SM_D_SI"),
          row("SM_D_S", {E::Data}, {A::StoreHit, A::SendDataToReq, A::SendDataToMem}, "S"),
          row("SM_D_SI", {E::Load}, {A::LoadHit}),
          stall("SM_D_SI", {E::Store}),
          row("SM_D_SI", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("SM_D_SI", {E::Data}, {A::StoreHit, A::SendDataToReq, A::SendDataToMem}, "I"),

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),  // the silent upgrade
          row("E", {E::Replacement}, {}, "I"),       // clean: nothing to write back
          row("E", {E::OtherGetS}, {}, "S"),         // memory is up to date and answers
          row("E", {E::OtherGetM}, {}, "I"),
          row("E", {E::OtherPutM}, {}),

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
          {"IS_D_S,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_D_I,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_I,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_S,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_SI,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"SM_D,Replacement", "a line waiting for its own data is never chosen as a victim: the fill takes another way"},
          {"SM_D_I,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"SM_D_S,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"SM_D_SI,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"MI_A,Replacement", "the line already left the array for the writeback buffer"},
          {"II_A,Replacement", "the line already left the array for the writeback buffer"},
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(mesi_split_bus);
}  // namespace cohsim
