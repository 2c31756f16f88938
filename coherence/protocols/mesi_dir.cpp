// MESI over a directory (the Primer, 2nd ed., section 8.3, on the MSI directory of
// 8.2). A GetS to a line no cache holds is answered with exclusive data: the cache
// takes it in E and may write it without telling anyone (E->M is silent), so the
// directory's E means "one owner, in E or M": it cannot tell which, and a clean
// owner leaving says so with a PutE that carries no data.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& mesi_dir_cache() {
  static const ProtocolTable t(
      "mesi", "directory",
      "MESI over a full-map directory: a line nobody shares arrives Exclusive and is written silently",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; the directory lists us as a sharer", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"M", "modified: the only copy, dirty", true, Permission::Write},
          {"IS_D", "I->S/E, GetS sent, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::None},
          {"IM_A", "I->M, data arrived, waiting for the last Inv-Ack", false, Permission::None},
          {"SM_AD", "S->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::Read},
          {"SM_A", "S->M, data arrived, waiting for the last Inv-Ack", false, Permission::Read},
          {"MI_A", "M->I, PutM (with data) sent, waiting for Put-Ack", false, Permission::None},
          {"EI_A", "E->I, PutE sent, waiting for Put-Ack", false, Permission::None},
          {"SI_A", "S->I, PutS sent, waiting for Put-Ack", false, Permission::None},
          {"II_A", "->I, lost the line while our Put was under way, waiting for Put-Ack", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::FwdGetS, E::FwdGetM, E::Inv, E::PutAck, E::DataAck0, E::DataAcks,
       E::DataExclusive, E::InvAck, E::LastInvAck},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_D"),
          row("I", {E::Store}, {A::IssueGetM}, "IM_AD"),

          stall("IS_D", {E::Load, E::Store, E::Inv, E::FwdGetS, E::FwdGetM}),  // the data may make us the owner (E)
          row("IS_D", {E::DataAck0}, {A::LoadHit}, "S"),
          row("IS_D", {E::DataExclusive}, {A::LoadHit}, "E"),

          stall("IM_AD", {E::Load, E::Store, E::FwdGetS, E::FwdGetM}),
          row("IM_AD", {E::DataAck0}, {A::StoreHit}, "M"),
          row("IM_AD", {E::DataAcks}, {}, "IM_A"),
          row("IM_AD", {E::InvAck}, {}),
          stall("IM_A", {E::Load, E::Store, E::FwdGetS, E::FwdGetM}),
          row("IM_A", {E::InvAck}, {}),
          row("IM_A", {E::LastInvAck}, {A::StoreHit}, "M"),

          row("S", {E::Load}, {A::LoadHit}),
          row("S", {E::Store}, {A::IssueGetM}, "SM_AD"),
          row("S", {E::Replacement}, {A::IssuePutS}, "SI_A"),
          row("S", {E::Inv}, {A::SendInvAck}, "I"),

          row("SM_AD", {E::Load}, {A::LoadHit}),
          stall("SM_AD", {E::Store, E::FwdGetS, E::FwdGetM}),
          row("SM_AD", {E::Inv}, {A::SendInvAck}, "IM_AD"),
          row("SM_AD", {E::DataAck0}, {A::StoreHit}, "M"),
          row("SM_AD", {E::DataAcks}, {}, "SM_A"),
          row("SM_AD", {E::InvAck}, {}),
          row("SM_A", {E::Load}, {A::LoadHit}),
          stall("SM_A", {E::Store, E::FwdGetS, E::FwdGetM}),
          row("SM_A", {E::InvAck}, {}),
          row("SM_A", {E::LastInvAck}, {A::StoreHit}, "M"),

          row("E", {E::Load}, {A::LoadHit}),
          row("E", {E::Store}, {A::StoreHit}, "M"),  // the silent upgrade
          row("E", {E::Replacement}, {A::IssuePutE}, "EI_A"),
          row("E", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "S"),
          row("E", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "S"),
          row("M", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          stall("MI_A", {E::Load, E::Store}),
          row("MI_A", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "SI_A"),
          row("MI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("MI_A", {E::PutAck}, {}, "I"),

          stall("EI_A", {E::Load, E::Store}),
          row("EI_A", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "SI_A"),
          row("EI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("EI_A", {E::PutAck}, {}, "I"),

          stall("SI_A", {E::Load, E::Store}),
          row("SI_A", {E::Inv}, {A::SendInvAck}, "II_A"),
          row("SI_A", {E::PutAck}, {}, "I"),

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::PutAck}, {}, "I"),
      });
  return t;
}

// The home's table, shared by the full-map directory and the sparse one.
std::vector<StateInfo> mesi_home_states() {
  return {
      {"I", "no cache holds the line; memory is up to date", true, Permission::None},
      {"S", "the sharers hold read-only copies; memory is up to date", true, Permission::None},
      {"E", "the owner holds the only copy, in E or (silently) M", true, Permission::None},
      {"S_D", "E->S, the old owner's data is on its way to memory", false, Permission::None},
  };
}
std::vector<Event> mesi_home_events() {
  return {E::DirGetS,   E::DirGetM,   E::PutSNotLast, E::PutSLast,
          E::PutMOwner, E::PutEOwner, E::PutNonOwner, E::OwnerData};
}
std::vector<Row> mesi_home_rows() {
  return {
      row("I", {E::DirGetS}, {A::DirSendExclusive, A::SetOwnerToReq}, "E"),
      row("I", {E::DirGetM}, {A::DirSendData, A::SetOwnerToReq}, "E"),
      row("I", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),

      row("S", {E::DirGetS}, {A::DirSendData, A::AddReqToSharers}),
      row("S", {E::DirGetM}, {A::DirSendData, A::InvToSharers, A::ClearSharers, A::SetOwnerToReq}, "E"),
      row("S", {E::PutSNotLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("S", {E::PutSLast}, {A::RemoveReqFromSharers, A::SendPutAck}, "I"),

      row("E", {E::DirGetS}, {A::FwdGetSToOwner, A::AddReqToSharers, A::AddOwnerToSharers, A::ClearOwner}, "S_D"),
      row("E", {E::DirGetM}, {A::FwdGetMToOwner, A::SetOwnerToReq}),
      row("E", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),
      row("E", {E::PutMOwner}, {A::CopyDataToMemory, A::ClearOwner, A::SendPutAck}, "I"),
      row("E", {E::PutEOwner}, {A::ClearOwner, A::SendPutAck}, "I"),

      stall("S_D", {E::DirGetS, E::DirGetM}),
      row("S_D", {E::PutSNotLast, E::PutSLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("S_D", {E::OwnerData}, {A::CopyDataToMemory}, "S"),
  };
}
std::vector<std::pair<std::string, std::string>> mesi_home_unreachable() {
  return {
      {"I,PutS-Last", "the directory lists no sharers in I, so no PutS is the last"},
      {"E,PutS-Last", "the directory lists no sharers in E, so no PutS is the last"},
  };
}

const ProtocolTable& mesi_dir_home() {
  static const ProtocolTable t("mesi", kHomeFabric,
                               "the MESI directory: E names one owner, clean (E) or dirty (M) at the cache",
                               mesi_home_states(), mesi_home_events(), mesi_home_rows(), mesi_home_unreachable());
  return t;
}

// The sparse directory (directory.entries): the same table plus the recall. When a
// new line needs an entry and its set is full, the directory recalls the victim
// line from the caches (Recall): an Inv to every sharer and a Fwd-GetM to the owner,
// on the directory's own behalf, so the Inv-Acks and the owner's data come back to
// it. The line waits in a _R state, requests for it stalled, until the last of them
// is in; then it is I and its entry is free.
const ProtocolTable& mesi_dir_sparse_home() {
  std::vector<StateInfo> states = mesi_home_states();
  const std::vector<StateInfo> recall_states = {
      {"I_D", "E->S->I: the sharers have left, the old owner's data is on its way to memory", false,
       Permission::None},
      {"S_R", "S->I recall: Invs sent to the sharers, waiting for their Inv-Acks", false, Permission::None},
      {"E_R", "E->I recall: Fwd-GetM sent to the owner, waiting for its data", false, Permission::None},
  };
  states.insert(states.end(), recall_states.begin(), recall_states.end());
  std::vector<Event> events = mesi_home_events();
  for (Event e : {E::Recall, E::RecallAck, E::LastRecallAck, E::RecallData}) events.push_back(e);
  std::vector<Row> rows = mesi_home_rows();
  // A full map may leave a line in S with no sharers (both left while S_D waited for
  // the old owner's data), and a recall of it would wait for no ack: here the last
  // sharer leaving S_D goes to I_D instead, and the owner's data then makes it I.
  for (Row& r : rows)
    if (r.state == "S_D") r.events.erase(std::remove(r.events.begin(), r.events.end(), E::PutSLast), r.events.end());
  const std::vector<Row> recall_rows = {
      row("S_D", {E::PutSLast}, {A::RemoveReqFromSharers, A::SendPutAck}, "I_D"),
      stall("I_D", {E::DirGetS, E::DirGetM}),
      row("I_D", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),
      row("I_D", {E::OwnerData}, {A::CopyDataToMemory}, "I"),
      row("S", {E::Recall}, {A::RecallSharers, A::ClearSharers}, "S_R"),
      stall("S_R", {E::DirGetS, E::DirGetM}),
      row("S_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("S_R", {E::RecallAck}, {}),
      row("S_R", {E::LastRecallAck}, {}, "I"),
      row("E", {E::Recall}, {A::RecallOwner, A::ClearOwner}, "E_R"),
      stall("E_R", {E::DirGetS, E::DirGetM}),
      row("E_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("E_R", {E::RecallData}, {A::CopyDataToMemory}, "I"),
  };
  rows.insert(rows.end(), recall_rows.begin(), recall_rows.end());
  std::vector<std::pair<std::string, std::string>> unreachable = mesi_home_unreachable();
  const std::vector<std::pair<std::string, std::string>> recall_unreachable = {
      {"I_D,PutS-Last", "no sharers are left in I_D, so no PutS is the last"},
      {"S_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
      {"E_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
  };
  unreachable.insert(unreachable.end(), recall_unreachable.begin(), recall_unreachable.end());
  static const ProtocolTable t("mesi", kSparseHomeFabric,
                               "the MESI sparse directory: the full-map table plus the recall of a line whose "
                               "entry is given to another",
                               std::move(states), std::move(events), std::move(rows), std::move(unreachable));
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(mesi_dir_cache);
COHSIM_REGISTER_PROTOCOL(mesi_dir_home);
COHSIM_REGISTER_PROTOCOL(mesi_dir_sparse_home);
}  // namespace cohsim
