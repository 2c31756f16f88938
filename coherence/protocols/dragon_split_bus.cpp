// Dragon on a split-transaction snooping bus (the update protocol of dragon_bus.cpp;
// Culler, Singh and Gupta, section 5.4.2, with the Primer's split transactions,
// section 7.5). Dragon needs no deferred responses: a write miss reads the line
// (GetS) and then updates the sharers, so no cache ever owes data it does not hold.
// Two things change while our GetS waits for its data: a GetS ordered after ours
// makes the line shared (IS_D_S, IW_D_S: never E, and the write miss's store must
// update), and an update ordered after ours carries the whole newer line, which the
// MSHR keeps and the arriving (older) data does not overwrite.
//
// The atomic table's notes: A store to a
// shared line broadcasts the new data (BusUpd) and every sharer takes it; nothing is
// invalidated. States: E (exclusive clean), Sc (shared clean), Sm (shared modified:
// the owner, which writes the line back), M (exclusive dirty). Reads are GetS
// (BusRd); the shared line tells the reader and the writer whether others hold it.
// A write miss reads the line first, then updates the sharers if there are any.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& dragon_split_bus() {
  static const ProtocolTable t(
      "dragon", kSplitBusFabric,
      "update protocol: a store to a shared line sends the data to the sharers instead of "
      "invalidating them; split transactions",
      {
          {"I", "invalid: no copy (Dragon has no invalid state proper; a line not present)", true, Permission::None},
          {"E", "exclusive clean: the only copy, memory up to date", true, Permission::Read},
          {"Sc", "shared clean: other caches may hold it; stores go out as updates", true, Permission::Read},
          {"Sm", "shared modified: shared, dirty, this cache owns it and writes it back", true, Permission::Read},
          {"M", "modified: the only copy, dirty", true, Permission::Write},
          {"IS_AD", "I->E/Sc, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->E/Sc, GetS ordered, waiting for data", false, Permission::None},
          {"IS_D_S", "I->Sc, a GetS or an update was ordered after ours: the line is shared when it arrives", false,
           Permission::None},
          {"IW_AD", "write miss: waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IW_D", "write miss: GetS ordered, waiting for data", false, Permission::None},
          {"IW_D_S", "write miss, a GetS or an update was ordered after ours: the store must update the sharers",
           false, Permission::None},
          {"Sc_U", "Sc with a store waiting for our update to be ordered", false, Permission::Read},
          {"Sm_U", "Sm with a store waiting for our update to be ordered", false, Permission::Read},
          {"MI_A", "M/Sm->I, waiting for our PutM to be ordered (in the writeback buffer)", false, Permission::Read},
          {"II_A", "lost ownership before our PutM was ordered", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::OwnGetS, E::OwnPutM, E::OwnUpd, E::OwnUpdAlone, E::OtherGetS, E::OtherPutM,
       E::OtherUpd, E::Data, E::DataExclusive},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_AD"),
          row("I", {E::Store}, {A::IssueGetS}, "IW_AD"),
          row("I", {E::OtherGetS, E::OtherPutM, E::OtherUpd}, {}),

          stall("IS_AD", {E::Load, E::Store}),
          row("IS_AD", {E::OwnGetS}, {}, "IS_D"),
          row("IS_AD", {E::OtherGetS, E::OtherPutM, E::OtherUpd}, {}),
          stall("IS_D", {E::Load, E::Store}),
          row("IS_D", {E::OtherGetS}, {}, "IS_D_S"),
          row("IS_D", {E::OtherUpd}, {A::ApplyUpdate}, "IS_D_S"),
          row("IS_D", {E::OtherPutM}, {}),
          row("IS_D", {E::Data}, {A::LoadHit}, "Sc"),
          row("IS_D", {E::DataExclusive}, {A::LoadHit}, "E"),
          stall("IS_D_S", {E::Load, E::Store}),
          row("IS_D_S", {E::OtherGetS, E::OtherPutM}, {}),
          row("IS_D_S", {E::OtherUpd}, {A::ApplyUpdate}),
          row("IS_D_S", {E::Data, E::DataExclusive}, {A::LoadHit}, "Sc"),

          stall("IW_AD", {E::Load, E::Store}),
          row("IW_AD", {E::OwnGetS}, {}, "IW_D"),
          row("IW_AD", {E::OtherGetS, E::OtherPutM, E::OtherUpd}, {}),
          stall("IW_D", {E::Load, E::Store}),
          row("IW_D", {E::OtherGetS}, {}, "IW_D_S"),
          row("IW_D", {E::OtherUpd}, {A::ApplyUpdate}, "IW_D_S"),
          row("IW_D", {E::OtherPutM}, {}),
          row("IW_D", {E::Data}, {A::IssueUpd}, "Sc_U"),
          row("IW_D", {E::DataExclusive}, {A::StoreHit}, "M"),
          stall("IW_D_S", {E::Load, E::Store}),
          row("IW_D_S", {E::OtherGetS, E::OtherPutM}, {}),
          row("IW_D_S", {E::OtherUpd}, {A::ApplyUpdate}),
          row("IW_D_S", {E::Data, E::DataExclusive}, {A::IssueUpd}, "Sc_U"),

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),
          row("E", {E::Replacement}, {}, "I"),
          row("E", {E::OtherGetS}, {}, "Sc"),
          row("E", {E::OtherPutM}, {}),

          row("Sc", {E::Load}, {A::LoadHit}),
          row("Sc", {E::Store}, {A::IssueUpd}, "Sc_U"),
          row("Sc", {E::Replacement}, {}, "I"),
          row("Sc", {E::OtherGetS, E::OtherPutM}, {}),
          row("Sc", {E::OtherUpd}, {A::ApplyUpdate}),

          row("Sm", {E::Load}, {A::LoadHit}),
          row("Sm", {E::Store}, {A::IssueUpd}, "Sm_U"),
          row("Sm", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("Sm", {E::OtherGetS}, {A::SendDataToReq}),
          row("Sm", {E::OtherPutM}, {}),
          row("Sm", {E::OtherUpd}, {A::ApplyUpdate}, "Sc"),  // the writer owns it now

          row("Sc_U", {E::Load}, {A::LoadHit}),
          stall("Sc_U", {E::Store}),
          row("Sc_U", {E::OwnUpd}, {A::StoreHit}, "Sm"),
          row("Sc_U", {E::OwnUpdAlone}, {A::StoreHit}, "M"),
          row("Sc_U", {E::OtherGetS, E::OtherPutM}, {}),
          row("Sc_U", {E::OtherUpd}, {A::ApplyUpdate}),

          row("Sm_U", {E::Load}, {A::LoadHit}),
          stall("Sm_U", {E::Store}),
          row("Sm_U", {E::OwnUpd}, {A::StoreHit}, "Sm"),
          row("Sm_U", {E::OwnUpdAlone}, {A::StoreHit}, "M"),
          row("Sm_U", {E::OtherGetS}, {A::SendDataToReq}),
          row("Sm_U", {E::OtherPutM}, {}),
          row("Sm_U", {E::OtherUpd}, {A::ApplyUpdate}, "Sc_U"),

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::OtherGetS}, {A::SendDataToReq}, "Sm"),  // memory is not updated
          row("M", {E::OtherPutM}, {}),

          row("MI_A", {E::Load}, {A::LoadHit}),
          stall("MI_A", {E::Store}),
          row("MI_A", {E::OwnPutM}, {A::SendDataToMem}, "I"),
          row("MI_A", {E::OtherGetS}, {A::SendDataToReq, A::SendDataToMem}, "II_A"),
          row("MI_A", {E::OtherPutM}, {}),
          row("MI_A", {E::OtherUpd}, {}, "II_A"),  // the writer holds the newest data and owns it

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::OwnPutM}, {}, "I"),
          row("II_A", {E::OtherGetS, E::OtherPutM, E::OtherUpd}, {}),
      },
      {
          {"Sc_U,Replacement",
           "a line waiting for its own transaction is never chosen as a victim: the controller takes another way"},
          {"Sm_U,Replacement",
           "a line waiting for its own transaction is never chosen as a victim: the controller takes another way"},
      });
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(dragon_split_bus);
}  // namespace cohsim
