/* What the scanner's two files share (core/scan.c, core/scan_str.c). */
#ifndef VIGIL_SCAN_INT_H
#define VIGIL_SCAN_INT_H

static inline int isdig(unsigned char c) {
  return (unsigned)(c - '0') < 10;
}

static inline int ishex(unsigned char c) {
  return isdig(c) || (unsigned)((c | 0x20) - 'a') < 6;
}

#endif
