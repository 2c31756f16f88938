#include "sim/cli/view_page.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/base/error.hpp"
#include "view_template.hpp"

namespace cohsim {

std::string view_page(const std::string& events_path) {
  std::ifstream f(events_path);
  if (!f) throw UserError(events_path + ": cannot read the event log");
  std::string first;
  std::getline(f, first);
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(first);
  } catch (const nlohmann::json::exception&) {
    throw UserError(events_path + ":1: not a cohsim event log (the first line is not JSON); write one with "
                    "`cohsim run CONFIG --events FILE.jsonl`");
  }
  if (!h.is_object() || h.value("kind", "") != "header" || !h.contains("schema"))
    throw UserError(events_path + ":1: not a cohsim event log of schema 2 to 6 (the header line {\"schema\": 6, \"kind\": "
                    "\"header\", ...} is missing); write one with `cohsim run CONFIG --events FILE.jsonl`");
  // Schemas 2 to 6 (docs/event-log.md): each added records or fields the page shows when
  // present (6: rf on rmw records, load-exclusives' load records).
  const nlohmann::json& schema = h["schema"];
  if (!schema.is_number_integer() || schema.get<long long>() < 2 || schema.get<long long>() > 6)
    throw UserError(events_path + ":1: event log schema " + schema.dump() +
                    " is not one this cohsim reads (valid: 2, 3, 4, 5, 6; docs/event-log.md); write the log again "
                    "with this cohsim's `cohsim run CONFIG --events FILE.jsonl`");
  std::ostringstream body;
  body << first << '\n' << f.rdbuf();
  std::string log = body.str();
  // Inside <script> the text must not close the element: "</" becomes "<\/" (the same
  // string in JSON).
  std::string safe;
  safe.reserve(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    safe += log[i];
    if (log[i] == '<' && i + 1 < log.size() && log[i + 1] == '/') safe += '\\';
  }
  std::string page = kViewTemplate;
  const std::string marker = "/*COHSIM_EVENTS*/";
  const auto at = page.find(marker);
  if (at == std::string::npos) throw std::logic_error("the view template has no " + marker);
  page.replace(at, marker.size(), safe);
  return page;
}

void write_view_page(const std::string& events_path, const std::string& out_path) {
  const std::string page = view_page(events_path);
  std::ofstream o(out_path);
  if (!o) throw UserError(out_path + ": cannot write the page");
  o << page;
  if (!o) throw UserError(out_path + ": write failed");
}

}  // namespace cohsim
