// SVG scales and primitives: values land on the right pixels, ticks are round
// numbers covering the domain, labels are short, text is escaped.
#include "report/bar_chart.h"
#include "report/svg_canvas.h"
#include "report/svg_scale.h"

#include <gtest/gtest.h>

namespace memsched::report {
namespace {

TEST(LinearScale, MapsDomainOntoInvertedRange) {
    const LinearScale s(0, 100, 300, 0); // SVG y grows downwards
    EXPECT_DOUBLE_EQ(s(0), 300);
    EXPECT_DOUBLE_EQ(s(100), 0);
    EXPECT_DOUBLE_EQ(s(25), 225);
}

TEST(LinearScale, NiceTicksFromZero) {
    const LinearScale s = nice_linear_from_zero(87, 300, 0);
    EXPECT_DOUBLE_EQ(s.domain_max(), 100);
    const std::vector<Tick> t = s.ticks();
    ASSERT_EQ(t.size(), 6u);
    EXPECT_EQ(t.front().label, "0");
    EXPECT_EQ(t[1].label, "20");
    EXPECT_EQ(t.back().label, "100");
    EXPECT_DOUBLE_EQ(t.back().pixel, 0);
    // Degenerate input still gives a usable axis.
    EXPECT_GE(nice_linear_from_zero(0, 300, 0).ticks().size(), 2u);
}

TEST(LogScale, DecadeTicksAndClamping) {
    const LogScale s = nice_log(3e5, 4e9, 0, 500);
    EXPECT_DOUBLE_EQ(s.domain_min(), 1e5);
    EXPECT_DOUBLE_EQ(s.domain_max(), 1e10);
    const std::vector<Tick> t = s.ticks();
    ASSERT_EQ(t.size(), 6u); // 100k .. 10G, one per decade
    EXPECT_EQ(t.front().label, "100k");
    EXPECT_EQ(t[1].label, "1M");
    EXPECT_EQ(t.back().label, "10G");
    EXPECT_DOUBLE_EQ(s(1e5), 0);
    EXPECT_DOUBLE_EQ(s(1e10), 500);
    EXPECT_NEAR(s(1e7), 200, 1e-9);
    EXPECT_DOUBLE_EQ(s(0), 0); // non-positive values clamp to the start
}

TEST(LogScale, FewDecadesGetIntermediateTicks) {
    const LogScale s = nice_log(1.2, 8, 0, 100);
    std::vector<std::string> labels;
    for (const Tick& t : s.ticks())
        labels.push_back(t.label);
    EXPECT_EQ(labels, (std::vector<std::string>{"1", "2", "5", "10"}));
}

TEST(Format, ShortLabels) {
    EXPECT_EQ(format_si(1500), "1.5k");
    EXPECT_EQ(format_si(2e7), "20M");
    EXPECT_EQ(format_si(0.25), "0.25");
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(1.75e6), "1.75 MB");
    EXPECT_EQ(format_fixed(1.234, 2), "1.23");
    EXPECT_EQ(format_capacity(2097152), "2 MiB");
    EXPECT_EQ(format_capacity(49152), "48 KiB");
    EXPECT_EQ(format_capacity(76), "76 B");
}

TEST(SvgCanvas, EscapesTextAndAttributes) {
    SvgCanvas c(100, 50);
    c.text(1, 2, "a<b & \"c\"");
    c.rect(0, 0, 10, 10, "#fff", "x > y");
    const std::string s = c.str();
    EXPECT_NE(s.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
    EXPECT_NE(s.find("<title>x &gt; y</title>"), std::string::npos);
    EXPECT_EQ(s.rfind("<svg", 0), 0u);
    EXPECT_NE(s.find("viewBox=\"0 0 100.00 50.00\""), std::string::npos);
}

TEST(BarChart, MissingValueIsMarkedNotDropped) {
    GroupedBarChart chart;
    chart.title = "t";
    chart.categories = {"l1", "l2"};
    chart.series = {"memsched", "manual"};
    chart.values = {{1.0, 2.0}, {3.0, std::nullopt}};
    const std::string svg = render_bar_chart(chart);
    EXPECT_NE(svg.find("n/a"), std::string::npos);
    // Three bars, each with its tooltip.
    size_t bars = 0;
    for (size_t p = svg.find("<title>"); p != std::string::npos; p = svg.find("<title>", p + 1))
        ++bars;
    EXPECT_EQ(bars, 3u);
}

} // namespace
} // namespace memsched::report
