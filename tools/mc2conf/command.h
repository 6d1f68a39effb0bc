// tools/mc2conf/command.h — what every mc2conf subcommand provides to main.cc: its CLI11
// sub-app and a function that runs it once the command line has been parsed.
#ifndef MC2_TOOLS_MC2CONF_COMMAND_H_
#define MC2_TOOLS_MC2CONF_COMMAND_H_

#include <functional>
#include <stdexcept>

namespace CLI {
class App;
}

namespace mc2::tools {

// Exit status of a run that was refused because of its input (bad arguments, bad values).
inline constexpr int kUsageExit = 2;

// Thrown by a subcommand for bad input; main prints "mc2conf: <what>" and exits kUsageExit.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Command {
    CLI::App *app;            // parsed() tells main which subcommand was given
    std::function<int()> run;  // returns the exit status; throws UsageError on bad input
};

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_COMMAND_H_
