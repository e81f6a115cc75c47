#include "dstool_text.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Tab, LF, FF, CR and ESC: below 0x20 but ordinary in text. */
static inline int is_text_control(uint8_t c) {
    return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1B;
}

int dstool_plain_ascii_text(const uint8_t *p, size_t n) {
    size_t i = 0;
    uint64_t controls = 0;
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
