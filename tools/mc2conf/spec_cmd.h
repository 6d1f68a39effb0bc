// tools/mc2conf/spec_cmd.h — `mc2conf spec [--markdown] [--op OP]`: the constraint catalogue the
// suite judges against (spec/), as a plain listing or as the Markdown tables of
// spec::RenderMarkdown.
#ifndef MC2_TOOLS_MC2CONF_SPEC_CMD_H_
#define MC2_TOOLS_MC2CONF_SPEC_CMD_H_

#include "tools/mc2conf/command.h"

namespace mc2::tools {

Command AddSpecCommand(CLI::App &app);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_SPEC_CMD_H_
