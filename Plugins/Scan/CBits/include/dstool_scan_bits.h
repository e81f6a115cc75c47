/* The scan plugin's byte masks: 64 bytes as 64 bits (bit k for byte k), with SSE2's byte
 * compares and movemask, which Swift cannot express (its SIMD types gather flags with
 * multiplications, about three times the instructions). SSE2 is part of baseline x86-64, so
 * these inline into the Swift callers; other targets get the plain loop. */
#ifndef DSTOOL_SCAN_BITS_H
#define DSTOOL_SCAN_BITS_H
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bit k set where p[k] is an ASCII digit, for the 64 bytes at p. */
static inline uint64_t dstool_scan_digit_bits64(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    uint64_t bits = 0;
    for (int k = 0; k < 4; k++) {
        /* x - '0' wraps: a digit is exactly a value at most 9 (unsigned min keeps it). */
        __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * k)), zero);
        __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(v, nine), v);
        bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(digit) << (16 * k);
    }
    return bits;
#else
    uint64_t bits = 0;
    for (int k = 0; k < 64; k++) bits |= (uint64_t)((uint8_t)(p[k] - '0') < 10) << k;
    return bits;
#endif
}

/* Bit k set where p[k] is `separator` or a newline (LF), for the 64 bytes at p. */
static inline uint64_t dstool_scan_cell_end_bits64(const uint8_t *p, uint8_t separator) {
#if defined(__SSE2__)
    const __m128i sep = _mm_set1_epi8((char)separator), lf = _mm_set1_epi8('\n');
    uint64_t bits = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i end = _mm_or_si128(_mm_cmpeq_epi8(v, sep), _mm_cmpeq_epi8(v, lf));
        bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(end) << (16 * k);
    }
    return bits;
#else
    uint64_t bits = 0;
    for (int k = 0; k < 64; k++) bits |= (uint64_t)(p[k] == separator || p[k] == '\n') << k;
    return bits;
#endif
}

/* Whether one of the 64 bytes at p is `byte` (one movemask over the four compares). */
static inline int dstool_scan_contains_byte64(const uint8_t *p, uint8_t byte) {
#if defined(__SSE2__)
    const __m128i b = _mm_set1_epi8((char)byte);
    __m128i any = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), b),
                                            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), b)),
                               _mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), b),
                                            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), b)));
    return _mm_movemask_epi8(any) != 0;
#else
    for (int k = 0; k < 64; k++) if (p[k] == byte) return 1;
    return 0;
#endif
}

/* The ID-number checksum's weighted sum: digit k of the 17 ASCII digits at p (the caller has
 * checked they are digits) times 2^(17-k) mod 11, added up. */
static inline int dstool_scan_id_weighted_sum17(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)p), _mm_set1_epi8('0'));
    /* Widened to 16 bits; pmaddwd multiplies and adds neighbouring pairs into 32-bit sums. */
    __m128i sums = _mm_add_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(v, zero), _mm_setr_epi16(7, 9, 10, 5, 8, 4, 2, 1)),
                                 _mm_madd_epi16(_mm_unpackhi_epi8(v, zero), _mm_setr_epi16(6, 3, 7, 9, 10, 5, 8, 4)));
    sums = _mm_add_epi32(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(1, 0, 3, 2)));
    sums = _mm_add_epi32(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(2, 3, 0, 1)));
    int sum = _mm_cvtsi128_si32(sums) + (p[16] - '0') * 2;
    /* A compiler barrier: without it the Swift caller's later byte reads of the number were
     * taken from this vector load, through sixteen extractions and stack spills per number. */
    __asm__ __volatile__("" ::: "memory");
    return sum;
#else
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 17; k++) sum += (p[k] - '0') * weights[k];
    return sum;
#endif
}

/* The Luhn sum of the 16 ASCII digits at p (the caller has checked they are digits), taken as
 * the last sixteen of the number: byte k is 15 - k places from the right, so the even bytes are
 * doubled (2e, minus 9 when e > 4). */
static inline int dstool_scan_luhn_sum16(const uint8_t *p) {
#if defined(__SSE2__)
    __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)p), _mm_set1_epi8('0'));
    const __m128i even = _mm_setr_epi8(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0);
    /* Values 0-9: the signed compare is the unsigned one. e + (e - 9 when e > 4) is the doubled digit. */
    __m128i nines = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(4)), _mm_set1_epi8(9));
    __m128i lanes = _mm_add_epi8(v, _mm_and_si128(_mm_sub_epi8(v, nines), even));
    /* psadbw against zero adds each half's bytes (at most 8 * 9 each). */
    __m128i halves = _mm_sad_epu8(lanes, _mm_setzero_si128());
    return _mm_cvtsi128_si32(halves) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(halves, halves));
#else
    int sum = 0;
    for (int k = 0; k < 16; k++) {
        int e = p[k] - '0';
        sum += (k & 1) ? e : (e > 4 ? 2 * e - 9 : 2 * e);
    }
    return sum;
#endif
}

#endif
