// tools/mc2conf/export_cmd.h — `mc2conf export`: a gate's cases as a case bundle (bundle.h,
// docs/case-bundles.md) for an implementation that is not a C library.
#ifndef MC2_TOOLS_MC2CONF_EXPORT_CMD_H_
#define MC2_TOOLS_MC2CONF_EXPORT_CMD_H_

#include <CLI/CLI.hpp>

#include "tools/mc2conf/command.h"

namespace mc2::tools {

Command AddExportCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_EXPORT_CMD_H_
