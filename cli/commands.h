// The memsched command line: each subcommand lives in its own file and
// registers itself on the app here. Commands report bad input by throwing
// UsageError, which main() prints as one line and turns into exit code 2.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace memsched::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void register_networks_command(CLI::App& app);
void register_explore_command(CLI::App& app);
void register_simulate_command(CLI::App& app);
void register_plan_command(CLI::App& app);
void register_measure_command(CLI::App& app);
void register_validate_command(CLI::App& app);
void register_report_command(CLI::App& app);

} // namespace memsched::cli
