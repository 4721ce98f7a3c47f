// Runs the plugin-scheduled layer at, below and above its estimate and
// checks it against a direct loop nest. Exit code 0 on success.
#include "consumer_layer.h"

#include "HalideBuffer.h"

#include <cmath>
#include <cstdio>

int main() {
    const int sizes[][3] = {{32, 16, 8}, {1, 1, 1}, {3, 5, 3}, {45, 21, 11}};
    for (const auto& s : sizes) {
        const int W = s[0], H = s[1], K = s[2];
        Halide::Runtime::Buffer<float> in(W + 2, H + 2, 4), w(3, 3, 4, K), b(K), out(W, H, K);
        in.for_each_element([&](int x, int y, int c) { in(x, y, c) = float((x * 7 + y * 3 + c) % 11) - 5.0f; });
        w.for_each_element([&](int s_, int r, int c, int k) { w(s_, r, c, k) = float((s_ + 2 * r + 3 * c + k) % 5) - 2.0f; });
        b.for_each_element([&](int k) { b(k) = float(k % 3) - 1.0f; });
        if (consumer_layer(in, w, b, out) != 0) {
            std::printf("consumer_layer failed at %dx%dx%d\n", W, H, K);
            return 1;
        }
        for (int k = 0; k < K; k++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    float acc = 0.0f;
                    for (int c = 0; c < 4; c++)
                        for (int r = 0; r < 3; r++)
                            for (int q = 0; q < 3; q++) acc += in(x + q, y + r, c) * w(q, r, c, k);
                    const float want = std::fmax(acc + b(k), 0.0f);
                    if (std::fabs(out(x, y, k) - want) > 1e-3f) {
                        std::printf("mismatch at %d,%d,%d (%dx%dx%d): %f vs %f\n", x, y, k, W, H, K,
                                    out(x, y, k), want);
                        return 1;
                    }
                }
    }
    std::printf("installed MemSched plugin: all sizes match\n");
    return 0;
}
