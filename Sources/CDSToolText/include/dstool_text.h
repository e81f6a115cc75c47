/* Byte scans of the input layer's text detection: 64 bytes at a time with AVX2 where the CPU has
 * it (checked once at run time), else sixteen at a time with SSE2 (part of baseline x86-64;
 * other targets get the plain loop). */
#ifndef DSTOOL_TEXT_H
#define DSTOOL_TEXT_H
#include <stddef.h>
#include <stdint.h>

/* Whether the n bytes at p are plain ASCII text: no NUL, nothing above 0x7F, and at most one byte
 * in 20 a control character (below 0x20, other than tab, LF, FF, CR and ESC). 1 or 0. */
int dstool_plain_ascii_text(const uint8_t *p, size_t n);

/* The same answer without AVX2 (SSE2 and the byte loop): what CPUs without AVX2 run; tests check
 * both paths agree. */
int dstool_plain_ascii_text_portable(const uint8_t *p, size_t n);

/* Whether dstool_plain_ascii_text takes the AVX2 path on this CPU. 1 or 0. */
int dstool_plain_ascii_text_uses_avx2(void);

#endif
