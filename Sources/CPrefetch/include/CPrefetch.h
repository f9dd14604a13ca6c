#ifndef OBLIGE_CPREFETCH_H
#define OBLIGE_CPREFETCH_H

/// Asks the processor to start bringing the cache line holding `address` in, for a read soon.
/// A hint only: it never faults and changes nothing a program can observe but timing.
static inline __attribute__((always_inline)) void oblige_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
