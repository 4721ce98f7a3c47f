// Tests of the perf_event_open error explanations, and of the permission path
// for real: a child process that drops root must either count user-only (the
// fallback CounterSet takes under perf_event_paranoid >= 2) or say why not.
#include "runtime/counters/counter_set.h"
#include "runtime/counters/perf_open_error.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace memsched {
namespace {

TEST(PerfOpenError, NamesTheErrnoAndTheEvent) {
    for (int err : {ENOENT, EOPNOTSUPP, EACCES, EPERM, ENOSYS, EINVAL, EBUSY, E2BIG}) {
        std::string reason = describe_perf_open_error(err, false);
        EXPECT_NE(reason.find("perf_event_open failed with"), std::string::npos) << reason;
        EXPECT_GT(reason.size(), 50u) << reason;
    }
    EXPECT_NE(describe_perf_open_error(ENOENT, false).find("ENOENT"), std::string::npos);
    EXPECT_NE(describe_perf_open_error(ENOENT, false).find("exposed PMUs: "), std::string::npos);
}

TEST(PerfOpenError, PermissionReasonCitesParanoiaLevel) {
    std::optional<int> level = perf_event_paranoid();
    std::string expected =
        "perf_event_paranoid=" + (level ? std::to_string(*level) : std::string("unknown"));
    std::string per_process = describe_perf_open_error(EACCES, false);
    std::string system_wide = describe_perf_open_error(EPERM, true);
    EXPECT_NE(per_process.find(expected), std::string::npos) << per_process;
    EXPECT_NE(per_process.find("paranoid <= 2"), std::string::npos) << per_process;
    EXPECT_NE(system_wide.find("paranoid <= 0"), std::string::npos) << system_wide;
    EXPECT_NE(system_wide.find("seccomp"), std::string::npos) << system_wide;
}

// Outcome of opening task-clock in an unprivileged child, sent back through a pipe.
struct ChildOutcome {
    bool available = false;
    bool user_only = false;
    bool reason_mentions_paranoid = false;
    bool value_positive = false;
};

TEST(PerfOpenError, UnprivilegedProcessCountsUserOnlyOrExplains) {
    if (geteuid() != 0) {
        GTEST_SKIP() << "needs root to drop privileges in a child";
    }
    std::optional<int> level = perf_event_paranoid();
    if (!level) {
        GTEST_SKIP() << "no /proc/sys/kernel/perf_event_paranoid";
    }
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ChildOutcome outcome;
        // 65534 is nobody: no capabilities, so paranoia applies.
        if (setgid(65534) == 0 && setuid(65534) == 0) {
            CounterSet counters({"task-clock"});
            counters.start();
            volatile double x = 0;
            for (int i = 0; i < 5'000'000; ++i) {
                x = x + 1.0;
            }
            counters.stop();
            CounterReading r = counters.read().at(0);
            outcome.available = r.available();
            outcome.user_only = r.user_only;
            outcome.value_positive = r.available() && *r.value > 0;
            outcome.reason_mentions_paranoid =
                r.reason.find("perf_event_paranoid") != std::string::npos;
        }
        ssize_t written = write(fds[1], &outcome, sizeof(outcome));
        _exit(written == sizeof(outcome) ? 0 : 1);
    }
    close(fds[1]);
    ChildOutcome outcome;
    ssize_t got = read(fds[0], &outcome, sizeof(outcome));
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof(outcome)));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (*level >= 3) {
        // Debian's extra level: no unprivileged perf at all.
        EXPECT_FALSE(outcome.available);
        EXPECT_TRUE(outcome.reason_mentions_paranoid);
    } else {
        ASSERT_TRUE(outcome.available) << "paranoid=" << *level;
        EXPECT_TRUE(outcome.value_positive);
        // Level 2 forbids kernel counting to the unprivileged: CounterSet must fall back.
        EXPECT_EQ(outcome.user_only, *level >= 2);
    }
}

} // namespace
} // namespace memsched
