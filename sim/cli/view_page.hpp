// The classroom view: one self-contained HTML page (sim/cli/view/dist/view.html, built
// by esbuild from sim/cli/view/src/ and embedded at build time) holding a run's event
// log (docs/event-log.md, schema 6, 5, 4, 3 or 2).
#pragma once
#include <string>

namespace cohsim {

// The page for the event log at `events_path`; UserError naming the file if it is not
// a schema 2 to 6 event log.
std::string view_page(const std::string& events_path);
// Writes it to `out_path`.
void write_view_page(const std::string& events_path, const std::string& out_path);

}  // namespace cohsim
