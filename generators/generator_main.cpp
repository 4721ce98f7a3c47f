// Entry point of memsched_generators: Halide's generator main, plus
// `env.NAME=VALUE` arguments that set an environment variable for this run.
// Halide 14's bundled autoschedulers read their options (e.g. Adams2019's
// HL_BEAM_SIZE) only from the environment, and add_halide_library can pass
// nothing but trailing key=value params; this lets a variant carry them.
#include <Halide.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<char*> kept;
    for (int i = 0; i < argc; i++) {
        const std::string arg = argv[i];
        const size_t eq = arg.find('=');
        if (i > 0 && arg.rfind("env.", 0) == 0 && eq != std::string::npos && eq > 4) {
            setenv(arg.substr(4, eq - 4).c_str(), arg.substr(eq + 1).c_str(), 1);
            continue;
        }
        kept.push_back(argv[i]);
    }
    kept.push_back(nullptr);
    return Halide::Internal::generate_filter_main(int(kept.size()) - 1, kept.data(), std::cerr);
}
