// MSI over a directory (the Primer, 2nd ed., section 8.2: its cache controller and
// directory controller tables). The network keeps point-to-point order between a
// pair of endpoints; a cache holds forwarded requests and invalidations that reach
// it in a transient state until it leaves that state.
//
// Differences from the Primer, all of naming: "Data from Dir (ack=0)" and "Data
// from Owner" lead to the same transitions, so they are one event, Data(ack=0); the
// directory's "PutM+data from NonOwner" is Put-NonOwner.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& msi_dir_cache() {
  static const ProtocolTable t(
      "msi", "directory", "MSI over a full-map directory: requests, forwards and responses on a point-to-point network",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; the directory lists us as a sharer", true, Permission::Read},
          {"M", "modified: the only copy, dirty; the directory names us the owner", true, Permission::Write},
          {"IS_D", "I->S, GetS sent, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::None},
          {"IM_A", "I->M, data arrived, waiting for the last Inv-Ack", false, Permission::None},
          {"SM_AD", "S->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::Read},
          {"SM_A", "S->M, data arrived, waiting for the last Inv-Ack", false, Permission::Read},
          {"MI_A", "M->I, PutM (with data) sent, waiting for Put-Ack", false, Permission::None},
          {"SI_A", "S->I, PutS sent, waiting for Put-Ack", false, Permission::None},
          {"II_A", "->I, lost the line while our Put was under way, waiting for Put-Ack", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::FwdGetS, E::FwdGetM, E::Inv, E::PutAck, E::DataAck0, E::DataAcks,
       E::InvAck, E::LastInvAck},
      {
          row("I", {E::Load}, {A::IssueGetS}, "IS_D"),
          row("I", {E::Store}, {A::IssueGetM}, "IM_AD"),

          stall("IS_D", {E::Load, E::Store, E::Inv}),
          row("IS_D", {E::DataAck0}, {A::LoadHit}, "S"),

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

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "S"),
          row("M", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          stall("MI_A", {E::Load, E::Store}),
          row("MI_A", {E::FwdGetS}, {A::SendDataToReq, A::SendDataToDir}, "SI_A"),
          row("MI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("MI_A", {E::PutAck}, {}, "I"),

          stall("SI_A", {E::Load, E::Store}),
          row("SI_A", {E::Inv}, {A::SendInvAck}, "II_A"),
          row("SI_A", {E::PutAck}, {}, "I"),

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::PutAck}, {}, "I"),
      });
  return t;
}

// The home's table, shared by the full-map directory and the sparse one.
std::vector<StateInfo> msi_home_states() {
  return {
      {"I", "no cache holds the line; memory is up to date", true, Permission::None},
      {"S", "the sharers hold read-only copies; memory is up to date", true, Permission::None},
      {"M", "the owner holds the only, possibly dirty, copy", true, Permission::None},
      {"S_D", "M->S, the old owner's data is on its way to memory", false, Permission::None},
  };
}
std::vector<Event> msi_home_events() {
  return {E::DirGetS, E::DirGetM, E::PutSNotLast, E::PutSLast, E::PutMOwner, E::PutNonOwner, E::OwnerData};
}
std::vector<Row> msi_home_rows() {
  return {
      row("I", {E::DirGetS}, {A::DirSendData, A::AddReqToSharers}, "S"),
      row("I", {E::DirGetM}, {A::DirSendData, A::SetOwnerToReq}, "M"),
      row("I", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),

      row("S", {E::DirGetS}, {A::DirSendData, A::AddReqToSharers}),
      row("S", {E::DirGetM}, {A::DirSendData, A::InvToSharers, A::ClearSharers, A::SetOwnerToReq}, "M"),
      row("S", {E::PutSNotLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("S", {E::PutSLast}, {A::RemoveReqFromSharers, A::SendPutAck}, "I"),

      row("M", {E::DirGetS}, {A::FwdGetSToOwner, A::AddReqToSharers, A::AddOwnerToSharers, A::ClearOwner}, "S_D"),
      row("M", {E::DirGetM}, {A::FwdGetMToOwner, A::SetOwnerToReq}),
      row("M", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),
      row("M", {E::PutMOwner}, {A::CopyDataToMemory, A::ClearOwner, A::SendPutAck}, "I"),

      stall("S_D", {E::DirGetS, E::DirGetM}),
      row("S_D", {E::PutSNotLast, E::PutSLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("S_D", {E::OwnerData}, {A::CopyDataToMemory}, "S"),
  };
}
std::vector<std::pair<std::string, std::string>> msi_home_unreachable() {
  return {
      {"I,PutS-Last", "the directory lists no sharers in I, so no PutS is the last"},
      {"M,PutS-Last", "the directory lists no sharers in M, so no PutS is the last"},
  };
}

const ProtocolTable& msi_dir_home() {
  static const ProtocolTable t("msi", kHomeFabric,
                               "the MSI directory: a state, an owner and a full sharer list per line",
                               msi_home_states(), msi_home_events(), msi_home_rows(), msi_home_unreachable());
  return t;
}

// The sparse directory (directory.entries): the same table plus the recall. When a
// new line needs an entry and its set is full, the directory recalls the victim
// line from the caches (Recall): an Inv to every sharer and a Fwd-GetM to the owner,
// on the directory's own behalf, so the Inv-Acks and the owner's data come back to
// it. The line waits in a _R state, requests for it stalled, until the last of them
// is in; then it is I and its entry is free.
const ProtocolTable& msi_dir_sparse_home() {
  std::vector<StateInfo> states = msi_home_states();
  const std::vector<StateInfo> recall_states = {
      {"I_D", "M->S->I: the sharers have left, the old owner's data is on its way to memory", false,
       Permission::None},
      {"S_R", "S->I recall: Invs sent to the sharers, waiting for their Inv-Acks", false, Permission::None},
      {"M_R", "M->I recall: Fwd-GetM sent to the owner, waiting for its data", false, Permission::None},
  };
  states.insert(states.end(), recall_states.begin(), recall_states.end());
  std::vector<Event> events = msi_home_events();
  for (Event e : {E::Recall, E::RecallAck, E::LastRecallAck, E::RecallData}) events.push_back(e);
  std::vector<Row> rows = msi_home_rows();
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
      row("M", {E::Recall}, {A::RecallOwner, A::ClearOwner}, "M_R"),
      stall("M_R", {E::DirGetS, E::DirGetM}),
      row("M_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("M_R", {E::RecallData}, {A::CopyDataToMemory}, "I"),
  };
  rows.insert(rows.end(), recall_rows.begin(), recall_rows.end());
  std::vector<std::pair<std::string, std::string>> unreachable = msi_home_unreachable();
  const std::vector<std::pair<std::string, std::string>> recall_unreachable = {
      {"I_D,PutS-Last", "no sharers are left in I_D, so no PutS is the last"},
      {"S_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
      {"M_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
  };
  unreachable.insert(unreachable.end(), recall_unreachable.begin(), recall_unreachable.end());
  static const ProtocolTable t("msi", kSparseHomeFabric,
                               "the MSI sparse directory: the full-map table plus the recall of a line whose "
                               "entry is given to another",
                               std::move(states), std::move(events), std::move(rows), std::move(unreachable));
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(msi_dir_cache);
COHSIM_REGISTER_PROTOCOL(msi_dir_home);
COHSIM_REGISTER_PROTOCOL(msi_dir_sparse_home);
}  // namespace cohsim
