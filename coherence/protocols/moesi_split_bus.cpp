// MOESI on a split-transaction snooping bus: the split MESI table (mesi_split_bus.cpp,
// after the Primer, 2nd ed., section 7.5) plus Owned (section 7.4). Memory is never
// written on a GetS, so an owner-to-be answers every request ordered after its own
// (IM_D_O: one or more GetS, it stays the owner; IM_D_OI: then a GetM, it hands the
// line over) and memory never waits for it. An owner's upgrade (O->M) needs no data,
// but its completion still waits for the line's older responses on the bus: OM_A
// goes to SM_D on its own GetM, and the bus's acknowledgement is its Data. As in
// split MESI, IS_D_S keeps a reader that another GetS follows out of E, and IS_D_I
// lets a reader that a GetM follows load once.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& moesi_split_bus() {
  static const ProtocolTable t(
      "moesi", kSplitBusFabric,
      "MESI plus Owned: a dirty line can be shared, its owner supplies it and memory stays stale until the "
      "owner evicts it; split transactions",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; memory or an owner holds the data", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"O", "owned: dirty and shared; this cache answers reads and must write the line back", true,
           Permission::Read},
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
          {"IM_D_O", "I->M->O, GetS(es) were ordered after ours: store once, then send the line to them", false,
           Permission::None},
          {"IM_D_OI", "I->M->O->I, GetS(es) then a GetM were ordered after ours", false, Permission::None},
          {"SM_AD", "S->M (upgrade), waiting for our GetM to be ordered and for data", false, Permission::Read},
          {"SM_D", "S/O->M, GetM ordered, waiting for data (or, from O, for the bus's acknowledgement)", false,
           Permission::Read},
          {"SM_D_I", "S/O->M->I, a GetM was ordered after ours", false, Permission::Read},
          {"SM_D_O", "S/O->M->O, GetS(es) were ordered after ours", false, Permission::Read},
          {"SM_D_OI", "S/O->M->O->I, GetS(es) then a GetM were ordered after ours", false, Permission::Read},
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
          row("IM_D", {E::OtherGetS}, {A::DeferDataToReq}, "IM_D_O"),
          row("IM_D", {E::OtherGetM}, {A::DeferDataToReq}, "IM_D_I"),
          row("IM_D", {E::OtherPutM}, {}),
          row("IM_D", {E::Data}, {A::StoreHit}, "M"),
          stall("IM_D_I", {E::Load, E::Store}),
          row("IM_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IM_D_I", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),
          stall("IM_D_O", {E::Load, E::Store}),
          row("IM_D_O", {E::OtherGetS}, {A::DeferDataToReq}),
          row("IM_D_O", {E::OtherGetM}, {A::DeferDataToReq}, "IM_D_OI"),
          row("IM_D_O", {E::OtherPutM}, {}),
          row("IM_D_O", {E::Data}, {A::StoreHit, A::SendDataToReq}, "O"),
          stall("IM_D_OI", {E::Load, E::Store}),
          row("IM_D_OI", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IM_D_OI", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),

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
          row("SM_D", {E::OtherGetS}, {A::DeferDataToReq}, "SM_D_O"),
          row("SM_D", {E::OtherGetM}, {A::DeferDataToReq}, "SM_D_I"),
          row("SM_D", {E::OtherPutM}, {}),
          row("SM_D", {E::Data}, {A::StoreHit}, "M"),
          row("SM_D_I", {E::Load}, {A::LoadHit}),
          stall("SM_D_I", {E::Store}),
          row("SM_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("SM_D_I", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),
          row("SM_D_O", {E::Load}, {A::LoadHit}),
          stall("SM_D_O", {E::Store}),
          row("SM_D_O", {E::OtherGetS}, {A::DeferDataToReq}),
          row("SM_D_O", {E::OtherGetM}, {A::DeferDataToReq}, "SM_D_OI"),
          row("SM_D_O", {E::OtherPutM}, {}),
          row("SM_D_O", {E::Data}, {A::StoreHit, A::SendDataToReq}, "O"),
          row("SM_D_OI", {E::Load}, {A::LoadHit}),
          stall("SM_D_OI", {E::Store}),
          row("SM_D_OI", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("SM_D_OI", {E::Data}, {A::StoreHit, A::SendDataToReq}, "I"),

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),  // the silent upgrade
          row("E", {E::Replacement}, {}, "I"),       // clean: nothing to write back
          row("E", {E::OtherGetS}, {}, "S"),         // memory is up to date and answers
          row("E", {E::OtherGetM}, {}, "I"),
          row("E", {E::OtherPutM}, {}),

          row("O", {E::Load}, {A::LoadHit}),
          row("O", {E::Store}, {A::IssueGetM}, "OM_A"),
          row("O", {E::Replacement}, {A::IssuePutM}, "OI_A"),
          row("O", {E::OtherGetS}, {A::SendDataToReq}),
          row("O", {E::OtherGetM}, {A::SendDataToReq}, "I"),
          row("O", {E::OtherPutM}, {}),

          row("OM_A", {E::Load}, {A::LoadHit}),
          stall("OM_A", {E::Store}),
          row("OM_A", {E::OwnGetM}, {A::OwnDataSuffices}, "SM_D"),
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
          {"IS_D_S,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_D_I,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_I,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_O,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D_OI,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IS_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_AD,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"IM_D,Replacement", "a line being fetched lives in an MSHR, not in the array"},
          {"SM_D,Replacement", "a line waiting for its own data is never chosen as a victim: the fill takes another way"},
          {"SM_D_I,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"SM_D_O,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"SM_D_OI,Replacement", "a line waiting for its own data is never chosen as a victim"},
          {"OM_A,Replacement",
           "a line waiting for its own transaction is never chosen as a victim: the controller takes another way"},
          {"OI_A,Replacement", "the line already left the array for the writeback buffer"},
          {"MI_A,Replacement", "the line already left the array for the writeback buffer"},
          {"II_A,Replacement", "the line already left the array for the writeback buffer"},
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(moesi_split_bus);
}  // namespace cohsim
