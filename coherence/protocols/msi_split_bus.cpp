// MSI on a split-transaction snooping bus (the Primer, Sorin, Hill and Wood, 2nd ed.,
// section 7.5, "non-atomic transactions"), cache side. The bus orders requests in its
// address phase and returns data later, so a cache whose own GetS or GetM is ordered
// but whose data has not arrived sees other caches' requests for the line:
//
// - IS_D + Other-GetM -> IS_D_I: our load performs once on the data when it comes
//   (it is ordered before the writer), then the line is dropped.
// - IM_D + Other-GetS -> IM_D_S, + Other-GetM -> IM_D_I (IM_D_S + Other-GetM ->
//   IM_D_SI): we are the owner-to-be, so we answer the requester ourselves once our
//   data has arrived and our store has performed (a deferred response); for a GetS
//   memory waits for our copy too and answers no other request for the line until
//   it has it (the Primer's memory-side state IorS_D).
// - SM_D likewise (SM_D_S, SM_D_I, SM_D_SI), keeping its read permission.
//
// The memory side (the bus's responder): memory answers a GetS or GetM unless a
// cache supplies the line or has promised to; it holds a request for a line whose
// newest copy is on its way to it from an owner-to-be.
#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& msi_split_bus() {
  static const ProtocolTable t(
      "msi", kSplitBusFabric, "three-state invalidation protocol (Modified, Shared, Invalid), split transactions",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy, memory is up to date", true, Permission::Read},
          {"M", "modified: the only copy, readable and writable, memory is stale", true, Permission::Write},
          {"IS_AD", "I->S, waiting for our GetS to be ordered and for data", false, Permission::None},
          {"IS_D", "I->S, GetS ordered, waiting for data", false, Permission::None},
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
       E::Data},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_AD"),
          row("I", {E::Store}, {A::IssueGetM}, "IM_AD"),
          row("I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),

          stall("IS_AD", {E::Load, E::Store}),
          row("IS_AD", {E::OwnGetS}, {}, "IS_D"),
          row("IS_AD", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          stall("IS_D", {E::Load, E::Store}),
          row("IS_D", {E::OtherGetS, E::OtherPutM}, {}),
          row("IS_D", {E::OtherGetM}, {}, "IS_D_I"),
          row("IS_D", {E::Data}, {A::LoadHit}, "S"),
          stall("IS_D_I", {E::Load, E::Store}),
          row("IS_D_I", {E::OtherGetS, E::OtherGetM, E::OtherPutM}, {}),
          row("IS_D_I", {E::Data}, {A::LoadHit}, "I"),

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
COHSIM_REGISTER_PROTOCOL(msi_split_bus);
}  // namespace cohsim
