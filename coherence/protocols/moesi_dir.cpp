// MOESI over a directory (after the Primer, 2nd ed., section 8.4's O state on the
// MESI directory). An owner that is asked for a copy keeps the line in O and answers
// every later reader itself: memory is written only when the owner leaves (PutO
// carries the data). The directory's E names one owner (E or M at the cache); O an
// owner and at least one sharer.
//
// An owner in O that wants to write sends GetM and waits in OM_AC for the
// directory's AckCount (how many sharers it invalidated). AckCount travels on the
// forward network, so point-to-point order tells the owner whether a Fwd-GetM that
// reaches it in OM_AC was ordered before its own GetM (it then gives the line up and
// waits for data as any requester, IM_AD) or after (it would already have its
// AckCount and be in OM_A, where forwards wait).
#include <string>
#include <utility>
#include <vector>

#include "coherence/protocol.hpp"

namespace cohsim {
namespace {

using E = Event;
using A = Action;

const ProtocolTable& moesi_dir_cache() {
  static const ProtocolTable t(
      "moesi", "directory",
      "MOESI over a full-map directory: a dirty line read by others stays Owned and the owner answers later readers",
      {
          {"I", "invalid: no copy", true, Permission::None},
          {"S", "shared: read-only copy; the directory lists us as a sharer", true, Permission::Read},
          {"E", "exclusive: the only copy, clean; a store makes it M silently", true, Permission::Read},
          {"O", "owned: read-only, possibly dirty; we answer readers and write memory when we leave", true,
           Permission::Read},
          {"M", "modified: the only copy, dirty", true, Permission::Write},
          {"IS_D", "I->S/E, GetS sent, waiting for data", false, Permission::None},
          {"IM_AD", "I->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::None},
          {"IM_A", "I->M, data arrived, waiting for the last Inv-Ack", false, Permission::None},
          {"SM_AD", "S->M, GetM sent, waiting for data and for Inv-Acks", false, Permission::Read},
          {"SM_A", "S->M, data arrived, waiting for the last Inv-Ack", false, Permission::Read},
          {"OM_AC", "O->M, GetM sent, waiting for the directory's AckCount", false, Permission::Read},
          {"OM_A", "O->M, AckCount arrived, waiting for the last Inv-Ack", false, Permission::Read},
          {"MI_A", "M->I, PutM (with data) sent, waiting for Put-Ack", false, Permission::None},
          {"EI_A", "E->I, PutE sent, waiting for Put-Ack", false, Permission::None},
          {"OI_A", "O->I, PutO (with data) sent, waiting for Put-Ack; still answers forwarded GetS", false,
           Permission::None},
          {"SI_A", "S->I, PutS sent, waiting for Put-Ack", false, Permission::None},
          {"II_A", "->I, lost the line while our Put was under way, waiting for Put-Ack", false, Permission::None},
      },
      {E::Load, E::Store, E::Replacement, E::FwdGetS, E::FwdGetM, E::Inv, E::PutAck, E::DataAck0, E::DataAcks,
       E::DataExclusive, E::InvAck, E::LastInvAck, E::AckCount0, E::AckCountN},
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
          row("E", {E::FwdGetS}, {A::SendDataToReq}, "O"),
          row("E", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          row("O", {E::Load}, {A::LoadHit}),
          row("O", {E::Store}, {A::IssueGetM}, "OM_AC"),
          row("O", {E::Replacement}, {A::IssuePutO}, "OI_A"),
          row("O", {E::FwdGetS}, {A::SendDataToReq}),
          row("O", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          row("OM_AC", {E::Load}, {A::LoadHit}),
          stall("OM_AC", {E::Store}),
          row("OM_AC", {E::FwdGetS}, {A::SendDataToReq}),
          row("OM_AC", {E::FwdGetM}, {A::SendDataToReq}, "IM_AD"),
          row("OM_AC", {E::AckCount0}, {A::StoreHit}, "M"),
          row("OM_AC", {E::AckCountN}, {}, "OM_A"),
          row("OM_AC", {E::InvAck}, {}),
          row("OM_A", {E::Load}, {A::LoadHit}),
          stall("OM_A", {E::Store, E::FwdGetS, E::FwdGetM}),
          row("OM_A", {E::InvAck}, {}),
          row("OM_A", {E::LastInvAck}, {A::StoreHit}, "M"),

          row("M", {E::Load}, {A::LoadHit}),
          row("M", {E::Store}, {A::StoreHit}),
          row("M", {E::Replacement}, {A::IssuePutM}, "MI_A"),
          row("M", {E::FwdGetS}, {A::SendDataToReq}, "O"),  // no memory writeback
          row("M", {E::FwdGetM}, {A::SendDataToReq}, "I"),

          stall("MI_A", {E::Load, E::Store}),
          row("MI_A", {E::FwdGetS}, {A::SendDataToReq}, "OI_A"),
          row("MI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("MI_A", {E::PutAck}, {}, "I"),

          stall("EI_A", {E::Load, E::Store}),
          row("EI_A", {E::FwdGetS}, {A::SendDataToReq}, "OI_A"),
          row("EI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("EI_A", {E::PutAck}, {}, "I"),

          stall("OI_A", {E::Load, E::Store}),
          row("OI_A", {E::FwdGetS}, {A::SendDataToReq}),
          row("OI_A", {E::FwdGetM}, {A::SendDataToReq}, "II_A"),
          row("OI_A", {E::PutAck}, {}, "I"),

          stall("SI_A", {E::Load, E::Store}),
          row("SI_A", {E::Inv}, {A::SendInvAck}, "II_A"),
          row("SI_A", {E::PutAck}, {}, "I"),

          stall("II_A", {E::Load, E::Store}),
          row("II_A", {E::PutAck}, {}, "I"),
      });
  return t;
}

// The home's table, shared by the full-map directory and the sparse one.
std::vector<StateInfo> moesi_home_states() {
  return {
      {"I", "no cache holds the line; memory is up to date", true, Permission::None},
      {"S", "the sharers hold read-only copies; memory is up to date", true, Permission::None},
      {"E", "one owner holds the only copy (E, M, or O whose sharers have left)", true, Permission::None},
      {"O", "an owner answers for the line, the sharers hold read-only copies; memory may be stale", true,
       Permission::None},
  };
}
std::vector<Event> moesi_home_events() {
  return {E::DirGetS,   E::DirGetM,   E::DirGetMOwner, E::PutSNotLast, E::PutSLast,
          E::PutMOwner, E::PutEOwner, E::PutOOwner,    E::PutNonOwner};
}
std::vector<Row> moesi_home_rows() {
  return {
      row("I", {E::DirGetS}, {A::DirSendExclusive, A::SetOwnerToReq}, "E"),
      row("I", {E::DirGetM}, {A::DirSendData, A::SetOwnerToReq}, "E"),
      row("I", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),

      row("S", {E::DirGetS}, {A::DirSendData, A::AddReqToSharers}),
      row("S", {E::DirGetM}, {A::DirSendData, A::InvToSharers, A::ClearSharers, A::SetOwnerToReq}, "E"),
      row("S", {E::PutSNotLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("S", {E::PutSLast}, {A::RemoveReqFromSharers, A::SendPutAck}, "I"),

      row("E", {E::DirGetS}, {A::FwdGetSToOwner, A::AddReqToSharers}, "O"),
      row("E", {E::DirGetM}, {A::FwdGetMToOwner, A::SetOwnerToReq}),
      row("E", {E::DirGetMOwner}, {A::SendAckCount}),
      row("E", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),
      row("E", {E::PutMOwner, E::PutOOwner}, {A::CopyDataToMemory, A::ClearOwner, A::SendPutAck}, "I"),
      row("E", {E::PutEOwner}, {A::ClearOwner, A::SendPutAck}, "I"),

      row("O", {E::DirGetS}, {A::FwdGetSToOwner, A::AddReqToSharers}),
      row("O", {E::DirGetM}, {A::FwdGetMToOwner, A::InvToSharers, A::ClearSharers, A::SetOwnerToReq}, "E"),
      row("O", {E::DirGetMOwner}, {A::SendAckCount, A::InvToSharers, A::ClearSharers}, "E"),
      row("O", {E::PutSNotLast, E::PutNonOwner}, {A::RemoveReqFromSharers, A::SendPutAck}),
      row("O", {E::PutSLast}, {A::RemoveReqFromSharers, A::SendPutAck}, "E"),
      row("O", {E::PutMOwner, E::PutOOwner}, {A::CopyDataToMemory, A::ClearOwner, A::SendPutAck}, "S"),
      row("O", {E::PutEOwner}, {A::ClearOwner, A::SendPutAck}, "S"),
  };
}
std::vector<std::pair<std::string, std::string>> moesi_home_unreachable() {
  return {
      {"I,PutS-Last", "the directory lists no sharers in I, so no PutS is the last"},
      {"E,PutS-Last", "the directory lists no sharers in E, so no PutS is the last"},
  };
}

const ProtocolTable& moesi_dir_home() {
  static const ProtocolTable t("moesi", kHomeFabric,
                               "the MOESI directory: an owner (E, O or M at the cache) and the sharers beside it",
                               moesi_home_states(), moesi_home_events(), moesi_home_rows(), moesi_home_unreachable());
  return t;
}

// The sparse directory (directory.entries): the same table plus the recall. When a
// new line needs an entry and its set is full, the directory recalls the victim
// line from the caches (Recall): an Inv to every sharer and a Fwd-GetM to the owner,
// on the directory's own behalf, so the Inv-Acks and the owner's data come back to
// it. The line waits in a _R state, requests for it stalled, until the last of them
// is in; then it is I and its entry is free.
const ProtocolTable& moesi_dir_sparse_home() {
  std::vector<StateInfo> states = moesi_home_states();
  const std::vector<StateInfo> recall_states = {
      {"S_R", "S->I recall: Invs sent to the sharers, waiting for their Inv-Acks", false, Permission::None},
      {"E_R", "E->I recall: Fwd-GetM sent to the owner, waiting for its data", false, Permission::None},
      {"O_R", "O->I recall: Fwd-GetM sent to the owner and Invs to the sharers, waiting for the data and the acks",
       false, Permission::None},
  };
  states.insert(states.end(), recall_states.begin(), recall_states.end());
  std::vector<Event> events = moesi_home_events();
  for (Event e : {E::Recall, E::RecallAck, E::LastRecallAck, E::RecallData}) events.push_back(e);
  std::vector<Row> rows = moesi_home_rows();
  const std::vector<Row> recall_rows = {
      row("S", {E::Recall}, {A::RecallSharers, A::ClearSharers}, "S_R"),
      stall("S_R", {E::DirGetS, E::DirGetM}),
      row("S_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("S_R", {E::RecallAck}, {}),
      row("S_R", {E::LastRecallAck}, {}, "I"),
      row("E", {E::Recall}, {A::RecallOwner, A::ClearOwner}, "E_R"),
      stall("E_R", {E::DirGetS, E::DirGetM}),
      row("E_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("E_R", {E::RecallData}, {A::CopyDataToMemory}, "I"),
      row("O", {E::Recall}, {A::RecallOwner, A::RecallSharers, A::ClearOwner, A::ClearSharers}, "O_R"),
      stall("O_R", {E::DirGetS, E::DirGetM}),
      row("O_R", {E::PutSNotLast, E::PutNonOwner}, {A::SendPutAck}),  // a Put that crossed the recall
      row("O_R", {E::RecallAck}, {}),
      row("O_R", {E::LastRecallAck}, {}, "E_R"),                   // the owner's data is still to come
      row("O_R", {E::RecallData}, {A::CopyDataToMemory}, "S_R"),  // the sharers' acks are still to come
  };
  rows.insert(rows.end(), recall_rows.begin(), recall_rows.end());
  std::vector<std::pair<std::string, std::string>> unreachable = moesi_home_unreachable();
  const std::vector<std::pair<std::string, std::string>> recall_unreachable = {
      {"S_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
      {"E_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
      {"O_R,PutS-Last", "the recall emptied the sharer list, so no PutS is the last"},
  };
  unreachable.insert(unreachable.end(), recall_unreachable.begin(), recall_unreachable.end());
  static const ProtocolTable t("moesi", kSparseHomeFabric,
                               "the MOESI sparse directory: the full-map table plus the recall of a line whose "
                               "entry is given to another",
                               std::move(states), std::move(events), std::move(rows), std::move(unreachable));
  return t;
}

}  // namespace
COHSIM_REGISTER_PROTOCOL(moesi_dir_cache);
COHSIM_REGISTER_PROTOCOL(moesi_dir_home);
COHSIM_REGISTER_PROTOCOL(moesi_dir_sparse_home);
}  // namespace cohsim
