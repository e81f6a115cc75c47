#include "dstool_text.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define DSTOOL_TEXT_AVX2 1
#endif

/* Tab, LF, FF, CR and ESC: below 0x20 but ordinary in text. */
static inline int is_text_control(uint8_t c) {
    return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1B;
}

/* The SSE2 blocks and the byte tail, from `i` with `controls` already counted before it. */
static int plain_ascii_from(const uint8_t *p, size_t n, size_t i, uint64_t controls) {
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8(0x20);
    const __m128i tab = _mm_set1_epi8(0x09), lf = _mm_set1_epi8(0x0A), ff = _mm_set1_epi8(0x0C);
    const __m128i cr = _mm_set1_epi8(0x0D), esc = _mm_set1_epi8(0x1B), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        /* Control characters are counted per byte lane (a lane's count goes up by one at most
         * per block) and the lanes summed before any can pass 255. */
        __m128i lanes = zero;
        size_t blocks = 0;
        for (; blocks < 255 && n - i >= 16; blocks++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            /* A byte above 0x7F has its top bit set; a NUL compares equal to zero. */
            if (_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero))) != 0) return 0;
            /* Every byte is 0x01-0x7F here, so the signed compare is the unsigned one. */
            __m128i low = _mm_cmplt_epi8(v, below);
            if (_mm_movemask_epi8(low) == 0) continue;
            __m128i text = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, ff), _mm_cmpeq_epi8(v, cr)),
                                                     _mm_cmpeq_epi8(v, esc)));
            /* 0xFF (-1) in each lane holding a control character: subtracting counts it. */
            lanes = _mm_sub_epi8(lanes, _mm_andnot_si128(text, low));
        }
        __m128i sums = _mm_sad_epu8(lanes, zero);
        controls += (uint64_t)_mm_cvtsi128_si32(sums) + (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == 0 || c >= 0x80) return 0;
        if (c < 0x20 && !is_text_control(c)) controls++;
    }
    return controls * 20 <= n;
}

int dstool_plain_ascii_text_portable(const uint8_t *p, size_t n) {
    return plain_ascii_from(p, n, 0, 0);
}

#if DSTOOL_TEXT_AVX2
/* 64 bytes a step with AVX2: in source text most 64-byte blocks hold newlines and no other byte
 * below 0x20, which one compare of two masks settles. Returns the bytes it took (a multiple of
 * 64), adding their control characters to *controls, or SIZE_MAX on a NUL or a byte above 0x7F. */
__attribute__((target("avx2,popcnt")))
static size_t plain_ascii_avx2(const uint8_t *p, size_t n, uint64_t *controls) {
    const __m256i below = _mm256_set1_epi8(0x20), zero = _mm256_setzero_si256();
    const __m256i tab = _mm256_set1_epi8(0x09), lf = _mm256_set1_epi8(0x0A), ff = _mm256_set1_epi8(0x0C);
    const __m256i cr = _mm256_set1_epi8(0x0D), esc = _mm256_set1_epi8(0x1B);
    size_t i = 0;
    uint64_t count = 0;
    for (; n - i >= 64; i += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        /* A high byte sets the top bit of the OR; a NUL makes the unsigned minimum zero. */
        __m256i stop = _mm256_or_si256(_mm256_or_si256(a, b), _mm256_cmpeq_epi8(_mm256_min_epu8(a, b), zero));
        if (_mm256_movemask_epi8(stop) != 0) return (size_t)-1;
        /* Every byte is 0x01-0x7F here, so the signed compare is the unsigned one. */
        uint64_t low = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(below, a))
                     | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(below, b)) << 32;
        if (low == 0) continue;
        uint64_t newlines = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, lf))
                          | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, lf)) << 32;
        if (low == newlines) continue;
        __m256i ta = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, tab), _mm256_cmpeq_epi8(a, lf)),
                                     _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, ff), _mm256_cmpeq_epi8(a, cr)),
                                                     _mm256_cmpeq_epi8(a, esc)));
        __m256i tb = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, tab), _mm256_cmpeq_epi8(b, lf)),
                                     _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, ff), _mm256_cmpeq_epi8(b, cr)),
                                                     _mm256_cmpeq_epi8(b, esc)));
        uint64_t text = (uint32_t)_mm256_movemask_epi8(ta) | (uint64_t)(uint32_t)_mm256_movemask_epi8(tb) << 32;
        count += (uint64_t)__builtin_popcountll(low & ~text);
    }
    *controls += count;
    return i;
}

/* AVX2 in the CPU and its YMM state saved by the OS (XGETBV), asked once. */
static int avx2_usable(void) {
    static int usable = -1;
    if (usable < 0) {
        unsigned a, b, c, d;
        int ok = 0;
        if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_POPCNT)) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2)) ok = 1;
        }
        usable = ok;
    }
    return usable;
}
#endif

int dstool_plain_ascii_text_uses_avx2(void) {
#if DSTOOL_TEXT_AVX2
    return avx2_usable();
#else
    return 0;
#endif
}

int dstool_plain_ascii_text(const uint8_t *p, size_t n) {
#if DSTOOL_TEXT_AVX2
    if (n >= 64 && avx2_usable()) {
        uint64_t controls = 0;
        size_t done = plain_ascii_avx2(p, n, &controls);
        if (done == (size_t)-1) return 0;
        return plain_ascii_from(p, n, done, controls);
    }
#endif
    return plain_ascii_from(p, n, 0, 0);
}
