#include "cpu/trace/op.hpp"

namespace cohsim {

const char* name(OpKind k) {
  switch (k) {
    case OpKind::Load: return "load";
    case OpKind::Store: return "store";
    case OpKind::FetchAdd: return "fetch_add";
    case OpKind::FetchSub: return "fetch_sub";
    case OpKind::FetchAnd: return "fetch_and";
    case OpKind::FetchOr: return "fetch_or";
    case OpKind::FetchXor: return "fetch_xor";
    case OpKind::Swap: return "swap";
    case OpKind::CompareExchange: return "compare_exchange";
    case OpKind::CompareExchangeWeak: return "compare_exchange_weak";
    case OpKind::Fence: return "fence";
    case OpKind::Compute: return "compute";
    case OpKind::IFetch: return "ifetch";
    case OpKind::Marker: return "roi";
    case OpKind::Mov: return "mov";
    case OpKind::Add: return "add";
    case OpKind::Sub: return "sub";
    case OpKind::And: return "and";
    case OpKind::Or: return "or";
    case OpKind::Xor: return "xor";
    case OpKind::Eq: return "eq";
    case OpKind::Lt: return "lt";
    case OpKind::Branch: return "branch";
    case OpKind::Wait: return "wait";
  }
  return "?";
}

const char* marker_text(std::uint64_t value) {
  switch (MarkerKind(value)) {
    case MarkerKind::RoiBegin: return "roi begin";
    case MarkerKind::RoiEnd: return "roi end";
  }
  return "?";
}

const char* name(Cond c) {
  switch (c) {
    case Cond::Always: return "";
    case Cond::Eq: return "==";
    case Cond::Ne: return "!=";
    case Cond::Lt: return "<";
    case Cond::Ge: return ">=";
  }
  return "?";
}

const char* name(Ordering o) {
  switch (o) {
    case Ordering::Plain: return "Plain";
    case Ordering::Relaxed: return "Relaxed";
    case Ordering::Acquire: return "Acquire";
    case Ordering::Release: return "Release";
    case Ordering::AcqRel: return "AcqRel";
    case Ordering::SeqCst: return "SeqCst";
  }
  return "?";
}

}  // namespace cohsim
