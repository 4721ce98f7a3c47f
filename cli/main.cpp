// Entry point of build/bin/memsched: parses the command line and dispatches
// to the subcommands registered in commands.h.
#include "cli/commands.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"memsched: memory-traffic-aware scheduling of CNN layers"};
    app.require_subcommand(1);
    memsched::cli::register_networks_command(app);
    memsched::cli::register_explore_command(app);
    memsched::cli::register_simulate_command(app);
    memsched::cli::register_plan_command(app);
    memsched::cli::register_measure_command(app);
    memsched::cli::register_validate_command(app);
    memsched::cli::register_report_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    } catch (const memsched::cli::UsageError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
